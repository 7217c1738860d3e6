package io.tkv.storage;

/**
 * Outcome of {@link RawKvStore#compareAndSwap}. One instance per store, reused by every call: read it before
 * the next call.
 */
public final class CasResult {
    private boolean swapped;
    private boolean previousExists;
    private int previousLength;

    CasResult set(final boolean swapped, final boolean previousExists, final int previousLength) {
        this.swapped = swapped;
        this.previousExists = previousExists;
        this.previousLength = previousLength;
        return this;
    }

    /**
     * @return whether the new value was written.
     */
    public boolean swapped() {
        return swapped;
    }

    /**
     * @return whether an unexpired value existed before the call.
     */
    public boolean previousExists() {
        return previousExists;
    }

    /**
     * @return length of the previous value copied to the caller's buffer, or -1 when none existed.
     */
    public int previousLength() {
        return previousLength;
    }

    @Override
    public String toString() {
        return "CasResult{swapped=" + swapped + ", previousExists=" + previousExists +
            ", previousLength=" + previousLength + '}';
    }
}
