package io.tkv.client;

import io.tkv.codec.BooleanType;
import io.tkv.codec.MessageHeaderEncoder;
import io.tkv.codec.RawBatchDeleteDecoder;
import io.tkv.codec.RawBatchDeleteResponseEncoder;
import io.tkv.codec.RawBatchGetDecoder;
import io.tkv.codec.RawBatchGetResponseEncoder;
import io.tkv.codec.RawBatchPutDecoder;
import io.tkv.codec.RawBatchPutResponseEncoder;
import io.tkv.codec.RawCompareAndSwapDecoder;
import io.tkv.codec.RawCompareAndSwapResponseEncoder;
import io.tkv.codec.RawDeleteDecoder;
import io.tkv.codec.RawDeleteRangeDecoder;
import io.tkv.codec.RawDeleteRangeResponseEncoder;
import io.tkv.codec.RawDeleteResponseEncoder;
import io.tkv.codec.RawGetDecoder;
import io.tkv.codec.RawGetResponseEncoder;
import io.tkv.codec.RawPutDecoder;
import io.tkv.codec.RawPutResponseEncoder;
import io.tkv.codec.RawScanDecoder;
import io.tkv.codec.RawScanResponseEncoder;
import io.tkv.codec.RegionContextDecoder;
import io.tkv.codec.Status;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;

import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;

/**
 * The fake store's RawKV: runs one decoded request against the {@link FakeData} and encodes its response (with the
 * status the test asked for) into the store's output buffer. One per store incarnation, on its agent thread.
 */
final class FakeRawKv {
    private final FakeStore store;
    private final FakeData data;
    private final ExpandableArrayBuffer out;
    private final MessageHeaderEncoder header = new MessageHeaderEncoder();

    FakeRawKv(final FakeStore store, final FakeData data, final ExpandableArrayBuffer out) {
        this.store = store;
        this.data = data;
        this.out = out;
    }

    /**
     * Runs a request and encodes its response into the output buffer.
     *
     * @return the response's length, or -1 for a template that is not RawKV.
     */
    int run(final int templateId, final DirectBuffer buffer, final int body, final int blockLength, final int version,
        final Status status, final String message) {
        switch (templateId) {
            case RawGetDecoder.TEMPLATE_ID:
                return get(new RawGetDecoder().wrap(buffer, body, blockLength, version), status, message);
            case RawBatchGetDecoder.TEMPLATE_ID:
                return batchGet(new RawBatchGetDecoder().wrap(buffer, body, blockLength, version), status, message);
            case RawPutDecoder.TEMPLATE_ID:
                return put(new RawPutDecoder().wrap(buffer, body, blockLength, version), status, message);
            case RawBatchPutDecoder.TEMPLATE_ID:
                return batchPut(new RawBatchPutDecoder().wrap(buffer, body, blockLength, version), status, message);
            case RawDeleteDecoder.TEMPLATE_ID:
                return delete(new RawDeleteDecoder().wrap(buffer, body, blockLength, version), status, message);
            case RawBatchDeleteDecoder.TEMPLATE_ID:
                return batchDelete(new RawBatchDeleteDecoder().wrap(buffer, body, blockLength, version), status,
                    message);
            case RawDeleteRangeDecoder.TEMPLATE_ID:
                return deleteRange(new RawDeleteRangeDecoder().wrap(buffer, body, blockLength, version), status,
                    message);
            case RawScanDecoder.TEMPLATE_ID:
                return scan(new RawScanDecoder().wrap(buffer, body, blockLength, version), status, message);
            case RawCompareAndSwapDecoder.TEMPLATE_ID:
                return cas(new RawCompareAndSwapDecoder().wrap(buffer, body, blockLength, version), status, message);
            default:
                return -1;
        }
    }

    /**
     * @return the clientId of a write request (0 for reads, or a version 1 write without one).
     */
    static long clientId(final int templateId, final DirectBuffer buffer, final int body, final int blockLength) {
        final int offset;
        switch (templateId) {
            case RawPutDecoder.TEMPLATE_ID:
                offset = RawPutDecoder.clientIdEncodingOffset();
                break;
            case RawBatchPutDecoder.TEMPLATE_ID:
                offset = RawBatchPutDecoder.clientIdEncodingOffset();
                break;
            case RawDeleteDecoder.TEMPLATE_ID:
                offset = RawDeleteDecoder.clientIdEncodingOffset();
                break;
            case RawBatchDeleteDecoder.TEMPLATE_ID:
                offset = RawBatchDeleteDecoder.clientIdEncodingOffset();
                break;
            case RawDeleteRangeDecoder.TEMPLATE_ID:
                offset = RawDeleteRangeDecoder.clientIdEncodingOffset();
                break;
            case RawCompareAndSwapDecoder.TEMPLATE_ID:
                offset = RawCompareAndSwapDecoder.clientIdEncodingOffset();
                break;
            default:
                return 0;
        }
        return blockLength >= offset + Long.BYTES ? buffer.getLong(body + offset, ByteOrder.LITTLE_ENDIAN) : 0;
    }

