/**
 * The store's Raft log on Chronicle Queue: see {@link io.tkv.log.RaftLog}.
 */
package io.tkv.log;
