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
import org.agrona.ExpandableDirectByteBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteOrder;

/**
 * Encodes a RawScanResponse straight from the storage iterator. The number of pairs is only known at the end
 * (the scan stops at the limit, at the end of the range, when the next pair would not fit a frame, or when it has
 * skipped {@link #MAX_EXPIRED_PER_SCAN} expired values), so the group is opened for the limit and its count patched
 * afterwards. A reply cut short by the frame size says hasMore, and the client scans on from its last key; one
 * stopped on its budget of expired values says hasMore with a resume key, where the client scans on (pairs or not).
 * <p>
 * A version 2 request knows no resume key: its client would take a page without pairs for the end of the range.
 * It gets hasMore only with at least one pair (it scans on from the last, re-examining what this request skipped
 * after it); a scan that found none within the budget is answered TOO_LARGE, since its client cannot go past them.
 */
final class ScanReplyWriter implements ScanVisitor {
    /**
     * The most expired values one scan request skips: 1,024. Expired values stay in RocksDB until overwritten or
     * deleted, and a scan runs on the apply agent, which shares the raft agent's thread in the default threading mode,
     * so a range full of them would hold up every region's heartbeats and writes for as long as it takes to walk
     * them (200,000 took 60-250 ms here). Skipping one costs 0.3 µs warm, up to 1.2 µs cold, on this 2-core machine
     * (an iterator step and a header copy), so a request holds the thread for 0.25-0.7 ms at most, about one log
     * sync; the client pays a round trip per 1,024 skipped.
     */
    static final int MAX_EXPIRED_PER_SCAN = 1_024;
    /** The first schema version whose RawScanResponse carries a resume key. */
    private static final int RESUME_KEY_VERSION = 3;
    private static final int DATA_HEADER = 4;
    /** Room kept for the trailer: an empty error message and an empty resume key, with slack. */
    private static final int TRAILER_RESERVE = 2 * DATA_HEADER + 64;

    private final RawKvStore store;
    private final int maxReplyBytes;
    private final MessageHeaderEncoder header = new MessageHeaderEncoder();
    private final RawScanResponseEncoder reply = new RawScanResponseEncoder();
    private final UnsafeBuffer startView = new UnsafeBuffer(0, 0);
    private final UnsafeBuffer endView = new UnsafeBuffer(0, 0);
    private final ExpandableDirectByteBuffer resumeKey = new ExpandableDirectByteBuffer(256);
    private RawScanResponseEncoder.PairsEncoder pairs;
    private int start;
    private int count;
    private boolean cut;
    private int resumeKeyLength;

    ScanReplyWriter(final RawKvStore store, final int maxReplyBytes) {
        this.store = store;
        this.maxReplyBytes = maxReplyBytes;
    }

    /**
     * Runs the scan and encodes its reply at {@code offset}.
     *
     * @param version the request's schema version: what its client understands.
     * @return the reply's length.
     */
    int write(final RawScanDecoder request, final int version, final MutableDirectBuffer out, final int offset) {
        final long correlationId = request.correlationId();
        final int limit = request.scanLimit();
        final boolean reverse = request.reverse() == BooleanType.TRUE;
        final boolean keyOnly = request.keyOnly() == BooleanType.TRUE;
        request.wrapStartKey(startView);
        request.wrapEndKey(endView);

        start = offset;
        count = 0;
        cut = false;
        resumeKeyLength = -1;
        reply.wrapAndApplyHeader(out, offset, header).correlationId(correlationId).status(Status.OK);
        final int groupHeader = reply.limit();
        pairs = reply.pairsCount(limit);
        store.scan(startView, 0, startView.capacity(), endView, 0, endView.capacity(), limit, MAX_EXPIRED_PER_SCAN,
            reverse, keyOnly, this);
        out.putShort(groupHeader + GroupSizeEncodingEncoder.numInGroupEncodingOffset(), (short)count,
            ByteOrder.LITTLE_ENDIAN);
        pairs = null;
        if (resumeKeyLength < 0) {
            reply.hasMore(cut ? BooleanType.TRUE : BooleanType.FALSE).errorMessage("");
            reply.putResumeKey(resumeKey, 0, 0);
        } else if (version >= RESUME_KEY_VERSION && fits(resumeKeyLength)) {
            reply.hasMore(BooleanType.TRUE).errorMessage("");
            reply.putResumeKey(resumeKey, 0, resumeKeyLength);
        } else if (count > 0) {
            // Older client, or no room left for the key: it scans on from its last key.
            reply.hasMore(BooleanType.TRUE).errorMessage("");
            reply.putResumeKey(resumeKey, 0, 0);
        } else {
            reply.status(Status.TOO_LARGE).hasMore(BooleanType.FALSE)
                .errorMessage("the scan skipped " + MAX_EXPIRED_PER_SCAN + " expired values without finding a live " +
                    "one; a client of protocol version " + RESUME_KEY_VERSION + " scans on past them");
            reply.putResumeKey(resumeKey, 0, 0);
        }
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

    @Override
    public void onSkipBudgetSpent(final DirectBuffer key, final int offset, final int length) {
        resumeKey.putBytes(0, key, offset, length);
        resumeKeyLength = length;
    }

    /** @return whether a resume key of this length fits after the pairs and an empty error message. */
    private boolean fits(final int length) {
        return (long)reply.limit() - start + TRAILER_RESERVE + length <= maxReplyBytes;
    }
}
