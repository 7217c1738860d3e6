package io.tkv.raft.store;

import io.tkv.raft.core.RaftMessage;

/**
 * The driver's view of snapshot streaming: a SNAPSHOT message carries only the snapshot's metadata, and its files
 * travel separately (in a store: {@link io.tkv.raft.snapshot.SnapshotAgent}, pulled in chunks over Aeron). All
 * methods are called on the raft agent's thread and never block: the streaming runs elsewhere and answers through
 * {@link #poll}.
 *
 * <p>{@link #NONE}: no streaming; the snapshot's {@code data} is the whole state (tests, the simulation). A
 * received SNAPSHOT is stepped at once, and a sent one is reported delivered as soon as the transport took it.
 */
public interface SnapshotTransfers {
    /** Inline snapshots: nothing to stream. */
    SnapshotTransfers NONE = new SnapshotTransfers() {
        @Override
        public boolean fetch(final long fromStoreId, final RaftMessage message) {
            return false;
        }

        @Override
        public boolean onSent(final long toStoreId, final RaftMessage message) {
            return true;
        }

        @Override
        public void discard(final RaftMessage message) {
        }

        @Override
        public int poll(final Events events, final int limit) {
            return 0;
        }
    };

    /** What the streaming side reports back to the driver. */
    interface Events {
        /**
         * Every file of a snapshot a leader sent arrived intact: the driver now steps the SNAPSHOT into the core.
         *
         * @param fromStoreId the leader's store.
         * @param message     the SNAPSHOT message as it arrived.
         */
        void onFetched(long fromStoreId, RaftMessage message);

        /**
         * A snapshot this store sent ended: the follower confirmed every file (delivered) or the transfer failed
         * or timed out. The driver calls {@link io.tkv.raft.core.RaftNode#reportSnapshot}.
         *
         * @param regionId  the region.
         * @param peerId    the follower's peer.
         * @param delivered whether the follower has the files.
         */
        void onReport(long regionId, long peerId, boolean delivered);
    }

    /**
     * A SNAPSHOT message arrived from a leader: fetch its files before it is stepped.
     *
     * @return false if it was not taken (no room, or a transfer of it is already running): the leader retries.
     */
    boolean fetch(long fromStoreId, RaftMessage message);

    /**
     * A SNAPSHOT message is leaving for {@code toStoreId}: serve its files to that store, and report the outcome.
     *
     * @return false if it cannot be served (no room): the driver reports it failed at once.
     */
    boolean onSent(long toStoreId, RaftMessage message);

    /** A fetched snapshot the core did not install (it had the entries already): its files may go. */
    void discard(RaftMessage message);

    /**
     * Hands what the streaming side reported to {@code events}.
     *
     * @return how many events were handled.
     */
    int poll(Events events, int limit);
}
