package io.tkv.client;

import java.util.List;

/**
 * One RawScanResponse: the pairs it carried, whether the range goes on, and where the store said to go on from (a
 * page the store stopped on its budget of expired values; null otherwise: then after the last pair).
 */
final class ScanPage {
    private final List<KvPair> pairs;
    private final boolean hasMore;
    private final byte[] resumeKey;

    ScanPage(final List<KvPair> pairs, final boolean hasMore) {
        this(pairs, hasMore, null);
    }

    ScanPage(final List<KvPair> pairs, final boolean hasMore, final byte[] resumeKey) {
        this.pairs = pairs;
        this.hasMore = hasMore;
        this.resumeKey = resumeKey;
    }

    List<KvPair> pairs() {
        return pairs;
    }

    boolean hasMore() {
        return hasMore;
    }

    /** @return forward, the next start key (inclusive); reverse, the next end key (exclusive); or null. */
    byte[] resumeKey() {
        return resumeKey;
    }
}
