package io.tkv.server.pd;

import io.tkv.pd.gc.GcSafePoint;
import io.tkv.raft.core.Entry;
import io.tkv.raft.core.EntryType;
import io.tkv.raft.core.Snapshot;
import io.tkv.raft.store.ApplySink;
import io.tkv.storage.PdState;
import io.tkv.storage.PdStoreRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * PD's replicated state machine: applies each committed entry of PD's Raft group to {@link PdState} (one RocksDB write
 * per entry, with its index), on the PD agent's thread, and tells the {@link Listener} what became durable. PD's state
 * is a few numbers and the stores' records, so applying inline on the Raft thread costs less than a hand-over to
 * another agent would. The log is never compacted (PD writes about one entry a second, and one per store
 * registration), so no snapshot is ever offered.
 */
final class PdStateMachine implements ApplySink {
    private static final Logger LOG = LoggerFactory.getLogger(PdStateMachine.class);

    /** What the service hears from the state machine (same thread). */
    interface Listener {
        /**
         * An entry was applied; {@code type} is a {@link PdCommand} type or {@link PdCommand#UNKNOWN} (a no-op), and
         * {@code value} its value (PUT_STORE: the store id; its record is in the state; GC_SAFE_POINT: the safe point
         * after the entry).
         */
        void onApplied(long term, byte type, long value, long proposalToken);

        /** A read may be served now. */
        void onReadReady(long readToken);

        /** A read will not be served here: this member stopped leading. */
        void onReadRejected(long readToken, long leaderId);

        /** A proposal will not commit. */
        void onProposalDropped(long proposalToken, long leaderId);
    }

    private final PdState state;
    private Listener listener;

    PdStateMachine(final PdState state) {
        this.state = state;
    }

    void listener(final Listener listener) {
        this.listener = listener;
    }

    @Override
    public boolean offerCommitted(final long regionId, final Entry entry, final long proposalToken) {
        byte type = PdCommand.UNKNOWN;
        long value = 0;
        if (entry.type() == EntryType.NORMAL && entry.data().length > 0) {
            type = PdCommand.type(entry.data());
            if (type == PdCommand.UNKNOWN) {
                LOG.warn("PD entry {} of term {} is not a command this build reads: applied as a no-op",
                    entry.index(), entry.term());
            } else if (type != PdCommand.PUT_STORE) {
                value = PdCommand.value(entry.data());
            }
        }
        if (type == PdCommand.PUT_STORE) {
            final PdStoreRecord store = PdCommand.store(entry.data());
            value = store.storeId();
            applyStore(entry, store);
        } else if (type == PdCommand.GC_SAFE_POINT) {
            // Only monotonicity is checked here: the leader checked the TSO bound before it proposed.
            final long safePoint = GcSafePoint.advance(gcSafePoint(state), value);
            state.applyGcSafePoint(entry.index(), entry.term(), GcSafePoint.encode(safePoint));
            value = safePoint;
        } else {
            state.apply(entry.index(), entry.term(), type == PdCommand.TSO_LIMIT ? value : 0,
                type == PdCommand.ID_END ? value : 0, type == PdCommand.BOOTSTRAP ? value : 0);
        }
        listener.onApplied(entry.term(), type, value, proposalToken);
        return true;
    }

    /** @return the applied GC safe point ({@link GcSafePoint#NONE} if none). */
    static long gcSafePoint(final PdState state) {
        return GcSafePoint.decode(state.gcSafePointRecord());
    }

    /** A tombstone is final: a later registration under its id changes nothing (PD checked it before proposing). */
    private void applyStore(final Entry entry, final PdStoreRecord store) {
        final PdStoreRecord known = state.store(store.storeId());
        if (known != null && known.state() == PdStoreRecord.State.TOMBSTONE) {
            state.apply(entry.index(), entry.term(), 0, 0, 0);
        } else {
            state.applyStore(entry.index(), entry.term(), store);
        }
    }

    @Override
    public boolean offerSnapshot(final long regionId, final Snapshot snapshot) {
        // PD never compacts its log (SnapshotSource.NONE), so no leader can have a snapshot to send.
        throw new IllegalStateException("PD got a snapshot at index " + snapshot.index() + ": PD has none to install");
    }

    @Override
    public boolean offerRead(final long regionId, final long readToken) {
        listener.onReadReady(readToken);
        return true;
    }

    @Override
    public void onProposalDropped(final long regionId, final long proposalToken, final long leaderStoreId) {
        listener.onProposalDropped(proposalToken, leaderStoreId);
    }

    @Override
    public void onReadRejected(final long regionId, final long readToken, final long leaderStoreId) {
        listener.onReadRejected(readToken, leaderStoreId);
    }
}
