package io.tkv.log;

import static io.tkv.log.LogTesting.append;
import static io.tkv.log.LogTesting.assertEntry;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.agrona.collections.Long2LongHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Crashes a real child JVM ({@link CrashChild}) while it writes the log, by {@code kill -9} or by
 * {@code Runtime.halt} at named crash points, then recovers the log in this JVM and checks it: every entry synced
 * before the crash is there with its term and bytes, nothing truncated comes back, nothing after a torn record is
 * used, and appending and reopening again works.
 */
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class RaftLogCrashTest {
    private static final int SYNCED_LINES_BEFORE_KILL = 150;
    private static final int PAGE_BYTES = 4096;

    @TempDir
    Path dir;
    @TempDir
    Path scratch;

    private final List<Process> children = new ArrayList<>();

    @AfterEach
    void killChildren() throws InterruptedException {
        for (final Process child : children) {
            child.destroyForcibly();
            child.waitFor(30, TimeUnit.SECONDS);
        }
    }

    @ParameterizedTest(name = "sync thread {0}")
    @ValueSource(booleans = {false, true})
    void shouldRecoverEverySyncedEntryAfterKillNine(final boolean syncThread) throws IOException, InterruptedException {
        final Process child = start(syncThread, "append-until-killed");
        final Long2LongHashMap synced = new Long2LongHashMap(0);
        int lines = 0;
        try (BufferedReader out = reader(child)) {
            String line;
            while (lines < SYNCED_LINES_BEFORE_KILL && (line = out.readLine()) != null) {
                final String[] parts = line.split(" ");
                if ("SYNCED".equals(parts[0])) {
                    synced.put(Long.parseLong(parts[1]), Long.parseLong(parts[2]));
                    lines++;
                }
            }
            // Killed while it keeps appending and syncing: most likely in the middle of some record.
            child.destroyForcibly();
            assertTrue(child.waitFor(30, TimeUnit.SECONDS));
        }
        assertEquals(SYNCED_LINES_BEFORE_KILL, lines, "child output: " + stderr());

        try (RaftLog log = RaftLog.open(LogTesting.config(dir))) {
            for (long region = 1; region <= 3; region++) {
                final long last = log.lastIndex(region);
                assertTrue(last >= synced.get(region), "region " + region + " lost synced entries: last " + last
                    + " < synced " + synced.get(region));
                for (long index = 1; index <= last; index++) {
                    assertEntry(log, region, index, 1);
                }
                append(log, region, last + 1, 2);
            }
            log.sync();
        }
        try (RaftLog log = RaftLog.open(LogTesting.config(dir))) {
            for (long region = 1; region <= 3; region++) {
                assertEntry(log, region, log.lastIndex(region), 2);
            }
        }
    }

    @ParameterizedTest(name = "sync thread {0}")
    @ValueSource(booleans = {false, true})
    void shouldCutTheRecordBeingWrittenWhenTheProcessDies(final boolean syncThread)
        throws IOException, InterruptedException {
        final List<String> out = runToCrash(syncThread, "halt-mid-record");
        assertTrue(out.contains("SYNCED 1 30 1"), out.toString());

        try (RaftLog log = RaftLog.open(LogTesting.config(dir))) {
            // A process crash keeps every complete record (the page cache survives it), not just the synced ones.
            assertEquals(35, log.lastIndex(1), "everything before the torn record, nothing of it");
            for (long index = 1; index <= 35; index++) {
                assertEntry(log, 1, index, 1);
            }
            append(log, 1, 36, 2);
            log.sync();
        }
        assertReopensWith(36, 2);
    }

    @ParameterizedTest(name = "sync thread {0}")
    @ValueSource(booleans = {false, true})
    void shouldCutWhereAnOsCrashAlsoLostAPageOfTheUnsyncedTail(final boolean syncThread)
        throws IOException, InterruptedException {
        final List<String> out = runToCrash(syncThread, "halt-with-unsynced-tail");
        assertTrue(out.contains("SYNCED 1 30 1"), out.toString());
        // Then the OS died too, before it wrote back the page holding entry 50; the pages after it it did write.
        final LogTesting.Hit lost = LogTesting.findEntryRecord(dir, 1, 50, 1);
        final long pageStart = lost.offset() / PAGE_BYTES * PAGE_BYTES;
        assertTrue(LogTesting.findEntryRecord(dir, 1, 31, 1).offset() < pageStart
            && pageStart + PAGE_BYTES < LogTesting.findEntryRecord(dir, 1, 80, 1).offset(),
            "the lost page lies inside the unsynced entries, with entries after it");
        long intact = 0;
        for (final LogTesting.RawRecord record : LogTesting.rawRecords(lost.file())) {
            if (record.kind() == RecordKind.ENTRY && record.end() <= pageStart) {
                intact = record.a();
            }
        }
        LogTesting.zero(lost.file(), pageStart, pageStart + PAGE_BYTES);

        try (RaftLog log = RaftLog.open(LogTesting.config(dir))) {
            assertEquals(intact, log.lastIndex(1), "every entry before the lost page, none after it");
            for (long index = 1; index <= intact; index++) {
                assertEntry(log, 1, index, 1);
            }
            append(log, 1, intact + 1, 2);
            log.sync();
        }
        assertReopensWith(intact + 1, 2);
    }

    @Test
    void shouldKeepATruncationWrittenBeforeTheCrash() throws IOException, InterruptedException {
        final List<String> out = runToCrash("halt-after-truncate");
        assertTrue(out.contains("SYNCED 1 20 1"), out.toString());

        try (RaftLog log = RaftLog.open(LogTesting.config(dir))) {
            assertEquals(10, log.lastIndex(1), "the truncated entries do not come back");
            for (long index = 1; index <= 10; index++) {
                assertEntry(log, 1, index, 1);
            }
            assertFalse(log.read(1, 11, LogTesting.collector(new ArrayList<>())));
            append(log, 1, 11, 2);
            log.sync();
        }
        assertReopensWith(11, 2);
    }

    @Test
    void shouldNotResurrectTruncatedEntriesWhenDyingAmongTheReplacements() throws IOException, InterruptedException {
        runToCrash("halt-mid-replace");

        try (RaftLog log = RaftLog.open(LogTesting.config(dir))) {
            assertEquals(14, log.lastIndex(1), "replacements up to the torn one");
            for (long index = 1; index <= 14; index++) {
                assertEntry(log, 1, index, index <= 10 ? 1 : 2);
            }
            assertEquals(-1, log.term(1, 15), "no entry of the old term after the replacements");
            append(log, 1, 15, 2);
            log.sync();
        }
        assertReopensWith(15, 2);
    }

    @Test
    void shouldKeepAnOverwriteWrittenBeforeTheCrash() throws IOException, InterruptedException {
        runToCrash("halt-mid-overwrite");

        try (RaftLog log = RaftLog.open(LogTesting.config(dir))) {
            assertEquals(12, log.lastIndex(1));
            for (long index = 1; index <= 12; index++) {
                assertEntry(log, 1, index, index <= 10 ? 1 : 2);
            }
            append(log, 1, 13, 2);
            log.sync();
        }
        assertReopensWith(13, 2);
    }

    @Test
    void shouldRecoverTheLastHardStateWritten() throws IOException, InterruptedException {
        final List<String> out = runToCrash("halt-after-hard-state");
        assertTrue(out.contains("HARDSTATE 1 5 2 4"), out.toString());

        try (RaftLog log = RaftLog.open(LogTesting.config(dir))) {
            // Synced was (5, 2, 4); the newer one was complete in the page cache when the process died.
            assertEquals(new LogHardState(6, 3, 5), log.hardState(1));
            assertEquals(5, log.lastIndex(1));
            log.saveHardState(1, 7, 0, 5);
            log.sync();
        }
        try (RaftLog log = RaftLog.open(LogTesting.config(dir))) {
            assertEquals(new LogHardState(7, 0, 5), log.hardState(1));
        }
    }

    @ParameterizedTest(name = "sync thread {0}")
    @ValueSource(booleans = {false, true})
    void shouldRecoverWhenDyingBeforeTheFirstCycleFileDeletion(final boolean syncThread)
        throws IOException, InterruptedException {
        final List<String> out = runToCrash(syncThread, "halt-during-compaction", "1");
        final List<String> deleting = linesStartingWith(out, "DELETING");
        assertEquals(1, deleting.size(), out.toString());
        assertTrue(Files.exists(Path.of(deleting.get(0).split(" ")[2])), "died before deleting it");

        assertCompactedLogRecovers();
    }

    @ParameterizedTest(name = "sync thread {0}")
    @ValueSource(booleans = {false, true})
    void shouldRecoverWhenDyingBetweenCycleFileDeletions(final boolean syncThread)
        throws IOException, InterruptedException {
        final List<String> out = runToCrash(syncThread, "halt-during-compaction", "2");
        final List<String> deleting = linesStartingWith(out, "DELETING");
        assertEquals(2, deleting.size(), out.toString());
        assertFalse(Files.exists(Path.of(deleting.get(0).split(" ")[2])), "the first file was deleted");
        assertTrue(Files.exists(Path.of(deleting.get(1).split(" ")[2])), "the second was not");

        assertCompactedLogRecovers();
    }

    private void assertCompactedLogRecovers() {
        final RaftLogConfig config = LogTesting.config(dir).maxCycleFileBytes(CrashChild.SMALL_CYCLE_BYTES);
        try (RaftLog log = RaftLog.open(config)) {
            assertEquals(301, log.firstIndex(1));
            assertEquals(300, log.lastIndex(1));
            assertEquals(1, log.term(1, 300));
            assertEquals(281, log.firstIndex(2));
            assertEquals(300, log.lastIndex(2));
            for (long index = 281; index <= 300; index++) {
                assertEntry(log, 2, index, 1);
            }
            assertEquals(new LogHardState(1, 1, 300), log.hardState(1));
            assertEquals(new LogHardState(1, 2, 300), log.hardState(2));
            append(log, 1, 301, 2);
            log.sync();
        }
        try (RaftLog log = RaftLog.open(config)) {
            assertEntry(log, 1, 301, 2);
            assertEntry(log, 2, 290, 1);
            assertEquals(new LogHardState(1, 2, 300), log.hardState(2));
        }
    }

    private void assertReopensWith(final long lastIndex, final long lastTerm) {
        try (RaftLog log = RaftLog.open(LogTesting.config(dir))) {
            assertEquals(-1, log.stats().recoveryCutIndex(), "the torn bytes are void after the first recovery");
            assertEquals(lastIndex, log.lastIndex(1));
            assertEntry(log, 1, lastIndex, lastTerm);
        }
    }

    /** Runs a halting scenario to its end and checks it died at its crash point. */
    private List<String> runToCrash(final String... scenario) throws IOException, InterruptedException {
        return runToCrash(false, scenario);
    }

    private List<String> runToCrash(final boolean syncThread, final String... scenario)
        throws IOException, InterruptedException {
        final Process child = start(syncThread, scenario);
        final List<String> lines = new ArrayList<>();
        try (BufferedReader out = reader(child)) {
            String line;
            while ((line = out.readLine()) != null) {
                lines.add(line);
            }
        }
        assertTrue(child.waitFor(60, TimeUnit.SECONDS), "child did not exit");
        assertEquals(CrashChild.CRASH_EXIT, child.exitValue(), "child output " + lines + ", errors: " + stderr());
        assertEquals(syncThread, lines.contains(CrashChild.SYNC_THREAD_LINE), "the child's sync mode: " + lines);
        return lines;
    }

    private Process start(final boolean syncThread, final String... scenario) throws IOException {
        final List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmFlags());
        command.add("-D" + CrashChild.SYNC_THREAD_PROPERTY + "=" + syncThread);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(CrashChild.class.getName());
        command.add(dir.toString());
        command.addAll(Arrays.asList(scenario));
        final Process child = new ProcessBuilder(command)
            .redirectError(scratch.resolve("child.err").toFile())
            .start();
        children.add(child);
        return child;
    }

    /** The flags surefire gave this JVM (passed through as a property), else this JVM's own module flags. */
    private static List<String> jvmFlags() {
        final String flags = System.getProperty("tkv.test.jvm.flags");
        if (flags != null && !flags.isBlank()) {
            return Arrays.asList(flags.trim().split("\\s+"));
        }
        final List<String> own = new ArrayList<>();
        for (final String argument : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (argument.startsWith("--add-") || argument.startsWith("-Dchronicle.")
                || argument.startsWith("--enable-native-access") || argument.startsWith("--sun-misc")) {
                own.add(argument);
            }
        }
        return own;
    }

    private static BufferedReader reader(final Process child) {
        return new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
    }

    private String stderr() throws IOException {
        final Path errors = scratch.resolve("child.err");
        return Files.exists(errors) ? Files.readString(errors) : "";
    }

    private static List<String> linesStartingWith(final List<String> lines, final String prefix) {
        return lines.stream().filter(line -> line.startsWith(prefix)).toList();
    }
}
