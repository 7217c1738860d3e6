/**
 * Pessimistic lock waiting and deadlock detection, as TiKV's lock manager ({@code src/server/lock_manager}).
 * <ul>
 * <li>{@link io.tkv.txn.lockwait.WaiterManager}: requests parked on locks of other transactions, woken when an
 * applied write releases the lock (oldest first, the others after a short delay), answered KEY_LOCKED at their
 * deadline, refused past a bound, cancelled when the region loses its leadership.</li>
 * <li>{@link io.tkv.txn.lockwait.DeadlockDetector}: the wait-for graph with expiring edges; the wait that would close
 * a cycle is refused with {@link io.tkv.txn.TxnException.Deadlock}. Reached through
 * {@link io.tkv.txn.lockwait.DeadlockDetector.Client}, so that the cluster's one detector can live on another
 * store.</li>
 * <li>{@link io.tkv.txn.lockwait.LockWaitConfig}: the knobs.</li>
 * </ul>
 * All of it is driven by the {@link io.tkv.txn.sched.TxnScheduler}'s one thread, with time passed in from its tick.
 */
package io.tkv.txn.lockwait;
