package io.tkv.log;

/**
 * What the log knows of one region in memory: its snapshot point, the term and Chronicle queue index of every
 * entry after it, and its hard state. The entries live in two parallel ring arrays indexed by Raft index, so
 * appending, truncating the tail and compacting the head are O(1) and allocate only when the ring grows.
 * <p>
 * The methods trust their callers ({@link RaftLog} checks the arguments, {@link LogRecovery} replays records
 * that passed those checks when they were written). Not thread safe.
 */
final class RegionLog {
    /** Queue index of an entry whose record lies in a deleted cycle file (known only from a checkpoint). */
    static final long MISSING = -1;
    private static final int INITIAL_CAPACITY = 16;

    private final long regionId;
    private long compactedIndex;
    private long compactedTerm;
    private long[] queueIndexes = new long[INITIAL_CAPACITY];
    private long[] terms = new long[INITIAL_CAPACITY];
    private int mask = INITIAL_CAPACITY - 1;
    private int head;
    private int count;
    private long hardTerm;
    private long hardVote;
    private long hardCommit;

    RegionLog(final long regionId) {
        this.regionId = regionId;
    }

    long regionId() {
        return regionId;
    }

    long compactedIndex() {
        return compactedIndex;
    }

    long compactedTerm() {
        return compactedTerm;
    }

    long firstIndex() {
        return compactedIndex + 1;
    }

    long lastIndex() {
        return compactedIndex + count;
    }

    int entryCount() {
        return count;
    }

    /**
     * @return the term at {@code index}: the compacted term at the compacted index, -1 if unknown.
     */
    long term(final long index) {
        if (index == compactedIndex) {
            return compactedTerm;
        }
        if (index <= compactedIndex || index > lastIndex()) {
            return -1;
        }
        return terms[slot(index)];
    }

    /**
     * @param index an index in [firstIndex, lastIndex].
     * @return the queue index of its record, or {@link #MISSING}.
     */
    long queueIndex(final long index) {
        return queueIndexes[slot(index)];
    }

    /**
     * @return the queue index of the oldest entry still held, or -1 if the log holds none.
     */
    long firstQueueIndex() {
        return count == 0 ? -1 : queueIndexes[head];
    }

    /**
     * Appends an entry at {@code index} in [firstIndex, lastIndex + 1], discarding any entries at and after it.
     */
    void append(final long index, final long term, final long queueIndex) {
        count = (int) (index - firstIndex());
        if (count == queueIndexes.length) {
            grow();
        }
        final int slot = (head + count) & mask;
        queueIndexes[slot] = queueIndex;
        terms[slot] = term;
        count++;
    }

    /**
     * Discards the entries at and after {@code fromIndex} in [firstIndex, lastIndex + 1].
     */
    void truncateFrom(final long fromIndex) {
        count = (int) (fromIndex - firstIndex());
    }

    /**
     * Whether {@link #compact} keeps the entries after {@code throughIndex}: only when the log holds that index
     * with the same term; otherwise the snapshot does not match the log and the whole log goes.
     */
    boolean keepsSuffix(final long throughIndex, final long throughTerm) {
        return throughIndex < lastIndex() && terms[slot(throughIndex)] == throughTerm;
    }

    /**
     * Moves the snapshot point to {@code throughIndex} (greater than the compacted index).
     *
     * @param keepSuffix keep the entries after it (decided once by {@link #keepsSuffix} when the record was
     *                   written, so replay does the same even without the terms of missing entries).
     */
    void compact(final long throughIndex, final long throughTerm, final boolean keepSuffix) {
        if (keepSuffix && throughIndex < lastIndex()) {
            final int dropped = (int) (throughIndex - compactedIndex);
            head = (head + dropped) & mask;
            count -= dropped;
        } else {
            head = 0;
            count = 0;
        }
        compactedIndex = throughIndex;
        compactedTerm = throughTerm;
    }

    /**
     * Starts a region known only from a checkpoint: its entries up to {@code lastIndex} are in older cycle files
     * that may be gone, and later records must discard them before recovery ends.
     */
    void restore(final long compactedIndex, final long compactedTerm, final long lastIndex) {
        this.compactedIndex = compactedIndex;
        this.compactedTerm = compactedTerm;
        head = 0;
        count = 0;
        for (long i = compactedIndex + 1; i <= lastIndex; i++) {
            append(i, -1, MISSING);
        }
    }

    /**
     * @return the first index whose record is {@link #MISSING}, or -1 if every entry held has its record.
     */
    long firstMissingIndex() {
        for (int i = 0; i < count; i++) {
            if (queueIndexes[(head + i) & mask] == MISSING) {
                return firstIndex() + i;
            }
        }
        return -1;
    }

    long hardTerm() {
        return hardTerm;
    }

    long hardVote() {
        return hardVote;
    }

    long hardCommit() {
        return hardCommit;
    }

    boolean hardStateEquals(final long term, final long vote, final long commit) {
        return hardTerm == term && hardVote == vote && hardCommit == commit;
    }

    void hardState(final long term, final long vote, final long commit) {
        hardTerm = term;
        hardVote = vote;
        hardCommit = commit;
    }

    private int slot(final long index) {
        return (int) ((head + (index - compactedIndex - 1)) & mask);
    }

    private void grow() {
        final int capacity = queueIndexes.length;
        final long[] newQueueIndexes = new long[capacity * 2];
        final long[] newTerms = new long[capacity * 2];
        for (int i = 0; i < count; i++) {
            final int from = (head + i) & mask;
            newQueueIndexes[i] = queueIndexes[from];
            newTerms[i] = terms[from];
        }
        queueIndexes = newQueueIndexes;
        terms = newTerms;
        mask = capacity * 2 - 1;
        head = 0;
    }
}
