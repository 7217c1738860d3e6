package io.tkv.log;

import static io.tkv.log.LogTesting.append;

import java.io.PrintStream;
import java.util.ArrayDeque;
import java.nio.file.Path;

/**
 * The child JVM of {@link RaftLogCrashTest}: opens a log, writes, and dies at a named crash point, either by
 * {@code Runtime.halt} (no shutdown hooks, no close, no flush: what {@code kill -9} leaves behind) or by being
 * killed by the test. It prints what it made durable, one line each, so the test knows what must survive:
 * {@code SYNCED region index term} after a sync covered the entry, {@code HARDSTATE region term vote commit}
 * after a sync covered the hard state. With the system property {@value #SYNC_THREAD_PROPERTY} set, the log runs
 * its sync thread ({@link RaftLog#startSyncThread}).
 */
public final class CrashChild {
    /** Exit code of a halt at the intended crash point; anything else means the child failed before it. */
    static final int CRASH_EXIT = 77;
    /** Cycle size of the compaction scenarios: rolls about every 100 entries. */
    static final long SMALL_CYCLE_BYTES = 12 * 1024;
    /** Set to true: the child's log syncs on its sync thread. */
    static final String SYNC_THREAD_PROPERTY = "tkv.test.syncThread";
    /** Printed once the sync thread runs, so the test knows the mode took. */
    static final String SYNC_THREAD_LINE = "SYNC-THREAD";

    private static final PrintStream OUT = System.out;

    private CrashChild() {
    }

    /**
     * @param args the log directory, then a scenario name and its arguments.
     */
    public static void main(final String[] args) {
        final Path dir = Path.of(args[0]);
        final String scenario = args[1];
        final HaltingHooks hooks = new HaltingHooks();
        try {
            switch (scenario) {
                case "append-until-killed":
                    appendUntilKilled(dir);
                    break;
                case "halt-mid-record":
                    haltMidRecord(dir, hooks);
                    break;
                case "halt-after-truncate":
                    haltAfterTruncate(dir);
                    break;
                case "halt-mid-replace":
                    haltMidReplace(dir, hooks);
                    break;
                case "halt-mid-overwrite":
                    haltMidOverwrite(dir);
                    break;
                case "halt-after-hard-state":
                    haltAfterHardState(dir);
                    break;
                case "halt-with-unsynced-tail":
                    haltWithUnsyncedTail(dir);
                    break;
                case "halt-during-compaction":
                    haltDuringCompaction(dir, hooks, Integer.parseInt(args[2]));
                    break;
                default:
                    throw new IllegalArgumentException("unknown scenario " + scenario);
            }
        } catch (final Throwable ex) {
            ex.printStackTrace();
            System.exit(1);
        }
        System.err.println("scenario " + scenario + " ended without reaching its crash point");
        System.exit(2);
    }

    /**
     * Three regions, synced every few rounds, until the test kills the process (bounded all the same). With the
     * sync thread it works as the raft agent does: requests a sync, goes on writing, and reports a round synced
     * once {@link RaftLog#durableSeq()} covers the sequence number its request returned.
     */
    private static void appendUntilKilled(final Path dir) {
        final RaftLog log = open(LogTesting.config(dir));
        final boolean threaded = Boolean.getBoolean(SYNC_THREAD_PROPERTY);
        final ArrayDeque<long[]> pending = new ArrayDeque<>();
        final long deadlineNs = System.nanoTime() + 60_000_000_000L;
        for (long index = 1; index < 1_000_000 && System.nanoTime() < deadlineNs; index++) {
            for (long region = 1; region <= 3; region++) {
                append(log, region, index, 1);
            }
            if (index % 4 == 0) {
                if (threaded) {
                    pending.add(new long[] {log.requestSync(), index});
                } else {
                    log.sync();
                    syncedRound(index);
                }
            }
            final long durable = log.durableSeq();
            while (!pending.isEmpty() && pending.peek()[0] <= durable) {
                syncedRound(pending.poll()[1]);
            }
        }
    }

    private static void syncedRound(final long index) {
        for (long region = 1; region <= 3; region++) {
            synced(region, index, 1);
        }
    }

    private static RaftLog open(final RaftLogConfig config) {
        final RaftLog log = RaftLog.open(config);
        if (Boolean.getBoolean(SYNC_THREAD_PROPERTY)) {
            log.startSyncThread(() -> { });
            OUT.println(SYNC_THREAD_LINE);
        }
        return log;
    }

    /** Entries 1..30 synced, 31..35 written, then dies with entry 36 half written. */
    private static void haltMidRecord(final Path dir, final HaltingHooks hooks) {
        final RaftLog log = open(LogTesting.config(dir).hooks(hooks));
        appendSynced(log, 1, 1, 30, 1);
        for (long index = 31; index <= 35; index++) {
            append(log, 1, index, 1);
        }
        hooks.haltOnNextHalfWrittenEntry = true;
        append(log, 1, 36, 1);
    }

