/**
 * The Raft core: one deterministic state machine per group, with no I/O, threads or clock. The driver calls
 * {@code tick()}, {@code step(message)} and {@code propose(...)}, then collects a {@link io.tkv.raft.core.Ready}:
 * entries and hard state to persist, messages to send, committed entries to apply. Everything here is plain data
 * and rules; the log, the transport and the state machine live outside.
 */
package io.tkv.raft.core;
