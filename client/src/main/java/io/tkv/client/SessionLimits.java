package io.tkv.client;

/**
 * The limits a store announced in Connected. The client checks keys, values and batches against them before it
 * sends, so an oversized request fails at once with {@link ErrorCode#TOO_LARGE} instead of a round trip. A limit
 * of zero or less means the store set none.
 */
final class SessionLimits {
    /** Before any session: only the wire format's own bound (a group holds at most 65535 entries). */
    static final SessionLimits NONE = new SessionLimits(0, 0, 0, 0, 0);
    /** The most entries an SBE repeating group with a uint16 count can hold. */
    static final int MAX_GROUP_ENTRIES = 0xFFFF;

    private final int maxKeyBytes;
    private final int maxValueBytes;
    private final int maxBatchSize;
    private final int maxScanLimit;
    private final int maxRequestBytes;

    SessionLimits(final int maxKeyBytes, final int maxValueBytes, final int maxBatchSize, final int maxScanLimit,
        final int maxRequestBytes) {
        this.maxKeyBytes = maxKeyBytes;
        this.maxValueBytes = maxValueBytes;
        this.maxBatchSize = maxBatchSize;
        this.maxScanLimit = maxScanLimit;
        this.maxRequestBytes = maxRequestBytes;
    }

    int maxKeyBytes() {
        return maxKeyBytes;
    }

    int maxValueBytes() {
        return maxValueBytes;
    }

    int maxBatchSize() {
        return maxBatchSize;
    }

    int maxScanLimit() {
        return maxScanLimit;
    }

    int maxRequestBytes() {
        return maxRequestBytes;
    }

    /**
     * @param frameLength an encoded request's length.
     * @return null if the store takes a request that large (Connected.maxRequestBytes: what it can replicate and
     *     apply), else the exception to fail with.
     */
    TkvException checkRequest(final int frameLength) {
        if (maxRequestBytes > 0 && frameLength > maxRequestBytes) {
            return new TkvException(ErrorCode.TOO_LARGE,
                "request of " + frameLength + " bytes exceeds the store's limit of " + maxRequestBytes + " bytes");
        }
        return null;
    }

    /** @return null if the key fits, else the exception to fail with. */
    TkvException checkKey(final byte[] key) {
        if (maxKeyBytes > 0 && key.length > maxKeyBytes) {
            return new TkvException(ErrorCode.TOO_LARGE,
                "key of " + key.length + " bytes exceeds the store's limit of " + maxKeyBytes);
        }
        return null;
    }

    /** @return null if the value fits, else the exception to fail with. */
    TkvException checkValue(final byte[] value) {
        if (maxValueBytes > 0 && value.length > maxValueBytes) {
            return new TkvException(ErrorCode.TOO_LARGE,
                "value of " + value.length + " bytes exceeds the store's limit of " + maxValueBytes);
        }
        return null;
    }

    /** @return null if a batch of this many entries fits, else the exception to fail with. */
    TkvException checkBatch(final int entries) {
        if (entries > MAX_GROUP_ENTRIES || (maxBatchSize > 0 && entries > maxBatchSize)) {
            final int limit = maxBatchSize > 0 ? Math.min(maxBatchSize, MAX_GROUP_ENTRIES) : MAX_GROUP_ENTRIES;
            return new TkvException(ErrorCode.TOO_LARGE,
                "batch of " + entries + " entries exceeds the limit of " + limit);
        }
        return null;
    }

    /**
     * @param wanted pairs the caller still wants.
     * @return how many to ask for in one scan request: the store rejects more than its scan limit, so a larger
     *     scan is fetched in pages of that size.
     */
    int scanPage(final int wanted) {
        return maxScanLimit > 0 ? Math.min(wanted, maxScanLimit) : wanted;
    }

    @Override
    public String toString() {
        return "SessionLimits{maxKeyBytes=" + maxKeyBytes + ", maxValueBytes=" + maxValueBytes +
            ", maxBatchSize=" + maxBatchSize + ", maxScanLimit=" + maxScanLimit + ", maxRequestBytes=" +
            maxRequestBytes + '}';
    }
}
