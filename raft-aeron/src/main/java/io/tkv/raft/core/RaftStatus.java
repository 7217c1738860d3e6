package io.tkv.raft.core;

/**
 * A snapshot of one peer's state for diagnostics and tests. Built on demand; not for the hot path.
 *
 * @param id              this peer.
 * @param role            its role.
 * @param term            current term.
 * @param vote            peer voted for in {@code term}, or 0.
 * @param leader          known leader of {@code term}, or 0.
 * @param commit          highest index known committed.
 * @param applied         highest index handed out for applying and advanced.
 * @param firstIndex      first index still in the log (compacted or snapshot index + 1).
 * @param lastIndex       last index in the log, persisted or not.
 * @param persistedIndex  last index the driver made durable.
 * @param conf            membership in effect (the latest configuration entry in the log, see {@link RaftNode}).
 * @param transferee      leader only: the peer leadership is being transferred to, or 0.
 * @param droppedMessages messages ignored as malformed, misaddressed or impossible (stale terms not counted).
 */
public record RaftStatus(
    long id, Role role, long term, long vote, long leader, long commit, long applied, long firstIndex, long lastIndex,
    long persistedIndex, ConfState conf, long transferee, long droppedMessages) {
}
