package io.tkv.storage;

import org.agrona.DirectBuffer;

/**
 * Receives the pairs of a {@link RawKvStore#scan} one by one, without the storage prefix and header.
 * <p>
 * The buffers belong to the store and are overwritten by the next pair: copy what must outlive the call.
 */
@FunctionalInterface
public interface ScanVisitor {
    /**
     * @param key         buffer holding the user key.
     * @param keyOffset   offset of the key in {@code key}.
     * @param keyLength   length of the key.
     * @param value       buffer holding the user value (empty for a key-only scan).
     * @param valueOffset offset of the value in {@code value}.
     * @param valueLength length of the value.
     * @return true to continue, false to stop the scan after this pair.
     */
    boolean onPair(
        DirectBuffer key, int keyOffset, int keyLength, DirectBuffer value, int valueOffset, int valueLength);

    /**
     * The scan stopped because it skipped as many expired values as it may, before its limit and before the end of
     * its range: the range has more to examine from {@code resumeKey} on. Called at most once, last.
     *
     * @param resumeKey buffer holding the user key where the next scan of the rest goes on: ascending, the first key
     *                  not examined (the next start, inclusive); descending, the last key examined (the next end,
     *                  exclusive).
     * @param offset    offset of the key in {@code resumeKey}.
     * @param length    length of the key.
     */
    default void onSkipBudgetSpent(DirectBuffer resumeKey, int offset, int length) {
    }
}
