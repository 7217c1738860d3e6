package io.tkv.raft.core;

import java.util.List;

/**
 * What the driver must do after a batch of {@code tick}/{@code step}/{@code propose} calls, in this order:
 * <ol>
 * <li>send {@link #messages()} at once (leader APPENDs and HEARTBEATs, PRE_VOTEs): they may leave before anything is
 *     durable, so the leader's own log write runs in parallel with the followers';</li>
 * <li>make {@link #snapshot()} (first), {@link #entries()} and {@link #hardState()} durable, with one sync;</li>
 * <li>then send {@link #messagesAfterPersist()} (votes, every response, everything a follower says);</li>
 * <li>apply {@link #committedEntries()} in order (they are durable already) and serve {@link #readStates()};</li>
 * <li>call {@link RaftNode#advance(Ready)}: only then does the core count this Ready's entries as durable (for the
 *     leader's own vote in the commit quorum) and its committed entries as applied.</li>
 * </ol>
 * Or, with the sync underway on another thread, step 3 waits: {@link RaftNode#advanceWritten(Ready)} after step 4
 * frees the core for the next Ready at once, and {@link RaftNode#persisted()}, once the sync is done, sends nothing
 * itself: the driver sends the held {@link #messagesAfterPersist()} then, in order.
 * One Ready at a time: {@link RaftNode#ready()} refuses a new one until the previous one is advanced; {@code tick},
 * {@code step} and {@code propose} may be called in between. Lists are never null and must not be changed.
 */
public final class Ready {
    private final HardState hardState;
    private final SoftState softState;
    private final Snapshot snapshot;
    private final List<Entry> entries;
    private final List<RaftMessage> messages;
    private final List<RaftMessage> messagesAfterPersist;
    private final List<Entry> committedEntries;
    private final List<ReadState> readStates;

    Ready(
        final HardState hardState, final SoftState softState, final Snapshot snapshot, final List<Entry> entries,
        final List<RaftMessage> messages, final List<RaftMessage> messagesAfterPersist,
        final List<Entry> committedEntries, final List<ReadState> readStates) {
        this.hardState = hardState;
        this.softState = softState;
        this.snapshot = snapshot;
        this.entries = entries;
        this.messages = messages;
        this.messagesAfterPersist = messagesAfterPersist;
        this.committedEntries = committedEntries;
        this.readStates = readStates;
    }

    /** @return the hard state to persist, or null if unchanged since the last Ready. */
    public HardState hardState() {
        return hardState;
    }

    /** @return role and leader, or null if unchanged since the last Ready. */
    public SoftState softState() {
        return softState;
    }

    /**
     * @return null, or a snapshot from the leader to install: persist it and restore the state machine from it
     *     before anything else; the log up to and including its index is replaced by it (the log becomes empty).
     */
    public Snapshot snapshot() {
        return snapshot;
    }

    /**
     * @return entries to append to the durable log, in order; if the first index is at or below the log's last
     *     index, the log's suffix from that index is discarded first (a conflict).
     */
    public List<Entry> entries() {
        return entries;
    }

    /** @return messages that may be sent at once, before this Ready is durable. */
    public List<RaftMessage> messages() {
        return messages;
    }

    /** @return messages to send only after this Ready's snapshot, entries and hard state are durable. */
    public List<RaftMessage> messagesAfterPersist() {
        return messagesAfterPersist;
    }

    /** @return committed entries to apply, in order; already durable. */
    public List<Entry> committedEntries() {
        return committedEntries;
    }

    /** @return ReadIndex results: serve the read once the state machine has applied the index. */
    public List<ReadState> readStates() {
        return readStates;
    }

    /** @return true when a snapshot, entries or a hard state must be made durable. */
    public boolean mustPersist() {
        return hardState != null || snapshot != null || !entries.isEmpty();
    }

    @Override
    public String toString() {
        return "Ready{hs=" + hardState + " ss=" + softState + " snap=" + snapshot + " entries=" + entries.size()
            + " msgs=" + messages.size() + "+" + messagesAfterPersist.size() + " committed=" + committedEntries.size()
            + " reads=" + readStates.size() + "}";
    }
}
