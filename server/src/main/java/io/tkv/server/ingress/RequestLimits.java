package io.tkv.server.ingress;

import io.tkv.codec.MessageHeaderDecoder;
import io.tkv.codec.RawBatchDeleteDecoder;
import io.tkv.codec.RawBatchGetDecoder;
import io.tkv.codec.RawBatchPutDecoder;
import io.tkv.codec.RawCompareAndSwapDecoder;
import io.tkv.codec.RawDeleteDecoder;
import io.tkv.codec.RawDeleteRangeDecoder;
import io.tkv.codec.RawGetDecoder;
import io.tkv.codec.RawPutDecoder;
import io.tkv.codec.RawScanDecoder;
import io.tkv.codec.Status;
import io.tkv.server.txn.TxnRequests;
import org.agrona.DirectBuffer;

/**
 * Enforces the configured limits on a validated request frame: key and value sizes, non-empty keys where a key
 * names one entry, and the scan limit. Batch sizes are enforced earlier, by the frame validator's group limit.
 * Not thread-safe: one per ingress agent.
 */
public final class RequestLimits {
    private final int maxKeyBytes;
    private final int maxValueBytes;
    private final int maxScanLimit;
    private final int maxRequestBytes;
    private final RawGetDecoder get = new RawGetDecoder();
    private final RawBatchGetDecoder batchGet = new RawBatchGetDecoder();
    private final RawPutDecoder put = new RawPutDecoder();
    private final RawBatchPutDecoder batchPut = new RawBatchPutDecoder();
    private final RawDeleteDecoder delete = new RawDeleteDecoder();
    private final RawBatchDeleteDecoder batchDelete = new RawBatchDeleteDecoder();
    private final RawDeleteRangeDecoder deleteRange = new RawDeleteRangeDecoder();
    private final RawScanDecoder scan = new RawScanDecoder();
    private final RawCompareAndSwapDecoder cas = new RawCompareAndSwapDecoder();
    private String reason = "";

    /**
     * @param maxKeyBytes     largest key.
     * @param maxValueBytes   largest value.
     * @param maxScanLimit    largest scan limit.
     * @param maxRequestBytes largest request frame (what the store can carry through Raft and apply).
     */
    public RequestLimits(
        final int maxKeyBytes, final int maxValueBytes, final int maxScanLimit, final int maxRequestBytes) {
        this.maxKeyBytes = maxKeyBytes;
        this.maxValueBytes = maxValueBytes;
        this.maxScanLimit = maxScanLimit;
        this.maxRequestBytes = maxRequestBytes;
    }

    /**
     * The rules a request follows whatever a store's limits: a non-empty key where a key names one entry, no negative
     * TTL, booleans 0 or 1. A store checks them again in each committed write before applying it (a write the
     * storage would refuse must be a no-op on every replica, not a failure), but never its own limits: those of the
     * store that accepted the write may differ. Never answers TOO_LARGE.
     *
     * @return checks with every limit at its largest.
     */
    public static RequestLimits protocolRules() {
        return new RequestLimits(Integer.MAX_VALUE, Integer.MAX_VALUE, Integer.MAX_VALUE, Integer.MAX_VALUE);
    }

    /** @return a reader of transactional requests under the same limits. */
    public TxnRequests txnRequests() {
        return new TxnRequests(maxKeyBytes, maxValueBytes, maxScanLimit);
    }

    /** @return the largest request frame the store takes. */
    public int maxRequestBytes() {
        return maxRequestBytes;
    }

