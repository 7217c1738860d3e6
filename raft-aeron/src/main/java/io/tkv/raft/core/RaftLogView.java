package io.tkv.raft.core;

import java.util.ArrayList;
import java.util.List;

/**
 * The log as the core sees it: the durable log in {@link RaftStorage}, plus an in-memory tail of recent entries
 * (every unpersisted one, and up to {@code maxCachedEntries} persisted ones, which a leader keeps to serve
 * replication from memory and anyone else drops once applied),
 * plus a snapshot received from the leader that the driver has not yet made durable. Also the commit and applied
 * indices and the bookkeeping of what was handed out in a {@link Ready}.
 *
 * <p>Invariants: every index below {@code tailStart} is durable in storage (or compacted); {@code stable} (last
 * durable index) {@code >= tailStart - 1}; {@code handed} (last index handed out) {@code >= stable}.
 */
final class RaftLogView {
    private final RaftStorage storage;
    private final int maxCachedEntries;
    private final EntryRing tail = new EntryRing();
    private long tailStart;
    private long stable;
    private long handed;
    private long commit;
    private long applied;
    /** A snapshot from the leader that replaced the log but is not yet durable; null otherwise. */
    private Snapshot restored;
    private boolean restoredHandedOut;
    /** A leader keeps applied entries cached for lagging followers; anyone else drops them once applied. */
    private boolean cacheApplied;

    RaftLogView(final RaftStorage storage, final int maxCachedEntries) {
        this.storage = storage;
        this.maxCachedEntries = maxCachedEntries;
        stable = storage.lastIndex();
        handed = stable;
        tailStart = stable + 1;
        commit = storage.firstIndex() - 1;
        applied = commit;
    }

    long firstIndex() {
        return restored != null ? restored.index() + 1 : storage.firstIndex();
    }

    long lastIndex() {
        return tailStart + tail.size() - 1;
    }

    long lastTerm() {
        return term(lastIndex());
    }

    long committed() {
        return commit;
    }

    long applied() {
        return applied;
    }

    long stableIndex() {
        return stable;
    }

    /** @return the term of {@code index}, or -1 if unknown (compacted, or beyond the last index). */
    long term(final long index) {
        if (index >= tailStart) {
            return index <= lastIndex() ? tail.get((int)(index - tailStart)).term() : -1;
        }
        if (restored != null) {
            return index == restored.index() ? restored.term() : -1;
        }
        if (index < 0) {
            return -1;
        }
        return storage.term(index);
    }

    boolean matchTerm(final long index, final long term) {
        return term >= 0 && term(index) == term;
    }

    /** §5.4.1: a candidate's log is at least as up to date as ours. */
    boolean isUpToDate(final long lastIndex, final long lastTerm) {
        final long ourTerm = lastTerm();
        return lastTerm > ourTerm || (lastTerm == ourTerm && lastIndex >= lastIndex());
    }

    /**
     * @return entries from {@code from} (at least one if {@code from < toExclusive}, then up to {@code maxBytes}),
     *     or null if {@code from} is compacted away (the follower needs a snapshot).
     */
    List<Entry> entries(final long from, final long toExclusive, final long maxBytes) {
        final long to = Math.min(toExclusive, lastIndex() + 1);
        if (from < firstIndex()) {
            return null;
        }
        if (from >= to) {
            return List.of();
        }
        if (from < tailStart) {
            final List<Entry> read = storage.entries(from, Math.min(to, tailStart), maxBytes);
            return read == null || read.isEmpty() ? null : read;
        }
        final List<Entry> out = new ArrayList<>((int)Math.min(16, to - from));
        long bytes = 0;
        for (long i = from; i < to; i++) {
            final Entry e = tail.get((int)(i - tailStart));
            bytes += e.sizeBytes();
            if (!out.isEmpty() && bytes > maxBytes) {
                break;
            }
            out.add(e);
        }
        return out;
    }

    /** The leader appends its own entry at {@code lastIndex() + 1}. */
    void append(final Entry entry) {
        if (entry.index() != lastIndex() + 1) {
            throw new IllegalStateException("append " + entry + " after " + lastIndex());
        }
        tail.add(entry);
    }

    /** Appends {@code entries[from..]}, first discarding our suffix from the first one's index (a conflict). */
    void appendFrom(final List<Entry> entries, final int from) {
        final long first = entries.get(from).index();
        if (first <= lastIndex()) {
            truncateFrom(first);
        }
        for (int i = from; i < entries.size(); i++) {
            tail.add(entries.get(i));
        }
    }

    private void truncateFrom(final long index) {
        if (index <= commit) {
            throw new IllegalStateException("truncating committed index " + index + " <= " + commit);
        }
        if (index >= tailStart) {
            tail.truncate((int)(index - tailStart));
        } else {
            // The durable suffix from here is discarded by the driver when it writes the next Ready's entries.
            tail.clear();
            tailStart = index;
        }
        stable = Math.min(stable, index - 1);
        handed = Math.min(handed, index - 1);
    }

