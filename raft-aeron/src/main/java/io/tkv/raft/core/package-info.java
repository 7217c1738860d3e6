/**
 * The Raft core: one deterministic state machine per group, with no I/O, threads or clock. The driver calls
 * {@code tick()}, {@code step(message)} and {@code propose(...)}, then collects a {@link io.tkv.raft.core.Ready}:
 * entries and hard state to persist, messages to send, committed entries to apply. Everything here is plain data
 * and rules; the log, the transport and the state machine live outside.
 *
 * <h2>What the driver must do</h2>
 * <ul>
 * <li>Handle one {@link io.tkv.raft.core.Ready} at a time, in the order its Javadoc gives, and advance it
 *     ({@link io.tkv.raft.core.RaftNode#advance}). Nothing a peer says after a Ready leaves before that Ready is
 *     durable: in particular a leader's commit index never reaches anyone before the leader's own copy of the
 *     entries is durable.</li>
 * <li>Tick from a monotonic clock, and before each {@link io.tkv.raft.core.RaftNode#leaseReadIndex()} take every
 *     tick due by that clock at that moment, not as of the last duty cycle: after a stall the lease must be judged by
 *     the time that passed ({@link io.tkv.raft.core.RaftConfig}).</li>
 * <li>After sending a SNAPSHOT, call {@link io.tkv.raft.core.RaftNode#reportSnapshot} once the stream to that peer
 *     ended or failed: until then the leader sends that peer nothing else.</li>
 * <li>Apply committed {@code CONF_CHANGE} entries to its own {@link io.tkv.raft.core.ConfState} with
 *     {@code ConfState.apply(ConfChange)}, for the conf of its snapshots and {@code RaftStorage.confState()}. The
 *     core's own configuration changed already, when the entry was appended.</li>
 * <li>After a state machine snapshot at an applied index, compact its log and call
 *     {@link io.tkv.raft.core.RaftNode#compact(long)}.</li>
 * <li>Step only messages of peers the node knows ({@link io.tkv.raft.core.RaftNode#knowsPeer}), from the store that
 *     hosts them; and when a message can never be sent (an entry larger than any frame), make the leader step down
 *     ({@link io.tkv.raft.core.RaftNode#stepDown}).</li>
 * </ul>
 *
 * <h2>Membership</h2>
 * One change at a time, taking effect when appended (Raft thesis §4.1, see {@code Membership} for the safety
 * argument): a leader proposes a change only after it committed an entry of its term (the fix of the single-server
 * change bug) and once the previous change is applied. Learners replicate but never vote, campaign or count for a
 * quorum; adding a learner as voter promotes it. A removed peer stops campaigning once it holds its removal, and the
 * leader keeps replicating to it until it does; a leader that removed itself keeps leading (without counting itself)
 * until the removal commits, then steps down.
 */
package io.tkv.raft.core;
