package io.tkv.pd.sim;

/** A property of the scheduling simulation did not hold; the message starts with the property's name. */
final class SimulationFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;

    SimulationFailure(final String message) {
        super(message);
    }
}
