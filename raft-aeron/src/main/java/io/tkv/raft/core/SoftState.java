package io.tkv.raft.core;

/**
 * The volatile part of a peer's state that the driver may want to know (routing, metrics); nothing to persist.
 *
 * @param leader the leader this peer knows in its term, or 0.
 * @param role   this peer's role.
 */
public record SoftState(long leader, Role role) {
}
