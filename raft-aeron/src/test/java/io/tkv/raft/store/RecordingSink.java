package io.tkv.raft.store;

import io.tkv.raft.core.Entry;
import io.tkv.raft.core.EntryType;
import io.tkv.raft.core.Snapshot;
import io.tkv.raft.snapshot.SnapshotData;
import io.tkv.raft.snapshot.SnapshotDirs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * An {@link ApplySink} that records what it was handed, with an optional limit to exercise back-pressure. Its
 * state can be written to a snapshot file ({@link #writeState}) and replaced by one ({@link #offerSnapshot}).
 */
final class RecordingSink implements ApplySink {
    static final String STATE_FILE = "state.txt";

    record Committed(long index, long term, String data, long token) {
    }

    final List<Committed> committed = new ArrayList<>();
    final List<Long> reads = new ArrayList<>();
    /** The last committed index at the moment each read was handed over. */
    final List<Long> readsAfterIndex = new ArrayList<>();
    final List<Long> droppedProposals = new ArrayList<>();
    final List<Long> rejectedReads = new ArrayList<>();
    int room = Integer.MAX_VALUE;
    /** When set, thrown by the next offered committed entry (a state machine that fails). */
    RuntimeException failure;
    final List<Long> installedSnapshots = new ArrayList<>();
    /** Where received snapshots are, for {@link #offerSnapshot}. */
    Path snapshotRoot;
    /** Told the directory of each installed snapshot (which may then go). */
    java.util.function.Consumer<Path> installed = dir -> {
    };

    @Override
    public boolean offerSnapshot(final long regionId, final Snapshot snapshot) {
        final SnapshotData data = SnapshotData.decode(snapshot.data());
        final Path file = SnapshotDirs.receiveDir(snapshotRoot, regionId, data).resolve(STATE_FILE);
        try {
            final List<Committed> state = new ArrayList<>();
            for (final String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                final String[] fields = line.split("\t", 3);
                state.add(new Committed(Long.parseLong(fields[0]), Long.parseLong(fields[1]), fields[2], NO_TOKEN));
            }
            if (state.isEmpty() || state.get(state.size() - 1).index() != snapshot.index()) {
                throw new AssertionError("snapshot " + snapshot + " does not end at its index: " + state);
            }
            committed.clear();
            committed.addAll(state);
            installedSnapshots.add(snapshot.index());
            installed.accept(file.getParent());
            return true;
        } catch (final IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    /** Writes every committed record to {@code dir/state.txt}. */
    void writeState(final Path dir) throws IOException {
        Files.createDirectories(dir);
        final List<String> lines = new ArrayList<>();
        for (final Committed c : committed) {
            lines.add(c.index() + "\t" + c.term() + "\t" + c.data());
        }
        Files.write(dir.resolve(STATE_FILE), lines, StandardCharsets.UTF_8);
    }

    @Override
    public boolean offerCommitted(final long regionId, final Entry entry, final long proposalToken) {
        if (failure != null) {
            throw failure;
        }
        if (room <= 0) {
            return false;
        }
        room--;
        if (regionId != StoreUnderTest.REGION) {
            // Only region 1 is recorded; others (a test of many regions) are taken as they come.
            return true;
        }
        if (!committed.isEmpty() && committed.get(committed.size() - 1).index() + 1 != entry.index()) {
            throw new AssertionError("gap: " + committed.get(committed.size() - 1) + " then " + entry);
        }
        committed.add(new Committed(entry.index(), entry.term(),
            entry.type() == EntryType.NORMAL ? new String(entry.data()) : "conf", proposalToken));
        return true;
    }

    @Override
    public boolean offerRead(final long regionId, final long readToken) {
        if (room <= 0) {
            return false;
        }
        room--;
        reads.add(readToken);
        readsAfterIndex.add(lastIndex());
        return true;
    }

    @Override
    public void onProposalDropped(final long regionId, final long proposalToken, final long leaderStoreId) {
        droppedProposals.add(proposalToken);
    }

    @Override
    public void onReadRejected(final long regionId, final long readToken, final long leaderStoreId) {
        rejectedReads.add(readToken);
    }

    long lastIndex() {
        return committed.isEmpty() ? -1 : committed.get(committed.size() - 1).index();
    }

    /** @return the data of the non-empty normal entries, in log order. */
    List<String> commands() {
        final List<String> commands = new ArrayList<>();
        for (final Committed c : committed) {
            if (!c.data().isEmpty() && !c.data().equals("conf")) {
                commands.add(c.data());
            }
        }
        return commands;
    }
}
