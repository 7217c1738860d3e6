package io.tkv.client;

import java.util.List;

/** One RawScanResponse: the pairs it carried and whether the store cut it short to fit a frame. */
final class ScanPage {
    private final List<KvPair> pairs;
    private final boolean hasMore;

    ScanPage(final List<KvPair> pairs, final boolean hasMore) {
        this.pairs = pairs;
        this.hasMore = hasMore;
    }

    List<KvPair> pairs() {
        return pairs;
    }

    boolean hasMore() {
        return hasMore;
    }
}
