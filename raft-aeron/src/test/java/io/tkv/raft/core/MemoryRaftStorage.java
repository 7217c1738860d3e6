package io.tkv.raft.core;

import java.util.ArrayList;
import java.util.List;

/**
 * A {@link RaftStorage} in memory: the "disk" of a peer in tests. It changes only when the test persists a
 * {@link Ready} ({@link #persist(Ready)}) or compacts after a snapshot of its own ({@link #compact(Snapshot)}), so a
 * crash (dropping the RaftNode and its unpersisted Ready) loses exactly what a real crash would.
 */
public final class MemoryRaftStorage implements RaftStorage {
    private HardState hardState = HardState.EMPTY;
    private Snapshot snapshot;
    private long snapshotIndex;
    private long snapshotTerm;
    private ConfState conf = new ConfState(new long[0], new long[0]);
    private final ArrayList<Entry> entries = new ArrayList<>();

    /** @return the storage of a joining peer: no members, no log. */
    public static MemoryRaftStorage empty() {
        return new MemoryRaftStorage();
    }

    /**
     * @return the storage of a founding member: a bootstrap snapshot at {@code index}/{@code term} with {@code conf}
     *     and state {@code data}, hard state (term, no vote, commit index).
     */
    public static MemoryRaftStorage bootstrap(final long index, final long term, final ConfState conf,
        final byte[] data) {
        final MemoryRaftStorage s = new MemoryRaftStorage();
        s.installSnapshot(new Snapshot(index, term, conf, data));
        s.hardState = new HardState(term, HardState.NO_VOTE, index);
        return s;
    }

    /** Overwrites the hard state (tests that build a peer's disk by hand). */
    public void hardState(final HardState state) {
        hardState = state;
    }

    /** Makes a Ready durable, in the order its rules say: snapshot, entries, hard state. */
    public void persist(final Ready ready) {
        if (ready.snapshot() != null) {
            installSnapshot(ready.snapshot());
        }
        append(ready.entries());
        if (ready.hardState() != null) {
            hardState = ready.hardState();
        }
    }

    /** Appends entries, first discarding the suffix from the first one's index if it conflicts. */
    public void append(final List<Entry> toAppend) {
        if (toAppend.isEmpty()) {
            return;
        }
        final long first = toAppend.get(0).index();
        if (first <= snapshotIndex || first > lastIndex() + 1) {
            throw new IllegalStateException("append at " + first + " to a log of [" + firstIndex() + ", "
                + lastIndex() + "]");
        }
        while (lastIndex() >= first) {
            entries.remove(entries.size() - 1);
        }
        entries.addAll(toAppend);
    }

    /** A snapshot from the leader replaces the whole log. */
    public void installSnapshot(final Snapshot s) {
        entries.clear();
        snapshot = s;
        snapshotIndex = s.index();
        snapshotTerm = s.term();
        conf = s.conf();
    }

    /** The peer's own snapshot at an applied index: entries up to it are dropped, later ones kept. */
    public void compact(final Snapshot s) {
        if (s.index() <= snapshotIndex) {
            return;
        }
        if (s.index() > lastIndex() || term(s.index()) != s.term()) {
            throw new IllegalStateException("compact to " + s + " not in the log");
        }
        entries.subList(0, (int)(s.index() - snapshotIndex)).clear();
        snapshot = s;
        snapshotIndex = s.index();
        snapshotTerm = s.term();
        conf = s.conf();
    }

    /** @return a copy of the durable log (after the snapshot). */
    public List<Entry> log() {
        return new ArrayList<>(entries);
    }

    /** @return the durable entry at {@code index}, or null. */
    public Entry entry(final long index) {
        return index > snapshotIndex && index <= lastIndex() ? entries.get((int)(index - snapshotIndex - 1)) : null;
    }

    @Override
    public HardState hardState() {
        return hardState;
    }

    @Override
    public ConfState confState() {
        return conf;
    }

    @Override
    public long firstIndex() {
        return snapshotIndex + 1;
    }

    @Override
    public long lastIndex() {
        return snapshotIndex + entries.size();
    }

    @Override
    public long term(final long index) {
        if (index == snapshotIndex) {
            return snapshotTerm;
        }
        final Entry e = entry(index);
        return e == null ? -1 : e.term();
    }

    @Override
    public List<Entry> entries(final long from, final long toExclusive, final long maxBytes) {
        if (from < firstIndex() || toExclusive > lastIndex() + 1) {
            throw new IllegalArgumentException("entries [" + from + ", " + toExclusive + ") of [" + firstIndex() + ", "
                + lastIndex() + "]");
        }
        final List<Entry> out = new ArrayList<>();
        long bytes = 0;
        for (long i = from; i < toExclusive; i++) {
            final Entry e = entry(i);
            bytes += e.sizeBytes();
            if (!out.isEmpty() && bytes > maxBytes) {
                break;
            }
            out.add(e);
        }
        return out;
    }

    @Override
    public Snapshot snapshot() {
        return snapshot;
    }
}
