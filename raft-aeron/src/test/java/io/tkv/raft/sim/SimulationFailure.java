package io.tkv.raft.sim;

/** A checker found a violation (or the group stopped serving): the schedule failed. */
final class SimulationFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;

    SimulationFailure(final String message) {
        super(message);
    }
}
