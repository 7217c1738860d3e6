/**
 * The store's side of transactions, shared by its agents: reading a transactional request frame into a command
 * ({@link io.tkv.server.txn.TxnRequests}, at ingress and again on the apply agent), encoding the answer
 * ({@link io.tkv.server.txn.TxnReplies}), the bounded hand-over of the scheduler's writes between the apply and the
 * raft agent ({@link io.tkv.server.txn.TxnLink}) and the max ts syncs from PD's TSO
 * ({@link io.tkv.server.txn.MaxTsSync}). The scheduler itself runs on the apply agent
 * ({@code io.tkv.server.apply.TxnExecutor}); the raft agent proposes its writes
 * ({@code io.tkv.server.raft.TxnProposer}).
 */
package io.tkv.server.txn;
