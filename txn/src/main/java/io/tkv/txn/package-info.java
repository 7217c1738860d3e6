/**
 * MVCC and the Percolator actions on a store, as TiKV's {@code storage/mvcc} and {@code storage/txn/actions}: pure
 * logic over a consistent snapshot ({@link io.tkv.storage.KvSnapshot}) that stages its writes in an
 * {@link io.tkv.txn.MvccTxn} and never writes RocksDB itself; the server proposes the staged modifications through
 * Raft as one command.
 * <ul>
 * <li>Layout and records: {@link io.tkv.txn.TxnKeys}, {@link io.tkv.txn.Lock}, {@link io.tkv.txn.Write}.</li>
 * <li>Reading: {@link io.tkv.txn.MvccReader} (locks, versions, commit records), {@link io.tkv.txn.TxnReader}
 * (snapshot-isolation get and scan that respect locks).</li>
 * <li>Actions: {@link io.tkv.txn.Prewrite}, {@link io.tkv.txn.Commit}, {@link io.tkv.txn.Rollback},
 * {@link io.tkv.txn.CheckTxnStatus}, {@link io.tkv.txn.PessimisticLock}, {@link io.tkv.txn.TxnHeartBeat},
 * {@link io.tkv.txn.CheckSecondaryLocks}, {@link io.tkv.txn.ResolveLock}; errors are
 * {@link io.tkv.txn.TxnException}s.</li>
 * <li>Async commit and 1PC: {@link io.tkv.txn.ConcurrencyManager} (max read ts and memory locks).</li>
 * <li>What a command proposes: {@link io.tkv.txn.WriteBatchCodec}, the versioned bytes of its modifications.</li>
 * <li>Commands, one per request kind: {@link io.tkv.txn.command}; latches and the scheduler that runs them:
 * {@link io.tkv.txn.sched}.</li>
 * <li>GC under PD's safe point: the action {@link io.tkv.txn.Gc} and the per-region driver {@link io.tkv.txn.gc}
 * (resolve old locks, then collect in bounded batches proposed through Raft).</li>
 * </ul>
 * Not here yet: a lock-wait queue for pessimistic locks; the store's GC agent that drives {@link io.tkv.txn.gc}.
 */
package io.tkv.txn;
