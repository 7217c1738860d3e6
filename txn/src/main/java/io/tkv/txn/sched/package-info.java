/**
 * Running commands on a store: {@link io.tkv.txn.sched.Latches} (per-key, FIFO, bounded) and
 * {@link io.tkv.txn.sched.TxnScheduler}, which the server drives from its scheduler thread. The seam:
 * <ol>
 * <li>The server decodes a request into a {@link io.tkv.txn.command.TxnCommand} and calls
 * {@link io.tkv.txn.sched.TxnScheduler#submit submit(requestId, command)}.</li>
 * <li>The scheduler answers through {@link io.tkv.txn.sched.TxnScheduler.Output#respond} (reads, errors, SERVER_BUSY,
 * nothing to write), or calls {@link io.tkv.txn.sched.TxnScheduler.Output#propose propose(commandId, bytes)}: the
 * server proposes the {@link io.tkv.txn.WriteBatchCodec} bytes as one Raft entry.</li>
 * <li>Every replica's apply path decodes the bytes with {@link io.tkv.txn.WriteBatchCodec#decode} and writes them in
 * the entry's RocksDB write batch, with the applied index.</li>
 * <li>On the leader, once applied, the server calls {@link io.tkv.txn.sched.TxnScheduler#onApplied onApplied}
 * (the answer is sent, latches and memory locks released, waiting commands run), or, if the entry will never apply,
 * {@link io.tkv.txn.sched.TxnScheduler#onWriteFailed onWriteFailed} and answers with its own region error.</li>
 * <li>From its duty cycle, the server calls {@link io.tkv.txn.sched.TxnScheduler#tick tick(nowMs)}: pessimistic lock
 * waits time out (KEY_LOCKED); when a region loses its leadership, it calls
 * {@link io.tkv.txn.sched.TxnScheduler#cancelLockWaits cancelLockWaits} and answers the returned requests with
 * NOT_LEADER (see {@link io.tkv.txn.lockwait}).</li>
 * </ol>
 */
package io.tkv.txn.sched;
