package io.tkv.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

class RegionKeysTest {
    private static byte[] applyKey(final long regionId) {
        final UnsafeBuffer key = new UnsafeBuffer(new byte[RegionKeys.APPLY_STATE_KEY_LENGTH]);
        RegionKeys.applyStateKey(key, regionId);
        return key.byteArray();
    }

    private static byte[] clientKey(final long regionId, final long clientId) {
        final UnsafeBuffer key = new UnsafeBuffer(new byte[RegionKeys.CLIENT_KEY_LENGTH]);
        RegionKeys.clientKey(key, regionId, clientId);
        return key.byteArray();
    }

    private static byte[] replyKey(final long regionId, final long clientId, final long requestId) {
        final UnsafeBuffer key = new UnsafeBuffer(new byte[RegionKeys.REPLY_KEY_LENGTH]);
        RegionKeys.replyKey(key, regionId, clientId, requestId);
        return key.byteArray();
    }

    private static boolean inBand(final byte[] key, final long regionId) {
        return Arrays.compareUnsigned(key, RegionKeys.bandStart(regionId)) >= 0 &&
            Arrays.compareUnsigned(key, RegionKeys.bandEnd(regionId)) < 0;
    }

    @Test
    void shouldKeepEveryRegionKeyInsideItsBandAndOthersOutside() {
        for (final long region : new long[] {1, 2, Long.MAX_VALUE, Long.MIN_VALUE, -1}) {
            assertTrue(inBand(applyKey(region), region));
            assertTrue(inBand(clientKey(region, -1), region));
            assertTrue(inBand(replyKey(region, -1, Long.MAX_VALUE), region));
            assertFalse(inBand(RegionKeys.ingestMarkerKey(region), region), "the marker survives a band delete");
            assertFalse(inBand(new byte[] {0x00, 's', 't', 'o', 'r', 'e'}, region), "store identity is no region's");
            assertFalse(inBand(applyKey(region + 1), region));
        }
    }

    @Test
    void shouldSortRecordBeforeItsRepliesAndRepliesBySignedRequestId() {
        final byte[] record = clientKey(1, 7);
        final long[] requests = {Long.MIN_VALUE, -5, 0, 3, Long.MAX_VALUE};
        byte[] previous = record;
        for (final long request : requests) {
            final byte[] reply = replyKey(1, 7, request);
            assertTrue(Arrays.compareUnsigned(previous, reply) < 0, "reply " + request);
            assertEquals(request, RegionKeys.requestId(new UnsafeBuffer(reply)));
            assertEquals(7, RegionKeys.clientId(new UnsafeBuffer(reply)));
            assertEquals(1, RegionKeys.regionId(new UnsafeBuffer(reply)));
            previous = reply;
        }
        assertTrue(Arrays.compareUnsigned(previous, clientKey(1, 8)) < 0, "the next client comes after");
    }
}