    /** Entries 1..30 synced, 31..80 written and not synced, then death. */
    private static void haltWithUnsyncedTail(final Path dir) {
        final RaftLog log = open(LogTesting.config(dir));
        appendSynced(log, 1, 1, 30, 1);
        for (long index = 31; index <= 80; index++) {
            append(log, 1, index, 1);
        }
        halt();
    }

    /** Entries 1..20 synced, then a truncation from 11, then death before any replacing entry. */
    private static void haltAfterTruncate(final Path dir) {
        final RaftLog log = open(LogTesting.config(dir));
        appendSynced(log, 1, 1, 20, 1);
        log.truncateSuffix(1, 11);
        halt();
    }

    /** Entries 1..20 synced, truncation from 11, replacing entries 11..14 of term 2, death while writing 15. */
    private static void haltMidReplace(final Path dir, final HaltingHooks hooks) {
        final RaftLog log = open(LogTesting.config(dir).hooks(hooks));
        appendSynced(log, 1, 1, 20, 1);
        log.truncateSuffix(1, 11);
        for (long index = 11; index <= 14; index++) {
            append(log, 1, index, 2);
        }
        hooks.haltOnNextHalfWrittenEntry = true;
        append(log, 1, 15, 2);
    }

    /** Entries 1..20 synced, then 11 and 12 of term 2 appended over them (implicit truncation), then death. */
    private static void haltMidOverwrite(final Path dir) {
        final RaftLog log = open(LogTesting.config(dir));
        appendSynced(log, 1, 1, 20, 1);
        append(log, 1, 11, 2);
        append(log, 1, 12, 2);
        halt();
    }

    /** A synced hard state, then a newer one written, then death before the sync. */
    private static void haltAfterHardState(final Path dir) {
        final RaftLog log = open(LogTesting.config(dir));
        appendSynced(log, 1, 1, 5, 5);
        log.saveHardState(1, 5, 2, 4);
        log.sync();
        OUT.println("HARDSTATE 1 5 2 4");
        log.saveHardState(1, 6, 3, 5);
        halt();
    }

    /**
     * Two regions over several cycle files, both compacted, then death before the n-th cycle file deletion: the
     * checkpoint in the newest cycle is durable, some old files may be gone.
     */
    private static void haltDuringCompaction(final Path dir, final HaltingHooks hooks, final int haltAtDelete) {
        final RaftLog log = open(LogTesting.config(dir).maxCycleFileBytes(SMALL_CYCLE_BYTES).hooks(hooks));
        log.saveHardState(1, 1, 1, 0);
        appendSynced(log, 1, 1, 300, 1);
        appendSynced(log, 2, 1, 300, 1);
        log.saveHardState(1, 1, 1, 300);
        log.saveHardState(2, 1, 2, 300);
        log.sync();
        OUT.println("HARDSTATE 1 1 1 300");
        OUT.println("HARDSTATE 2 1 2 300");
        log.compact(1, 300, 1);
        log.compact(2, 280, 1);
        OUT.println("COMPACTED 1 300 1");
        OUT.println("COMPACTED 2 280 1");
        hooks.haltAtDelete = haltAtDelete;
        log.sync();
        OUT.println("SYNCED-COMPACTION");
        OUT.flush();
    }

    private static void appendSynced(
        final RaftLog log, final long regionId, final long from, final long to, final long term) {
        for (long index = from; index <= to; index++) {
            append(log, regionId, index, term);
            if (index % 10 == 0 || index == to) {
                log.sync();
                synced(regionId, index, term);
            }
        }
    }

    private static void synced(final long regionId, final long index, final long term) {
        OUT.println("SYNCED " + regionId + " " + index + " " + term);
        OUT.flush();
    }

    private static void halt() {
        OUT.flush();
        Runtime.getRuntime().halt(CRASH_EXIT);
    }

    /** Halts the process at an armed crash point. */
    private static final class HaltingHooks implements RaftLogHooks {
        boolean haltOnNextHalfWrittenEntry;
        int haltAtDelete;
        int deletes;

        @Override
        public void onRecordHalfWritten(final RecordKind kind) {
            if (haltOnNextHalfWrittenEntry && kind == RecordKind.ENTRY) {
                halt();
            }
        }

        @Override
        public void beforeCycleDelete(final int cycle, final Path file) {
            deletes++;
            OUT.println("DELETING " + cycle + " " + file);
            if (haltAtDelete > 0 && deletes == haltAtDelete) {
                halt();
            }
        }
    }
}
