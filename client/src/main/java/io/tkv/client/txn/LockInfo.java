package io.tkv.client.txn;

import java.util.Arrays;
import java.util.List;

/**
 * A lock of a transaction on a key, as the store reports it with KEY_LOCKED (TiKV's {@code kvrpcpb.LockInfo}).
 *
 * @param key            the locked user key.
 * @param primary        the lock's transaction's primary user key.
 * @param startTs        its start ts.
 * @param ttl            milliseconds after the start ts's physical time during which the lock is alive.
 * @param type           what the lock commits to.
 * @param forUpdateTs    a pessimistic transaction's for-update ts; 0 for an optimistic one.
 * @param txnSize        the number of keys of the transaction (a hint).
 * @param minCommitTs    the smallest commit ts the lock accepts; 0 if unset.
 * @param useAsyncCommit whether the transaction commits asynchronously.
 * @param secondaries    on an async-commit primary: the secondaries' user keys; else empty.
 */
public record LockInfo(
    byte[] key,
    byte[] primary,
    long startTs,
    long ttl,
    LockType type,
    long forUpdateTs,
    long txnSize,
    long minCommitTs,
    boolean useAsyncCommit,
    List<byte[]> secondaries) {

    /** Copies the secondaries. */
    public LockInfo {
        secondaries = List.copyOf(secondaries);
    }

    /** @return whether this lock is on its transaction's primary key. */
    public boolean isPrimary() {
        return Arrays.equals(key, primary);
    }

    @Override
    public String toString() {
        return "LockInfo{key=" + Keys.show(key) + ", primary=" + Keys.show(primary) + ", startTs=" + startTs +
            ", ttl=" + ttl + ", " + type + ", forUpdateTs=" + forUpdateTs + ", minCommitTs=" + minCommitTs +
            ", async=" + useAsyncCommit + ", secondaries=" + secondaries.size() + '}';
    }
}
