package io.tkv.client.txn;

import java.util.List;

/**
 * A prewrite of the keys of one transaction in one region (TiKV's {@code PrewriteRequest}).
 *
 * @param mutations        the keys and what to write, at least one, all in one region.
 * @param primary          the transaction's primary user key.
 * @param startTs          the start ts.
 * @param lockTtl          the locks' ttl in milliseconds.
 * @param txnSize          the number of keys of the whole transaction.
 * @param forUpdateTs      a pessimistic transaction's for-update ts; 0 for an optimistic one.
 * @param pessimisticLocks for a pessimistic transaction, per mutation, whether it holds a pessimistic lock on the
 *                         key; {@code null} for an optimistic one.
 * @param secondaries      async commit: on the request holding the primary, the secondaries' user keys; on the
 *                         others an empty list; {@code null} for no async commit.
 * @param tryOnePc         commit the keys in this prewrite (the whole transaction is in this request).
 * @param minCommitTs      the lower bound of the commit ts (0: none).
 * @param maxCommitTs      async commit and 1PC: the largest commit ts accepted (0: no limit); beyond it the store
 *                         falls back to 2PC and answers a min commit ts of 0.
 */
public record PrewriteRequest(
    List<Mutation> mutations,
    byte[] primary,
    long startTs,
    long lockTtl,
    long txnSize,
    long forUpdateTs,
    boolean[] pessimisticLocks,
    List<byte[]> secondaries,
    boolean tryOnePc,
    long minCommitTs,
    long maxCommitTs) {

    /** Checks the request. */
    public PrewriteRequest {
        if (mutations.isEmpty()) {
            throw new IllegalArgumentException("prewrite of no keys");
        }
        if (tryOnePc && secondaries != null) {
            throw new IllegalArgumentException("prewrite asks for both 1PC and async commit");
        }
        mutations = List.copyOf(mutations);
    }
}
