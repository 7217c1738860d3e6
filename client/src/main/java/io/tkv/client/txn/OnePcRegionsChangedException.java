package io.tkv.client.txn;

/**
 * The transport's answer to a 1PC prewrite whose keys are not in one region after all (the grouping came from a
 * stale region cache, or a region split under it): nothing was written, and the transaction may be committed again
 * over the regions as they are now, without 1PC (the {@code Committer} does so).
 */
public final class OnePcRegionsChangedException extends KeyErrorException {
    private static final long serialVersionUID = 1L;

    /**
     * @param message what happened.
     */
    public OnePcRegionsChangedException(final String message) {
        super(message);
    }
}
