package io.tkv.storage;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SplitKeyFinderTest extends RawKvTestSupport {
    private static final int VALUE_BYTES = 100;
    /** 'r' + "k000", and a flag byte + the value. */
    private static final int ENTRY_BYTES = RawFormat.KEY_PREFIX_LENGTH + 4 + RawFormat.HEADER_LENGTH_NO_TTL
        + VALUE_BYTES;

    private void putKeys(final int count) {
        final byte[] value = new byte[VALUE_BYTES];
        for (int i = 0; i < count; i++) {
            final byte[] key = String.format("k%03d", i).getBytes(StandardCharsets.UTF_8);
            store.put(new org.agrona.concurrent.UnsafeBuffer(key), 0, key.length,
                new org.agrona.concurrent.UnsafeBuffer(value), 0, value.length, 0);
        }
    }

    private static byte[] stored(final String userKey) {
        return ("r" + userKey).getBytes(StandardCharsets.UTF_8);
    }

    private static RegionDescriptor region(final byte[] start, final byte[] end) {
        return new RegionDescriptor(1, start, end, 1, 1,
            List.of(new RegionDescriptor.Peer(1, 1, RegionDescriptor.Role.VOTER)));
    }

    @Test
    void shouldSplitAtTheKeyWhoseBytesReachTheSplitSizeSoTheRegionKeepsLess() {
        putKeys(100);
        final SplitKeyFinder finder = new SplitKeyFinder(engine);
        final RegionDescriptor region = region(stored("k010"), stored("k090"));
        // 10 entries reach it: k010..k019; the region keeps k010..k018, less than the split size.
        assertEquals("rk019", new String(finder.find(region, 10L * ENTRY_BYTES, Long.MAX_VALUE),
            StandardCharsets.UTF_8));
        assertEquals("rk020", new String(finder.find(region, 10L * ENTRY_BYTES + 1, Long.MAX_VALUE),
            StandardCharsets.UTF_8));
    }

    @Test
    void shouldSplitAtTheKeyCountAndNeverAtTheRegionStart() {
        putKeys(100);
        final SplitKeyFinder finder = new SplitKeyFinder(engine);
        final RegionDescriptor region = region(stored("k010"), stored("k090"));
        assertEquals("rk014", new String(finder.find(region, Long.MAX_VALUE, 5), StandardCharsets.UTF_8));
        // The first key reaches a one-byte split size, but a region cannot split at its start: the next key.
        final byte[] key = finder.find(region, 1, Long.MAX_VALUE);
        assertEquals("rk011", new String(key, StandardCharsets.UTF_8));
        assertTrue(region.canSplitAt(key));
    }

    @Test
    void shouldFindNoKeyInARegionSmallerThanTheSplitSizeAndStayInsideTheRange() {
        putKeys(100);
        final SplitKeyFinder finder = new SplitKeyFinder(engine);
        // k090..k099 exist past the region's end: they must not count.
        assertNull(finder.find(region(stored("k080"), stored("k090")), 11L * ENTRY_BYTES, Long.MAX_VALUE));
        assertNull(finder.find(region(stored("k080"), stored("k090")), Long.MAX_VALUE, 11));
        assertEquals("rk089", new String(finder.find(region(stored("k080"), stored("k090")), Long.MAX_VALUE, 10),
            StandardCharsets.UTF_8));
        // A region without an end reads to the last key.
        assertEquals("rk099", new String(finder.find(region(stored("k095"), new byte[0]), Long.MAX_VALUE, 5),
            StandardCharsets.UTF_8));
    }

    @Test
    void shouldHalveARegionByBytesForASplitWithoutASize() {
        putKeys(100);
        final SplitKeyFinder finder = new SplitKeyFinder(engine);
        assertEquals("rk050", new String(finder.findHalf(region(new byte[0], new byte[0])), StandardCharsets.UTF_8));
        assertEquals("rk015", new String(finder.findHalf(region(stored("k010"), stored("k020"))),
            StandardCharsets.UTF_8));
        assertNull(finder.findHalf(region(stored("k010"), stored("k011"))), "one key: nothing to split");
    }

    @Test
    void shouldSplitTransactionalDataAtAUserKeySoNoKeysVersionsAndLockArePartedAcrossRegions() throws Exception {
        final byte[] value = new byte[VALUE_BYTES];
        for (int i = 0; i < 10; i++) {
            final byte[] key = io.tkv.codec.keys.TxnKeyCodec.encode(String.format("t%02d", i)
                .getBytes(StandardCharsets.UTF_8));
            for (long ts = 1; ts <= 3; ts++) {
                final byte[] version = java.util.Arrays.copyOf(key, key.length + Long.BYTES);
                java.nio.ByteBuffer.wrap(version, key.length, Long.BYTES).putLong(~ts);
                engine.db().put(engine.handle(ColumnFamily.WRITE), version, value);
                engine.db().put(engine.handle(ColumnFamily.DEFAULT), version, value);
            }
            engine.db().put(engine.handle(ColumnFamily.LOCK), key, value);
        }
        final SplitKeyFinder finder = new SplitKeyFinder(engine);
        final RegionDescriptor region = region(new byte[0], new byte[0]);
        // Seven entries per key (3 values, 1 lock, 3 writes): the 15th is the first of the third key.
        final byte[] key = finder.find(region, Long.MAX_VALUE, 15);
        assertEquals(java.util.Arrays.toString(io.tkv.codec.keys.TxnKeyCodec.encode(
            "t02".getBytes(StandardCharsets.UTF_8))), java.util.Arrays.toString(key));
        final byte[] half = finder.findHalf(region);
        assertEquals(0, (half.length - 1) % 9, "a whole memcomparable key, no timestamp");
    }
}