    private void region(final RegionContextDecoder region) {
        store.regions().add(new long[] {region.regionId(), region.confVer(), region.version()});
    }

    private int get(final RawGetDecoder request, final Status status, final String message) {
        region(request.region());
        final byte[] key = bytes(request.keyLength(), request::getKey);
        final byte[] value = status == Status.OK ? data.data().get(key) : null;
        final byte[] out2 = value == null ? new byte[0] : value;
        final RawGetResponseEncoder encoder = new RawGetResponseEncoder().wrapAndApplyHeader(out, 0, header)
            .correlationId(request.correlationId()).status(status)
            .found(value == null ? BooleanType.FALSE : BooleanType.TRUE);
        encoder.putValue(out2, 0, out2.length).errorMessage(message);
        return MessageHeaderEncoder.ENCODED_LENGTH + encoder.encodedLength();
    }

    private int batchGet(final RawBatchGetDecoder request, final Status status, final String message) {
        final long correlationId = request.correlationId();
        region(request.region());
        final List<byte[]> keys = new ArrayList<>();
        for (final RawBatchGetDecoder.KeysDecoder entry : request.keys()) {
            keys.add(bytes(entry.keyLength(), entry::getKey));
        }
        final RawBatchGetResponseEncoder encoder = new RawBatchGetResponseEncoder()
            .wrapAndApplyHeader(out, 0, header).correlationId(correlationId).status(status);
        final RawBatchGetResponseEncoder.PairsEncoder pairs = encoder.pairsCount(keys.size());
        for (final byte[] key : keys) {
            final byte[] value = data.data().get(key);
            final byte[] valueOut = value == null ? new byte[0] : value;
            pairs.next().found(value == null ? BooleanType.FALSE : BooleanType.TRUE)
                .putKey(key, 0, key.length).putValue(valueOut, 0, valueOut.length);
        }
        encoder.errorMessage(message);
        return MessageHeaderEncoder.ENCODED_LENGTH + encoder.encodedLength();
    }

    private int put(final RawPutDecoder request, final Status status, final String message) {
        final long correlationId = request.correlationId();
        region(request.region());
        final long ttl = request.ttlSeconds();
        final byte[] key = bytes(request.keyLength(), request::getKey);
        final byte[] value = bytes(request.valueLength(), request::getValue);
        store.ttlsSeen().add(ttl);
        if (status == Status.OK) {
            data.write(key, value, ttl);
        }
        final RawPutResponseEncoder encoder = new RawPutResponseEncoder().wrapAndApplyHeader(out, 0, header)
            .correlationId(correlationId).status(status).errorMessage(message);
        return MessageHeaderEncoder.ENCODED_LENGTH + encoder.encodedLength();
    }

    private int batchPut(final RawBatchPutDecoder request, final Status status, final String message) {
        final long correlationId = request.correlationId();
        region(request.region());
        final long ttl = request.ttlSeconds();
        store.ttlsSeen().add(ttl);
        for (final RawBatchPutDecoder.PairsDecoder pair : request.pairs()) {
            final byte[] key = bytes(pair.keyLength(), pair::getKey);
            final byte[] value = bytes(pair.valueLength(), pair::getValue);
            if (status == Status.OK) {
                data.write(key, value, ttl);
            }
        }
        final RawBatchPutResponseEncoder encoder = new RawBatchPutResponseEncoder()
            .wrapAndApplyHeader(out, 0, header).correlationId(correlationId).status(status).errorMessage(message);
        return MessageHeaderEncoder.ENCODED_LENGTH + encoder.encodedLength();
    }

    private int delete(final RawDeleteDecoder request, final Status status, final String message) {
        final long correlationId = request.correlationId();
        region(request.region());
        final byte[] key = bytes(request.keyLength(), request::getKey);
        if (status == Status.OK && data.data().remove(key) != null) {
            data.countApplied(1);
        }
        final RawDeleteResponseEncoder encoder = new RawDeleteResponseEncoder().wrapAndApplyHeader(out, 0, header)
            .correlationId(correlationId).status(status).errorMessage(message);
        return MessageHeaderEncoder.ENCODED_LENGTH + encoder.encodedLength();
    }

    private int batchDelete(final RawBatchDeleteDecoder request, final Status status, final String message) {
        final long correlationId = request.correlationId();
        region(request.region());
        for (final RawBatchDeleteDecoder.KeysDecoder entry : request.keys()) {
            final byte[] key = bytes(entry.keyLength(), entry::getKey);
            if (status == Status.OK && data.data().remove(key) != null) {
                data.countApplied(1);
            }
        }
        final RawBatchDeleteResponseEncoder encoder = new RawBatchDeleteResponseEncoder()
            .wrapAndApplyHeader(out, 0, header).correlationId(correlationId).status(status).errorMessage(message);
        return MessageHeaderEncoder.ENCODED_LENGTH + encoder.encodedLength();
    }

