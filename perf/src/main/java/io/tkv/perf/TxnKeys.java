package io.tkv.perf;

import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Where bench-txn's keys live. Region 1 is split once, at {@link #SPLIT_KEY}: keys {@code txn-a-...} sort below it
 * (region 1), keys {@code txn-b-...} and {@code zipf-...} at or above it (the new region). A one-region transaction
 * writes two {@code txn-a} keys; a two-region one a {@code txn-a} key and a {@code txn-b} key.
 *
 * <p>Each closed-loop worker writes keys of its own, so that the latency rows measure commits, not conflicts; and it
 * cycles through {@link #SLOTS} of them rather than rewriting one, so that a transaction never meets the lock of the
 * worker's previous one whose secondaries are still being committed in the background (async commit and 2PC commit
 * them after answering; meeting that lock would measure lock resolution).
 */
final class TxnKeys {
    /** The user key region 1 is split at. */
    static final String SPLIT_KEY = "txn-b";
    /** Distinct key pairs per worker, reused round robin. */
    static final int SLOTS = 4096;

    private TxnKeys() {
    }

    /**
     * @param twoRegions whether the two keys straddle {@link #SPLIT_KEY}.
     * @param worker     the closed-loop worker.
     * @param seq        the worker's transaction number.
     * @return the two keys of the worker's {@code seq}-th transaction, primary (lower) first.
     */
    static byte[][] pair(final boolean twoRegions, final int worker, final long seq) {
        final long slot = Math.floorMod(seq, SLOTS);
        return new byte[][] {
            key("txn-a", worker, slot, 0),
            key(twoRegions ? "txn-b" : "txn-a", worker, slot, 1)};
    }

    /** @return the {@code index}-th key of the Zipfian workload's key space. */
    static byte[] zipf(final long index) {
        return String.format(Locale.ROOT, "zipf-%06d", index).getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] key(final String prefix, final int worker, final long slot, final int which) {
        return String.format(Locale.ROOT, "%s-%03d-%04d-%d", prefix, worker, slot, which)
            .getBytes(StandardCharsets.US_ASCII);
    }
}
