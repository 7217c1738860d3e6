package io.tkv.client;

import java.util.List;

/**
 * A transactional lock as a store reports it (with KEY_LOCKED, or listed by scan-lock, check-txn-status and
 * check-secondary-locks), for a lock resolver.
 *
 * @param key            the locked user key (empty where the store does not name it: check-secondary-locks).
 * @param primary        the lock's transaction's primary user key.
 * @param startTs        the transaction's start ts.
 * @param ttl            the lock's ttl in milliseconds after the start ts's physical time.
 * @param type           PUT, DELETE, LOCK or PESSIMISTIC.
 * @param txnSize        the number of keys of the transaction (a hint).
 * @param forUpdateTs    a pessimistic transaction's for-update ts, else 0.
 * @param minCommitTs    the smallest commit ts the lock accepts, 0 if unset.
 * @param useAsyncCommit whether the transaction commits asynchronously.
 * @param secondaries    an async-commit primary's secondaries (user keys), else empty.
 */
public record TxnLockInfo(
    byte[] key,
    byte[] primary,
    long startTs,
    long ttl,
    String type,
    long txnSize,
    long forUpdateTs,
    long minCommitTs,
    boolean useAsyncCommit,
    List<byte[]> secondaries) {
}
