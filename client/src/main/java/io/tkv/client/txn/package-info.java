/**
 * The transactional client, as TiKV's client-go {@code txnkv}: {@link io.tkv.client.txn.TxnKvClient} begins
 * {@link io.tkv.client.txn.Transaction}s (optimistic or pessimistic) whose reads are snapshot-isolated at their start
 * ts and whose writes are buffered until commit, which the client drives across regions: 1PC, async commit or 2PC
 * (see {@code Committer}). Locks met are resolved through their primary
 * ({@link io.tkv.client.txn.LockResolver}); long transactions keep their locks alive with heartbeats.
 *
 * <p>Everything here talks to the cluster through {@link io.tkv.client.txn.TxnTransport}, one asynchronous call per
 * store request plus the TSO and region grouping; the transport routes and retries region errors, so this layer sees
 * only the store's key errors ({@link io.tkv.client.txn.KeyErrorException}) and transport failures. Outcomes the
 * caller acts on: {@link io.tkv.client.txn.WriteConflictException}, {@link io.tkv.client.txn.KeyLockedException},
 * {@link io.tkv.client.txn.TxnNotFoundException}, {@link io.tkv.client.txn.TxnAbortedException} (not committed),
 * {@link io.tkv.client.txn.UndeterminedException} (unknown: assume neither).
 */
package io.tkv.client.txn;
