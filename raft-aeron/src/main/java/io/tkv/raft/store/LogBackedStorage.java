package io.tkv.raft.store;

import io.tkv.log.EntryReader;
import io.tkv.log.LogHardState;
import io.tkv.log.RaftLog;
import io.tkv.raft.core.ConfChange;
import io.tkv.raft.core.ConfState;
import io.tkv.raft.core.Entry;
import io.tkv.raft.core.EntryType;
import io.tkv.raft.core.HardState;
import io.tkv.raft.core.RaftStorage;
import io.tkv.raft.core.Snapshot;
import org.agrona.DirectBuffer;

import java.util.ArrayList;
import java.util.List;

/**
 * One region's view of the store's shared {@link RaftLog}, as the Raft core reads its durable state. The
 * membership is not in the log: the driver keeps it here, from the region's applied state at start-up, from each
 * installed snapshot (the core replays the configuration entries still in the log over it) and from each membership
 * change as it commits. A snapshot sent to a follower carries this membership, so it must be taken at or after the
 * last committed change: an older one would describe a membership its receiver then replays changes over in the
 * wrong state (a new learner given a snapshot from before it was added would see another peer of its store as the
 * region's and apply that peer's removal as its own).
 *
 * <p>Owned by the raft agent, like the log.
 */
final class LogBackedStorage implements RaftStorage {
    private final RaftLog log;
    private final long regionId;
    private final SnapshotSource snapshots;
    private final List<Entry> collected = new ArrayList<>();
    private final EntryReader collector = this::collect;
    private ConfState confState;
    /** Index of the last membership change folded into {@link #confState} (0: none since start-up). */
    private long confIndex;

    LogBackedStorage(final RaftLog log, final long regionId, final ConfState confState,
        final SnapshotSource snapshots) {
        this.log = log;
        this.regionId = regionId;
        this.confState = confState;
        this.snapshots = snapshots;
    }

    /** An installed snapshot's membership. */
    void confState(final ConfState confState) {
        this.confState = confState;
    }

    /**
     * A membership change committed at {@code index}: the membership snapshots carry from now on, and the oldest
     * snapshot that may be sent. A malformed change is a no-op, as it was for the core's membership.
     */
    void applyCommittedChange(final long index, final byte[] data) {
        final ConfChange change;
        try {
            change = ConfChange.decode(data);
        } catch (final IllegalArgumentException ex) {
            return;
        }
        confState = confState.apply(change);
        confIndex = Math.max(confIndex, index);
    }

    @Override
    public HardState hardState() {
        final LogHardState state = log.hardState(regionId);
        return new HardState(state.term(), state.vote(), state.commit());
    }

    @Override
    public ConfState confState() {
        return confState;
    }

    @Override
    public long firstIndex() {
        return log.firstIndex(regionId);
    }

    @Override
    public long lastIndex() {
        return log.lastIndex(regionId);
    }

    @Override
    public long term(final long index) {
        return log.term(regionId, index);
    }

    @Override
    public List<Entry> entries(final long from, final long toExclusive, final long maxBytes) {
        collected.clear();
        log.readRange(regionId, from, toExclusive, (int)Math.min(Integer.MAX_VALUE, maxBytes), collector);
        final List<Entry> entries = List.copyOf(collected);
        collected.clear();
        return entries;
    }

    @Override
    public Snapshot snapshot() {
        return snapshots.latest(regionId, confState, Math.max(firstIndex() - 1, confIndex));
    }

    private void collect(
        final long region, final long index, final long term, final int entryType, final DirectBuffer buffer,
        final int offset, final int length) {
        final byte[] data = new byte[length];
        buffer.getBytes(offset, data);
        collected.add(new Entry(index, term, EntryType.of(entryType), data));
    }
}
