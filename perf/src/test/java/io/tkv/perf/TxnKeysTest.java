package io.tkv.perf;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** bench-txn's key placement: which side of the split key each key of a transaction falls on. */
class TxnKeysTest {
    private static final byte[] SPLIT = TxnKeys.SPLIT_KEY.getBytes(StandardCharsets.US_ASCII);

    private static boolean belowSplit(final byte[] key) {
        return Arrays.compareUnsigned(key, SPLIT) < 0;
    }

    @Test
    void shouldPutBothKeysOfAOneRegionTransactionBelowTheSplitKey() {
        for (final int worker : new int[] {0, 7, 63, 999}) {
            for (final long seq : new long[] {0, 1, TxnKeys.SLOTS - 1, TxnKeys.SLOTS, Long.MAX_VALUE}) {
                final byte[][] pair = TxnKeys.pair(false, worker, seq);
                assertTrue(belowSplit(pair[0]) && belowSplit(pair[1]), new String(pair[1], StandardCharsets.US_ASCII));
                assertFalse(Arrays.equals(pair[0], pair[1]));
            }
        }
    }

    @Test
    void shouldStraddleTheSplitKeyWithATwoRegionTransaction() {
        for (final long seq : new long[] {0, 5, TxnKeys.SLOTS + 5}) {
            final byte[][] pair = TxnKeys.pair(true, 3, seq);
            assertTrue(belowSplit(pair[0]));
            assertFalse(belowSplit(pair[1]));
            assertTrue(Arrays.compareUnsigned(pair[0], pair[1]) < 0, "the primary is the lower key");
        }
    }

    @Test
    void shouldGiveEachWorkerItsOwnKeysAndReuseThemOnlyAfterAllSlots() {
        final Set<String> seen = new HashSet<>();
        for (int worker = 0; worker < 64; worker++) {
            for (long seq = 0; seq < 50; seq++) {
                for (final byte[] key : TxnKeys.pair(true, worker, seq)) {
                    assertTrue(seen.add(new String(key, StandardCharsets.US_ASCII)));
                }
            }
        }
        assertEquals("txn-a-002-0005-0", new String(TxnKeys.pair(false, 2, 5)[0], StandardCharsets.US_ASCII));
        assertTrue(Arrays.equals(TxnKeys.pair(false, 2, 5)[1], TxnKeys.pair(false, 2, 5 + TxnKeys.SLOTS)[1]));
    }

    @Test
    void shouldKeepTheZipfianKeysInTheUpperRegion() {
        assertEquals("zipf-000042", new String(TxnKeys.zipf(42), StandardCharsets.US_ASCII));
        assertFalse(belowSplit(TxnKeys.zipf(0)));
    }
}
