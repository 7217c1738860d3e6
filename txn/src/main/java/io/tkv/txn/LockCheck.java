package io.tkv.txn;

/**
 * Whether a lock blocks a snapshot read, as TiKV's {@code check_ts_conflict}.
 */
final class LockCheck {
    private LockCheck() {
    }

    /**
     * A lock blocks a read at {@code ts} unless: it started after {@code ts} (it will commit after it too); it is a
     * pessimistic lock or a read lock (neither changes data); or its {@code min_commit_ts} is above {@code ts} (it
     * will commit after the read, which check-txn-status uses to let readers pass a live transaction).
     *
     * @throws TxnException.KeyLocked if it blocks.
     */
    static void checkForRead(final byte[] encodedKey, final Lock lock, final long ts) {
        if (lock.startTs() > ts || lock.type() == LockType.LOCK || lock.type() == LockType.PESSIMISTIC) {
            return;
        }
        if (lock.minCommitTs() > ts) {
            return;
        }
        throw new TxnException.KeyLocked(TxnKeys.decode(encodedKey), lock);
    }
}
