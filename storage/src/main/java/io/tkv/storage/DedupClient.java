package io.tkv.storage;

import java.util.Arrays;

/**
 * One client's dedup record in one region: its low-water mark, when it was last seen (entry time), and the replies
 * of its requests at or above the mark, sorted by request id, with the bytes they are charged ({@link #chargeOf}).
 * <p>
 * Replies live in parallel arrays between {@code head} and {@code tail}: requests arrive almost always in
 * ascending order, so adding appends and pruning below the mark advances {@code head}, neither allocating; the
 * arrays compact or grow only when {@code tail} reaches their end. Single owner: the {@link DedupTable}'s.
 */
final class DedupClient {
    /**
     * Bytes a recorded reply is charged beyond its own length: the array's header, its request id and slot here, and
     * its key in RocksDB; so many tiny replies cannot hide behind a byte budget.
     */
    static final int REPLY_OVERHEAD_BYTES = 64;

    private static final int INITIAL_CAPACITY = 4;

    final long clientId;
    /** Every request id below it has been seen by the client: see {@link DedupTable}. */
    long lowWaterMark = Long.MIN_VALUE;
    long lastSeenMs;
    /** Position in the region's {@link ClientExpiryQueue}, -1 when not in it. */
    int queueIndex = -1;
    /** Position in the region's {@link ClientSizeQueue}, -1 when not in it. */
    int sizeIndex = -1;

    private long[] requestIds = new long[INITIAL_CAPACITY];
    private byte[][] replies = new byte[INITIAL_CAPACITY][];
    private int head;
    private int tail;
    private long replyBytes;

    DedupClient(final long clientId) {
        this.clientId = clientId;
    }

    /**
     * @return the recorded reply of a request, or null.
     */
    byte[] reply(final long requestId) {
        final int index = head == tail ? -1 : Arrays.binarySearch(requestIds, head, tail, requestId);
        return index >= 0 ? replies[index] : null;
    }

    /**
     * @return the bytes a reply of this length is charged.
     */
    static long chargeOf(final int replyLength) {
        return (long)replyLength + REPLY_OVERHEAD_BYTES;
    }

    /**
     * @return the bytes charged for the recorded replies.
     */
    long replyBytes() {
        return replyBytes;
    }

    /**
     * Records the reply of a request not recorded yet.
     */
    void add(final long requestId, final byte[] reply) {
        if (tail == requestIds.length) {
            makeRoom();
        }
        replyBytes += chargeOf(reply.length);
        if (head == tail || requestId > requestIds[tail - 1]) {
            requestIds[tail] = requestId;
            replies[tail] = reply;
            tail++;
            return;
        }
        final int found = Arrays.binarySearch(requestIds, head, tail, requestId);
        if (found >= 0) {
            replyBytes -= chargeOf(replies[found].length);
            replies[found] = reply;
            return;
        }
        // Out of order (a retry overtook an older request): shift the larger ones up by one.
        final int insertAt = -found - 1;
        System.arraycopy(requestIds, insertAt, requestIds, insertAt + 1, tail - insertAt);
        System.arraycopy(replies, insertAt, replies, insertAt + 1, tail - insertAt);
        requestIds[insertAt] = requestId;
        replies[insertAt] = reply;
        tail++;
    }

    /**
     * @return the number of recorded replies.
     */
    int replyCount() {
        return tail - head;
    }

    /**
     * @param n 0 for the smallest.
     * @return the request id of the n-th recorded reply in ascending order.
     */
    long requestIdAt(final int n) {
        return requestIds[head + n];
    }

    /**
     * @return whether the smallest recorded request id is below {@code mark}.
     */
    boolean hasReplyBelow(final long mark) {
        return head < tail && requestIds[head] < mark;
    }

    /**
     * Drops the reply with the smallest request id.
     */
    void removeFirst() {
        replyBytes -= chargeOf(replies[head].length);
        replies[head] = null;
        head++;
        if (head == tail) {
            head = 0;
            tail = 0;
        }
    }

    private void makeRoom() {
        final int count = tail - head;
        if (head > 0 && count < requestIds.length / 2) {
            System.arraycopy(requestIds, head, requestIds, 0, count);
            System.arraycopy(replies, head, replies, 0, count);
            Arrays.fill(replies, count, tail, null);
        } else {
            final int capacity = requestIds.length * 2;
            final long[] newIds = new long[capacity];
            final byte[][] newReplies = new byte[capacity][];
            System.arraycopy(requestIds, head, newIds, 0, count);
            System.arraycopy(replies, head, newReplies, 0, count);
            requestIds = newIds;
            replies = newReplies;
        }
        head = 0;
        tail = count;
    }
}
