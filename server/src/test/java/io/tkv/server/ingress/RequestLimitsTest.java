package io.tkv.server.ingress;

import io.tkv.codec.BooleanType;
import io.tkv.codec.MessageHeaderEncoder;
import io.tkv.codec.RawBatchPutEncoder;
import io.tkv.codec.RawCompareAndSwapEncoder;
import io.tkv.codec.RawGetEncoder;
import io.tkv.codec.RawPutEncoder;
import io.tkv.codec.RawScanEncoder;
import io.tkv.codec.Status;
import org.agrona.ExpandableArrayBuffer;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class RequestLimitsTest {
    private static final int MAX_KEY = 8;
    private static final int MAX_VALUE = 16;
    private final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer(1024);
    private final MessageHeaderEncoder header = new MessageHeaderEncoder();
    private final RequestLimits limits = new RequestLimits(MAX_KEY, MAX_VALUE, 100, 1024);

    private Status checkPut(final int keyLength, final int valueLength, final long ttl) {
        final RawPutEncoder put = new RawPutEncoder().wrapAndApplyHeader(buffer, 0, header);
        put.correlationId(1).sessionToken(2).ttlSeconds(ttl);
        put.putKey(new byte[keyLength], 0, keyLength).putValue(new byte[valueLength], 0, valueLength);
        return limits.check(RawPutEncoder.TEMPLATE_ID, buffer, 0, RawPutEncoder.BLOCK_LENGTH, 1);
    }

    @Test
    void shouldAcceptKeysAndValuesUpToTheLimits() {
        assertEquals(Status.OK, checkPut(MAX_KEY, MAX_VALUE, 0));
        assertEquals(Status.OK, checkPut(1, 0, 10));
    }

    @Test
    void shouldRejectOversizedKeysAndValuesAsTooLarge() {
        assertEquals(Status.TOO_LARGE, checkPut(MAX_KEY + 1, 1, 0));
        assertEquals(Status.TOO_LARGE, checkPut(1, MAX_VALUE + 1, 0));
    }

    @Test
    void shouldRejectEmptyKeysAndNegativeTtlAsMalformed() {
        assertEquals(Status.MALFORMED, checkPut(0, 1, 0));
        assertEquals(Status.MALFORMED, checkPut(1, 1, -1));
        final RawGetEncoder get = new RawGetEncoder().wrapAndApplyHeader(buffer, 0, header);
        get.putKey(new byte[0], 0, 0);
        assertEquals(Status.MALFORMED,
            limits.check(RawGetEncoder.TEMPLATE_ID, buffer, 0, RawGetEncoder.BLOCK_LENGTH, 1));
    }

    @Test
    void shouldCheckEveryPairOfABatch() {
        final RawBatchPutEncoder batch = new RawBatchPutEncoder().wrapAndApplyHeader(buffer, 0, header);
        final RawBatchPutEncoder.PairsEncoder pairs = batch.pairsCount(3);
        pairs.next().putKey(new byte[2], 0, 2).putValue(new byte[2], 0, 2);
        pairs.next().putKey(new byte[2], 0, 2).putValue(new byte[MAX_VALUE + 1], 0, MAX_VALUE + 1);
        pairs.next().putKey(new byte[2], 0, 2).putValue(new byte[2], 0, 2);
        assertEquals(Status.TOO_LARGE,
            limits.check(RawBatchPutEncoder.TEMPLATE_ID, buffer, 0, RawBatchPutEncoder.BLOCK_LENGTH, 1));
    }

    @Test
    void shouldEnforceScanLimitAndBooleanRange() {
        final RawScanEncoder scan = new RawScanEncoder().wrapAndApplyHeader(buffer, 0, header);
        scan.scanLimit(101).reverse(BooleanType.FALSE).keyOnly(BooleanType.FALSE).putStartKey(new byte[0], 0, 0)
            .putEndKey(new byte[0], 0, 0);
        assertEquals(Status.TOO_LARGE, limits.check(RawScanEncoder.TEMPLATE_ID, buffer, 0, RawScanEncoder.BLOCK_LENGTH,
            1));
        scan.scanLimit(0);
        assertEquals(Status.MALFORMED, limits.check(RawScanEncoder.TEMPLATE_ID, buffer, 0, RawScanEncoder.BLOCK_LENGTH,
            1));
        scan.scanLimit(10);
        assertEquals(Status.OK, limits.check(RawScanEncoder.TEMPLATE_ID, buffer, 0, RawScanEncoder.BLOCK_LENGTH, 1));
        buffer.putByte(MessageHeaderEncoder.ENCODED_LENGTH + RawScanEncoder.reverseEncodingOffset(), (byte)7);
        assertEquals(Status.MALFORMED, limits.check(RawScanEncoder.TEMPLATE_ID, buffer, 0, RawScanEncoder.BLOCK_LENGTH,
            1));
    }

    @Test
    void shouldRejectOversizedCompareAndSwapValues() {
        final RawCompareAndSwapEncoder cas = new RawCompareAndSwapEncoder().wrapAndApplyHeader(buffer, 0, header);
        cas.expectAbsent(BooleanType.FALSE).ttlSeconds(0).putKey(new byte[1], 0, 1)
            .putExpectedValue(new byte[MAX_VALUE + 1], 0, MAX_VALUE + 1).putNewValue(new byte[1], 0, 1);
        assertEquals(Status.TOO_LARGE, limits.check(RawCompareAndSwapEncoder.TEMPLATE_ID, buffer, 0,
            RawCompareAndSwapEncoder.BLOCK_LENGTH, 1));
    }
}
