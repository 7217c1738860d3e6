package io.tkv.raft.core;

/** Test-only access to a peer's in-memory log, for the simulation's checkers (not part of the core's API). */
public final class CoreInspector {
    private CoreInspector() {
    }

    /** @return the term of {@code index} in {@code node}'s log (durable or not), or -1 if unknown. */
    public static long term(final RaftNode node, final long index) {
        return node.logView().term(index);
    }
}
