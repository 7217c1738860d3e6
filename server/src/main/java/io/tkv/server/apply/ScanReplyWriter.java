package io.tkv.server.apply;

import io.tkv.codec.BooleanType;
import io.tkv.codec.GroupSizeEncodingEncoder;
import io.tkv.codec.MessageHeaderEncoder;
import io.tkv.codec.RawScanDecoder;
import io.tkv.codec.RawScanResponseEncoder;
import io.tkv.codec.Status;
import io.tkv.storage.RawKvStore;
import io.tkv.storage.ScanVisitor;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteOrder;

/**
 * Encodes a RawScanResponse straight from the storage iterator. The number of pairs is only known at the end
 * (the scan stops at the limit, at the end of the range, or when the next pair would not fit a frame), so the
 * group is opened for the limit and its count patched afterwards. A reply cut short by the frame size says
 * hasMore, and the client scans on from its last key.
 */
final class ScanReplyWriter implements ScanVisitor {
    private static final int DATA_HEADER = 4;
    private static final int TRAILER_RESERVE = DATA_HEADER + 64;

    private final RawKvStore store;
    private final int maxReplyBytes;
    private final MessageHeaderEncoder header = new MessageHeaderEncoder();
    private final RawScanResponseEncoder reply = new RawScanResponseEncoder();
    private final UnsafeBuffer startView = new UnsafeBuffer(0, 0);
    private final UnsafeBuffer endView = new UnsafeBuffer(0, 0);
    private RawScanResponseEncoder.PairsEncoder pairs;
    private int start;
    private int count;
    private boolean cut;

    ScanReplyWriter(final RawKvStore store, final int maxReplyBytes) {
        this.store = store;
        this.maxReplyBytes = maxReplyBytes;
    }

    /**
     * Runs the scan and encodes its reply at {@code offset}.
     *
     * @return the reply's length.
     */
    int write(final RawScanDecoder request, final MutableDirectBuffer out, final int offset) {
        final long correlationId = request.correlationId();
        final int limit = request.scanLimit();
        final boolean reverse = request.reverse() == BooleanType.TRUE;
        final boolean keyOnly = request.keyOnly() == BooleanType.TRUE;
        request.wrapStartKey(startView);
        request.wrapEndKey(endView);

        start = offset;
        count = 0;
        cut = false;
        reply.wrapAndApplyHeader(out, offset, header).correlationId(correlationId).status(Status.OK);
        final int groupHeader = reply.limit();
        pairs = reply.pairsCount(limit);
        store.scan(startView, 0, startView.capacity(), endView, 0, endView.capacity(), limit, reverse, keyOnly, this);
        out.putShort(groupHeader + GroupSizeEncodingEncoder.numInGroupEncodingOffset(), (short)count,
            ByteOrder.LITTLE_ENDIAN);
        reply.hasMore(cut ? BooleanType.TRUE : BooleanType.FALSE);
        reply.errorMessage("");
        pairs = null;
        return MessageHeaderEncoder.ENCODED_LENGTH + reply.encodedLength();
    }

    @Override
    public boolean onPair(
        final DirectBuffer key, final int keyOffset, final int keyLength, final DirectBuffer value,
        final int valueOffset, final int valueLength) {
        final long needed = (long)reply.limit() - start + 2L * DATA_HEADER + keyLength + valueLength + TRAILER_RESERVE;
        if (needed > maxReplyBytes) {
            cut = true;
            return false;
        }
        pairs.next().putKey(key, keyOffset, keyLength).putValue(value, valueOffset, valueLength);
        count++;
        return true;
    }
}
