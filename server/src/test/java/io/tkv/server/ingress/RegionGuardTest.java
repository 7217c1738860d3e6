package io.tkv.server.ingress;

import io.tkv.codec.MessageHeaderEncoder;
import io.tkv.codec.RawBatchPutEncoder;
import io.tkv.codec.RawDeleteRangeEncoder;
import io.tkv.codec.RawGetEncoder;
import io.tkv.codec.RawPutEncoder;
import io.tkv.codec.RawScanEncoder;
import io.tkv.codec.BooleanType;
import io.tkv.codec.Status;
import io.tkv.server.region.RegionRegistry;
import io.tkv.storage.RegionDescriptor;
import org.agrona.ExpandableArrayBuffer;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RegionGuardTest {
    private static final List<RegionDescriptor.Peer> PEERS =
        List.of(new RegionDescriptor.Peer(21, 1, RegionDescriptor.Role.VOTER));
    /** Raw keys [b, m) at epoch (2, 4). */
    private static final RegionDescriptor B_TO_M = new RegionDescriptor(5, b("rb"), b("rm"), 2, 4, PEERS);
    /** Raw keys from m to the end of every space at epoch (1, 4). */
    private static final RegionDescriptor M_ON = new RegionDescriptor(6, b("rm"), new byte[0], 1, 4, PEERS);

    private final RegionRegistry registry = new RegionRegistry();
    private final RegionGuard guard = new RegionGuard(registry);
    private final ExpandableArrayBuffer frame = new ExpandableArrayBuffer(256);
    private final MessageHeaderEncoder header = new MessageHeaderEncoder();

    RegionGuardTest() {
        registry.publish(B_TO_M);
        registry.publish(M_ON);
    }

    private static byte[] b(final String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private Status get(final long regionId, final long confVer, final long version, final String key) {
        final RawGetEncoder get = new RawGetEncoder().wrapAndApplyHeader(frame, 0, header);
        get.correlationId(1).sessionToken(2).region().regionId(regionId).confVer(confVer).version(version);
        get.putKey(b(key), 0, key.length());
        return guard.check(RawGetEncoder.TEMPLATE_ID, frame, 0, RawGetEncoder.BLOCK_LENGTH,
            RawGetEncoder.SCHEMA_VERSION);
    }

    private Status put(final long regionId, final String key) {
        final RawPutEncoder put = new RawPutEncoder().wrapAndApplyHeader(frame, 0, header);
        put.correlationId(1).sessionToken(2).ttlSeconds(0).clientId(3).firstIncompleteId(1);
        put.region().regionId(regionId).confVer(2).version(4);
        put.putKey(b(key), 0, key.length()).putValue(b("v"), 0, 1);
        return guard.check(RawPutEncoder.TEMPLATE_ID, frame, 0, RawPutEncoder.BLOCK_LENGTH,
            RawPutEncoder.SCHEMA_VERSION);
    }

    private Status batchPut(final long regionId, final String... keys) {
        final RawBatchPutEncoder batch = new RawBatchPutEncoder().wrapAndApplyHeader(frame, 0, header);
        batch.correlationId(1).sessionToken(2).ttlSeconds(0).clientId(3).firstIncompleteId(1);
        batch.region().regionId(regionId).confVer(2).version(4);
        final RawBatchPutEncoder.PairsEncoder pairs = batch.pairsCount(keys.length);
        for (final String key : keys) {
            pairs.next().putKey(b(key), 0, key.length()).putValue(b("value"), 0, 5);
        }
        return guard.check(RawBatchPutEncoder.TEMPLATE_ID, frame, 0, RawBatchPutEncoder.BLOCK_LENGTH,
            RawBatchPutEncoder.SCHEMA_VERSION);
    }

    private Status deleteRange(final long regionId, final String start, final String end) {
        final RawDeleteRangeEncoder range = new RawDeleteRangeEncoder().wrapAndApplyHeader(frame, 0, header);
        range.correlationId(1).sessionToken(2).clientId(3).firstIncompleteId(1);
        range.region().regionId(regionId).confVer(2).version(4);
        range.putStartKey(b(start), 0, start.length()).putEndKey(b(end), 0, end.length());
        return guard.check(RawDeleteRangeEncoder.TEMPLATE_ID, frame, 0, RawDeleteRangeEncoder.BLOCK_LENGTH,
            RawDeleteRangeEncoder.SCHEMA_VERSION);
    }

    private Status scan(final long regionId, final String start, final String end) {
        final RawScanEncoder scan = new RawScanEncoder().wrapAndApplyHeader(frame, 0, header);
        scan.correlationId(1).sessionToken(2).scanLimit(10).reverse(BooleanType.FALSE).keyOnly(BooleanType.FALSE);
        scan.region().regionId(regionId).confVer(1).version(4);
        scan.putStartKey(b(start), 0, start.length()).putEndKey(b(end), 0, end.length());
        return guard.check(RawScanEncoder.TEMPLATE_ID, frame, 0, RawScanEncoder.BLOCK_LENGTH,
            RawScanEncoder.SCHEMA_VERSION);
    }

    @Test
    void shouldRefuseARegionThisStoreDoesNotHold() {
        assertEquals(Status.REGION_NOT_FOUND, get(1, 1, 1, "c"));
        assertNull(guard.region());
        assertTrue(guard.reason().contains("region 1"), guard.reason());
    }

    @Test
    void shouldRefuseAStaleOrFutureVersionButNotAnotherConfVer() {
        assertEquals(Status.EPOCH_NOT_MATCH, get(5, 2, 3, "c"), "the region split since");
        assertSame(B_TO_M, guard.region(), "the reply can carry the region as it is");
        assertEquals(Status.EPOCH_NOT_MATCH, get(5, 2, 5, "c"));
        assertEquals(Status.OK, get(5, 1, 4, "c"), "membership moved on: the keys are the same");
        assertEquals(Status.OK, get(5, 9, 4, "c"));
    }

    @Test
    void shouldRefuseKeysOutsideTheRegion() {
        assertEquals(Status.OK, get(5, 2, 4, "b"));
        assertEquals(Status.KEY_NOT_IN_REGION, get(5, 2, 4, "a"));
        assertEquals(Status.KEY_NOT_IN_REGION, get(5, 2, 4, "m"));
        assertEquals(Status.OK, get(6, 1, 4, "m"));
        assertEquals(Status.OK, put(5, "lzz"));
        assertEquals(Status.KEY_NOT_IN_REGION, put(5, "z"));
        assertEquals(Status.OK, batchPut(5, "b", "c", "l"));
        assertEquals(Status.KEY_NOT_IN_REGION, batchPut(5, "b", "c", "m"), "one key out refuses the batch");
        assertEquals(Status.KEY_NOT_IN_REGION, batchPut(6, "a", "m"));
    }

    @Test
    void shouldRefuseRangesThatLeaveTheRegion() {
        assertEquals(Status.OK, deleteRange(5, "b", "m"));
        assertEquals(Status.OK, deleteRange(5, "c", "d"));
        assertEquals(Status.KEY_NOT_IN_REGION, deleteRange(5, "c", ""), "to the end of the space");
        assertEquals(Status.KEY_NOT_IN_REGION, deleteRange(5, "a", "c"));
        assertEquals(Status.OK, deleteRange(6, "m", ""));
        assertEquals(Status.OK, scan(6, "x", ""));
        assertEquals(Status.KEY_NOT_IN_REGION, scan(6, "", ""), "starts before the region");
        assertEquals(Status.OK, scan(5, "b", "c"));
        assertEquals(Status.KEY_NOT_IN_REGION, scan(5, "b", "n"));
    }
}
