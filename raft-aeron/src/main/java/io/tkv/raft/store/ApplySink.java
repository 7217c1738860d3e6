package io.tkv.raft.store;

import io.tkv.raft.core.Entry;
import io.tkv.raft.core.Snapshot;

/**
 * Where the multi-Raft driver hands what Raft decided: committed entries in log order, and reads once every
 * entry they must see has been handed over before them. Implemented by the store's apply side (the server puts
 * them on the ring buffer to its apply agent); called on the raft agent's thread only.
 *
 * <p>Tokens are the caller's: the driver passes back the {@code token} given to
 * {@link MultiRaft#propose(long, byte[], long)} or {@link MultiRaft#read(long, long)} and never looks inside.
 */
public interface ApplySink {
    /** No proposal of this store is waiting for the entry (a follower's entry, or a proposal since dropped). */
    long NO_TOKEN = 0;

    /**
     * @param regionId      the region.
     * @param entry         a committed entry; every entry before it in the region's log was offered before.
     * @param proposalToken the proposal it answers, or {@link #NO_TOKEN}.
     * @return false if there is no room now; the driver offers the same entry again in a later duty cycle.
     */
    boolean offerCommitted(long regionId, Entry entry, long proposalToken);

    /**
     * A snapshot from the leader replaces the region's state: install it before any entry offered after it (those
     * follow from {@code snapshot.index() + 1}). The driver has already made the region's log start after the
     * snapshot, durably.
     *
     * @param regionId the region.
     * @param snapshot the snapshot; in a store its {@code data} names the received files.
     * @return false if there is no room now; the driver offers it again (before anything else) later.
     */
    boolean offerSnapshot(long regionId, Snapshot snapshot);

    /**
     * @param regionId  the region.
     * @param readToken a read that may run now: every entry committed before it was confirmed has been offered.
     * @return false if there is no room now; the driver offers it again later.
     */
    boolean offerRead(long regionId, long readToken);

    /**
     * A proposal that will not commit: its place in the log went to another leader's entry, or this peer lost
     * leadership before the entry could commit and its index was overwritten. The write did not happen.
     *
     * @param regionId      the region.
     * @param proposalToken the proposal.
     * @param leaderStoreId the store now believed to lead the region, or 0.
     */
    void onProposalDropped(long regionId, long proposalToken, long leaderStoreId);

    /**
     * A read that was waiting for its ReadIndex round and will not get it here (this peer stopped leading).
     *
     * @param regionId      the region.
     * @param readToken     the read.
     * @param leaderStoreId the store now believed to lead the region, or 0.
     */
    void onReadRejected(long regionId, long readToken, long leaderStoreId);
}