    /**
     * @param templateId of the request (already validated).
     * @param buffer     holding the frame.
     * @param offset     of its message header.
     * @param blockLength acting block length from the header.
     * @param version    acting schema version.
     * @return OK, TOO_LARGE or MALFORMED; {@link #reason()} says why.
     */
    public Status check(
        final int templateId, final DirectBuffer buffer, final int offset, final int blockLength, final int version) {
        final int body = offset + MessageHeaderDecoder.ENCODED_LENGTH;
        switch (templateId) {
            case RawGetDecoder.TEMPLATE_ID:
                get.wrap(buffer, body, blockLength, version);
                return key(get.keyLength());
            case RawBatchGetDecoder.TEMPLATE_ID: {
                batchGet.wrap(buffer, body, blockLength, version);
                for (final RawBatchGetDecoder.KeysDecoder entry : batchGet.keys()) {
                    final Status status = key(entry.keyLength());
                    if (status != Status.OK) {
                        return status;
                    }
                    entry.skipKey();
                }
                return Status.OK;
            }
            case RawPutDecoder.TEMPLATE_ID: {
                put.wrap(buffer, body, blockLength, version);
                final Status status = key(put.keyLength());
                if (status != Status.OK) {
                    return status;
                }
                put.skipKey();
                return put.ttlSeconds() < 0 ? fail(Status.MALFORMED, "negative ttl") : value(put.valueLength());
            }
            case RawBatchPutDecoder.TEMPLATE_ID: {
                batchPut.wrap(buffer, body, blockLength, version);
                if (batchPut.ttlSeconds() < 0) {
                    return fail(Status.MALFORMED, "negative ttl");
                }
                for (final RawBatchPutDecoder.PairsDecoder entry : batchPut.pairs()) {
                    Status status = key(entry.keyLength());
                    entry.skipKey();
                    if (status == Status.OK) {
                        status = value(entry.valueLength());
                    }
                    if (status != Status.OK) {
                        return status;
                    }
                    entry.skipValue();
                }
                return Status.OK;
            }
            case RawDeleteDecoder.TEMPLATE_ID:
                delete.wrap(buffer, body, blockLength, version);
                return key(delete.keyLength());
            case RawBatchDeleteDecoder.TEMPLATE_ID: {
                batchDelete.wrap(buffer, body, blockLength, version);
                for (final RawBatchDeleteDecoder.KeysDecoder entry : batchDelete.keys()) {
                    final Status status = key(entry.keyLength());
                    if (status != Status.OK) {
                        return status;
                    }
                    entry.skipKey();
                }
                return Status.OK;
            }
            case RawDeleteRangeDecoder.TEMPLATE_ID: {
                deleteRange.wrap(buffer, body, blockLength, version);
                final int start = deleteRange.startKeyLength();
                deleteRange.skipStartKey();
                return bound(start, deleteRange.endKeyLength());
            }
            case RawScanDecoder.TEMPLATE_ID: {
                scan.wrap(buffer, body, blockLength, version);
                if (!isBoolean(scan.reverseRaw()) || !isBoolean(scan.keyOnlyRaw())) {
                    return fail(Status.MALFORMED, "boolean field out of range");
                }
                final int limit = scan.scanLimit();
                if (limit <= 0) {
                    return fail(Status.MALFORMED, "scan limit must be > 0");
                }
                if (limit > maxScanLimit) {
                    return fail(Status.TOO_LARGE, "scan limit over max-scan-limit");
                }
                final int start = scan.startKeyLength();
                scan.skipStartKey();
                return bound(start, scan.endKeyLength());
            }
            case RawCompareAndSwapDecoder.TEMPLATE_ID: {
                cas.wrap(buffer, body, blockLength, version);
                if (!isBoolean(cas.expectAbsentRaw())) {
                    return fail(Status.MALFORMED, "boolean field out of range");
                }
                if (cas.ttlSeconds() < 0) {
                    return fail(Status.MALFORMED, "negative ttl");
                }
                final Status status = key(cas.keyLength());
                if (status != Status.OK) {
                    return status;
                }
                cas.skipKey();
                final int expected = cas.expectedValueLength();
                cas.skipExpectedValue();
                return expected > maxValueBytes || cas.newValueLength() > maxValueBytes
                    ? fail(Status.TOO_LARGE, "value over max-value-bytes") : Status.OK;
            }
            default:
                return fail(Status.MALFORMED, "not a RawKV request");
        }
    }

    private static boolean isBoolean(final short raw) {
        return raw == 0 || raw == 1;
    }

    private Status key(final int length) {
        if (length == 0) {
            return fail(Status.MALFORMED, "empty key");
        }
        return length > maxKeyBytes ? fail(Status.TOO_LARGE, "key over max-key-bytes") : Status.OK;
    }

    private Status value(final int length) {
        return length > maxValueBytes ? fail(Status.TOO_LARGE, "value over max-value-bytes") : Status.OK;
    }

    private Status bound(final int startLength, final int endLength) {
        return startLength > maxKeyBytes || endLength > maxKeyBytes
            ? fail(Status.TOO_LARGE, "range bound over max-key-bytes") : Status.OK;
    }

    private Status fail(final Status status, final String why) {
        reason = why;
        return status;
    }

    /** @return why the last check failed. */
    public String reason() {
        return reason;
    }
}