    private int deleteRange(final RawDeleteRangeDecoder request, final Status status, final String message) {
        final long correlationId = request.correlationId();
        region(request.region());
        final byte[] start = bytes(request.startKeyLength(), request::getStartKey);
        final byte[] end = bytes(request.endKeyLength(), request::getEndKey);
        if (status == Status.OK) {
            final NavigableMap<byte[], byte[]> range = end.length == 0 ? data.data().tailMap(start, true) :
                data.data().subMap(start, true, end, false);
            data.countApplied(range.size());
            range.clear();
        }
        final RawDeleteRangeResponseEncoder encoder = new RawDeleteRangeResponseEncoder()
            .wrapAndApplyHeader(out, 0, header).correlationId(correlationId).status(status).errorMessage(message);
        return MessageHeaderEncoder.ENCODED_LENGTH + encoder.encodedLength();
    }

    private int scan(final RawScanDecoder request, final Status status, final String message) {
        final long correlationId = request.correlationId();
        region(request.region());
        final int limit = request.scanLimit();
        final boolean reverse = request.reverse() == BooleanType.TRUE;
        final boolean keyOnly = request.keyOnly() == BooleanType.TRUE;
        final byte[] start = bytes(request.startKeyLength(), request::getStartKey);
        final byte[] end = bytes(request.endKeyLength(), request::getEndKey);
        store.scanLimits().add(limit);
        NavigableMap<byte[], byte[]> range = end.length == 0 ? data.data().tailMap(start, true) :
            data.data().subMap(start, true, end, false);
        if (reverse) {
            range = range.descendingMap();
        }
        final int page = store.scanPageSizeSetting();
        final int maxScanLimit = store.maxScanLimitSetting();
        final int take = Math.min(limit, page > 0 ? page : Integer.MAX_VALUE);
        final List<Map.Entry<byte[], byte[]>> entries = new ArrayList<>();
        boolean more = false;
        if (status == Status.OK && limit <= maxScanLimit) {
            for (final Map.Entry<byte[], byte[]> entry : range.entrySet()) {
                if (entries.size() == take) {
                    more = take < limit;
                    break;
                }
                entries.add(entry);
            }
        }
        final RawScanResponseEncoder encoder = new RawScanResponseEncoder().wrapAndApplyHeader(out, 0, header)
            .correlationId(correlationId)
            .status(limit > maxScanLimit ? Status.TOO_LARGE : status)
            .hasMore(more ? BooleanType.TRUE : BooleanType.FALSE);
        final RawScanResponseEncoder.PairsEncoder pairs = encoder.pairsCount(entries.size());
        for (final Map.Entry<byte[], byte[]> entry : entries) {
            final byte[] value = keyOnly ? new byte[0] : entry.getValue();
            pairs.next().putKey(entry.getKey(), 0, entry.getKey().length).putValue(value, 0, value.length);
        }
        encoder.errorMessage(limit > maxScanLimit ? "scan limit over " + maxScanLimit : message);
        encoder.putResumeKey(new byte[0], 0, 0);
        return MessageHeaderEncoder.ENCODED_LENGTH + encoder.encodedLength();
    }

    private int cas(final RawCompareAndSwapDecoder request, final Status status, final String message) {
        final long correlationId = request.correlationId();
        region(request.region());
        final long ttl = request.ttlSeconds();
        final boolean expectAbsent = request.expectAbsent() == BooleanType.TRUE;
        final byte[] key = bytes(request.keyLength(), request::getKey);
        final byte[] expected = bytes(request.expectedValueLength(), request::getExpectedValue);
        final byte[] newValue = bytes(request.newValueLength(), request::getNewValue);
        store.ttlsSeen().add(ttl);
        final byte[] previous = data.data().get(key);
        final boolean swap = status == Status.OK &&
            (expectAbsent ? previous == null : previous != null && Arrays.equals(previous, expected));
        if (swap) {
            data.write(key, newValue, ttl);
        }
        final byte[] previousOut = previous == null ? new byte[0] : previous;
        final RawCompareAndSwapResponseEncoder encoder = new RawCompareAndSwapResponseEncoder()
            .wrapAndApplyHeader(out, 0, header).correlationId(correlationId).status(status)
            .swapped(swap ? BooleanType.TRUE : BooleanType.FALSE)
            .previousFound(previous == null ? BooleanType.FALSE : BooleanType.TRUE);
        encoder.putPreviousValue(previousOut, 0, previousOut.length).errorMessage(message);
        return MessageHeaderEncoder.ENCODED_LENGTH + encoder.encodedLength();
    }

    /** Reads a var-data field into a fresh array. */
    private interface Getter {
        int get(byte[] dst, int offset, int length);
    }

    private static byte[] bytes(final int length, final Getter getter) {
        final byte[] bytes = new byte[length];
        getter.get(bytes, 0, length);
        return bytes;
    }
}
