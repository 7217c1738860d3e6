package io.tkv.client;

import java.util.Arrays;

/**
 * The outcome of {@link RawKvClient#compareAndSwap(byte[], byte[], byte[])}: whether it swapped, and what was there.
 */
public final class CasResult {
    private final boolean swapped;
    private final byte[] previousValue;

    /**
     * @param swapped       whether the new value was written.
     * @param previousValue the value before the call, or null if the key was absent.
     */
    public CasResult(final boolean swapped, final byte[] previousValue) {
        this.swapped = swapped;
        this.previousValue = previousValue == null ? null : previousValue.clone();
    }

    /** No copy: {@code owned} marks an array that nobody else holds. */
    private CasResult(final boolean swapped, final byte[] previousValue, final boolean owned) {
        this.swapped = swapped;
        this.previousValue = previousValue;
    }

    /** Wraps a freshly decoded array that no one else holds. */
    static CasResult wrap(final boolean swapped, final byte[] previousValue) {
        return new CasResult(swapped, previousValue, true);
    }

    /** @return whether the new value was written (the current value matched the expected one). */
    public boolean swapped() {
        return swapped;
    }

    /** @return a copy of the value before the call, or null if the key was absent. */
    public byte[] previousValue() {
        return previousValue == null ? null : previousValue.clone();
    }

    @Override
    public boolean equals(final Object other) {
        if (this == other) {
            return true;
        }
        if (!(other instanceof CasResult)) {
            return false;
        }
        final CasResult that = (CasResult)other;
        return swapped == that.swapped && Arrays.equals(previousValue, that.previousValue);
    }

    @Override
    public int hashCode() {
        return 31 * Boolean.hashCode(swapped) + Arrays.hashCode(previousValue);
    }

    @Override
    public String toString() {
        return "CasResult{swapped=" + swapped + ", previousValue=" + KvPair.show(previousValue) + '}';
    }
}
