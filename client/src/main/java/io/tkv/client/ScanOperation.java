package io.tkv.client;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiConsumer;
import java.util.function.Supplier;

/**
 * One {@code scan} as the caller sees it, fetched in as many RawScan requests as it takes: the store may cut a
 * reply to fit a frame ({@code hasMore}), stop one that skipped as many expired values as it may in one request
 * ({@code hasMore} with a resume key, pairs or not), and never returns more than its scan limit per request. Each next
 * page starts at the resume key when the store gave one (forward: {@code startKey = resumeKey}; reverse:
 * {@code endKey = resumeKey}, the end being exclusive), else after the last key received (forward:
 * {@code lastKey + 0x00}; reverse: {@code endKey = lastKey}). A resume key that does not move the range on fails the
 * scan, so a faulty store cannot keep it asking. Pages are requested from the poller thread when the previous page
 * arrives.
 */
final class ScanOperation implements BiConsumer<ScanPage, Throwable> {
    /** Sends one RawScan request. */
    interface PageRequester {
        CompletableFuture<ScanPage> request(byte[] startKey, byte[] endKey, int limit, boolean reverse,
            boolean keyOnly);
    }

    private static final int MAX_INITIAL_CAPACITY = 1024;

    private final PageRequester requester;
    private final Supplier<SessionLimits> limits;
    private final int limit;
    private final boolean reverse;
    private final boolean keyOnly;
    private final List<KvPair> pairs;
    private final CompletableFuture<List<KvPair>> result = new CompletableFuture<>();
    private byte[] startKey;
    private byte[] endKey;
    private int asked;
    private int pages;

    ScanOperation(final PageRequester requester, final Supplier<SessionLimits> limits, final byte[] startKey,
        final byte[] endKey, final int limit, final boolean reverse, final boolean keyOnly) {
        this.requester = requester;
        this.limits = limits;
        this.startKey = startKey;
        this.endKey = endKey;
        this.limit = limit;
        this.reverse = reverse;
        this.keyOnly = keyOnly;
        this.pairs = new ArrayList<>(Math.min(limit, MAX_INITIAL_CAPACITY));
    }

    /** @return the pairs, complete when the last page arrived or a page failed. */
    CompletableFuture<List<KvPair>> start() {
        requestNext();
        return result;
    }

    /** @return RawScan requests sent so far. */
    int pages() {
        return pages;
    }

    @Override
    public void accept(final ScanPage page, final Throwable failure) {
        if (failure != null) {
            result.completeExceptionally(failure);
            return;
        }
        final List<KvPair> received = page.pairs();
        for (int i = 0; i < received.size() && pairs.size() < limit; i++) {
            pairs.add(received.get(i));
        }
        final boolean pageFull = received.size() >= asked;
        final byte[] resumeKey = page.resumeKey();
        if (pairs.size() < limit && page.hasMore() && resumeKey != null) {
            if (!movesOn(resumeKey)) {
                result.completeExceptionally(new TkvException(ErrorCode.MALFORMED,
                    "scan reply with a resume key outside the rest of the range"));
                return;
            }
            if (reverse) {
                endKey = resumeKey;
            } else {
                startKey = resumeKey;
            }
            requestNext();
        } else if (pairs.size() < limit && !received.isEmpty() && (page.hasMore() || pageFull)) {
            final byte[] lastKey = received.get(received.size() - 1).keyRef();
            if (reverse) {
                endKey = lastKey;
            } else {
                startKey = Arrays.copyOf(lastKey, lastKey.length + 1);
            }
            requestNext();
        } else {
            result.complete(Collections.unmodifiableList(pairs));
        }
    }

    /** @return whether the range left after the resume key is smaller than the one just asked for. */
    private boolean movesOn(final byte[] resumeKey) {
        if (reverse) {
            return endKey.length == 0 || Arrays.compareUnsigned(resumeKey, endKey) < 0;
        }
        return Arrays.compareUnsigned(resumeKey, startKey) > 0;
    }

    private void requestNext() {
        asked = limits.get().scanPage(limit - pairs.size());
        pages++;
        requester.request(startKey, endKey, asked, reverse, keyOnly).whenComplete(this);
    }
}
