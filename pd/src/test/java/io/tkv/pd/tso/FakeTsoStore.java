package io.tkv.pd.tso;

import java.util.ArrayDeque;

/**
 * A {@link TsoStore} whose saves the test completes, loses, or makes durable without telling anyone (a leader that
 * crashed before the confirmation reached it).
 */
final class FakeTsoStore implements TsoStore {
    private final ArrayDeque<Long> inFlight = new ArrayDeque<>();
    private long durable;
    private TimestampOracle owner;
    private int saves;

    /** @param owner the oracle told of confirmations from now on (null: nobody). */
    void owner(final TimestampOracle owner) {
        this.owner = owner;
    }

    @Override
    public long loadLimit() {
        return durable;
    }

    @Override
    public void saveLimit(final long limitMs) {
        saves++;
        inFlight.add(limitMs);
    }

    /** Every save in flight becomes durable and is confirmed to the owner. */
    void confirmAll() {
        while (!inFlight.isEmpty()) {
            final long limit = inFlight.poll();
            durable = Math.max(durable, limit);
            if (owner != null) {
                owner.onLimitSaved(limit);
            }
        }
    }

    /** Every save in flight becomes durable, but the confirmation is lost. */
    void persistSilently() {
        while (!inFlight.isEmpty()) {
            durable = Math.max(durable, inFlight.poll());
        }
    }

    /** Every save in flight is lost. */
    void loseAll() {
        inFlight.clear();
    }

    int pending() {
        return inFlight.size();
    }

    int saves() {
        return saves;
    }

    long durable() {
        return durable;
    }
}
