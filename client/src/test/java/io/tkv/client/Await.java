package io.tkv.client;

import java.util.function.BooleanSupplier;

/** Bounded waiting for a condition another thread brings about; the only place tests sleep. */
final class Await {
    private Await() {
    }

    static void until(final String what, final BooleanSupplier condition, final long timeoutMs) {
        final long deadline = System.nanoTime() + timeoutMs * 1_000_000L;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("timed out after " + timeoutMs + " ms waiting for: " + what);
            }
            try {
                Thread.sleep(5);
            } catch (final InterruptedException ex) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting for: " + what, ex);
            }
        }
    }
}
