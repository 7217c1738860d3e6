/**
 * Transactional commands, one class per request kind, as TiKV's {@code storage/txn/commands}: each names the keys it
 * latches and computes over one snapshot, staging modifications in {@link io.tkv.txn.MvccTxn}s; it never writes.
 * <ul>
 * <li>Writes: {@link io.tkv.txn.command.PrewriteCommand}, {@link io.tkv.txn.command.CommitCommand},
 * {@link io.tkv.txn.command.CleanupCommand}, {@link io.tkv.txn.command.RollbackCommand},
 * {@link io.tkv.txn.command.CheckTxnStatusCommand}, {@link io.tkv.txn.command.CheckSecondaryLocksCommand},
 * {@link io.tkv.txn.command.ResolveLockCommand}, {@link io.tkv.txn.command.ResolveLockScanCommand},
 * {@link io.tkv.txn.command.TxnHeartBeatCommand}, {@link io.tkv.txn.command.AcquirePessimisticLockCommand},
 * {@link io.tkv.txn.command.PessimisticRollbackCommand}.</li>
 * <li>Reads (no latch; registered with the concurrency manager before the snapshot):
 * {@link io.tkv.txn.command.GetCommand}, {@link io.tkv.txn.command.BatchGetCommand},
 * {@link io.tkv.txn.command.ScanCommand}, {@link io.tkv.txn.command.ScanLockCommand}.</li>
 * <li>Answers: {@link io.tkv.txn.command.TxnResponse}; what a command decided:
 * {@link io.tkv.txn.command.CommandResult}.</li>
 * </ul>
 */
package io.tkv.txn.command;