    /** @return the offset of the first of {@code entries} that is not in our log (absent or another term), or -1. */
    int findConflict(final List<Entry> entries) {
        for (int i = 0; i < entries.size(); i++) {
            final Entry e = entries.get(i);
            if (!matchTerm(e.index(), e.term())) {
                return i;
            }
        }
        return -1;
    }

    /**
     * @return the highest index at or below {@code index} whose term is at most {@code term}, or where our term is
     *     unknown (compacted): the logs cannot match above it (etcd's findConflictByTerm, for fast backtracking).
     */
    long findConflictByTerm(final long index, final long term) {
        for (long i = Math.min(index, lastIndex()); i > 0; i--) {
            final long ours = term(i);
            if (ours < 0 || ours <= term) {
                return i;
            }
        }
        return 0;
    }

    void commitTo(final long index) {
        if (index > commit) {
            if (index > lastIndex()) {
                throw new IllegalStateException("commit " + index + " beyond last index " + lastIndex());
            }
            commit = index;
        }
    }

    /** Restart: the commit and applied indices from the hard state and the config. */
    void restoreIndices(final long commitIndex, final long appliedIndex) {
        commit = commitIndex;
        applied = appliedIndex;
    }

    /** A snapshot from the leader replaces the whole log (ours does not contain its last entry). */
    void restore(final Snapshot snapshot) {
        tail.clear();
        tailStart = snapshot.index() + 1;
        stable = snapshot.index();
        handed = snapshot.index();
        commit = snapshot.index();
        restored = snapshot;
        restoredHandedOut = false;
    }

    /** @return the restored snapshot not yet handed out in a Ready, or null. */
    Snapshot snapshotToHandOut() {
        return restored != null && !restoredHandedOut ? restored : null;
    }

    void markSnapshotHandedOut() {
        restoredHandedOut = true;
    }

    boolean hasUnpersistedSnapshot() {
        return restored != null;
    }

    /** The driver made {@code snapshot} durable and restored its state machine from it. */
    void snapshotPersisted(final Snapshot snapshot) {
        if (restored == snapshot) {
            restored = null;
        }
        applied = Math.max(applied, snapshot.index());
    }

    boolean hasUnhandedEntries() {
        return handed < lastIndex();
    }

    /** @return the entries not yet handed out in a Ready, now marked handed out. */
    List<Entry> takeUnhandedEntries() {
        final long last = lastIndex();
        if (handed >= last) {
            return List.of();
        }
        final List<Entry> out = new ArrayList<>((int)(last - handed));
        for (long i = handed + 1; i <= last; i++) {
            out.add(tail.get((int)(i - tailStart)));
        }
        handed = last;
        return out;
    }

    /** The driver made entries up to {@code index} (of {@code term}) durable. */
    void stableTo(final long index, final long term) {
        // If a conflict replaced the entry meanwhile, the term differs and the newer entries are still unstable;
        // an equal term means an identical prefix (Log Matching), so it is durable either way.
        if (index > stable && matchTerm(index, term)) {
            stable = index;
            handed = Math.max(handed, stable);
            trimCache(Long.MIN_VALUE);
        }
    }

    boolean hasCommittedToApply() {
        return restored == null && Math.min(commit, stable) > applied;
    }

    /** @return committed, durable entries after the applied index, up to {@code maxBytes} (at least one). */
    List<Entry> committedToApply(final long maxBytes) {
        if (!hasCommittedToApply()) {
            return List.of();
        }
        final List<Entry> read = entries(applied + 1, Math.min(commit, stable) + 1, maxBytes);
        if (read == null) {
            throw new IllegalStateException("committed entries after applied index " + applied + " are compacted");
        }
        return read;
    }

    void appliedTo(final long index) {
        applied = Math.max(applied, index);
        if (!cacheApplied) {
            trimCache(applied);
        }
    }

    /** @param leader whether this peer now leads (and so serves replication from the cache). */
    void cacheApplied(final boolean leader) {
        cacheApplied = leader;
        if (!leader) {
            trimCache(applied);
        }
    }

    /** The state machine snapshotted up to {@code index}: in-memory entries up to it need not be kept. */
    void compact(final long index) {
        trimCache(index);
    }

    /** Drops durable entries from the front of the tail: up to {@code upTo}, and any beyond the cache size. */
    private void trimCache(final long upTo) {
        int drop = 0;
        while (drop < tail.size()) {
            final long index = tailStart + drop;
            final boolean overLimit = tail.size() - drop > maxCachedEntries;
            if (index > stable || (!overLimit && index > upTo)) {
                break;
            }
            drop++;
        }
        if (drop > 0) {
            tail.removeFirst(drop);
            tailStart += drop;
        }
    }

    /** @return the latest durable snapshot, to send to a follower behind the compacted log (may be null). */
    Snapshot storageSnapshot() {
        return storage.snapshot();
    }
}
