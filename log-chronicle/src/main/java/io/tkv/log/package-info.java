/**
 * The store's Raft log on Chronicle Queue: one queue per store shared by all its regions, records with CRC32C,
 * logical truncation, durable hard state, group sync, compaction by whole cycle files and recovery that cuts a
 * torn tail but refuses a log damaged in the middle. Start at {@link io.tkv.log.RaftLog}; configure it with
 * {@link io.tkv.log.RaftLogConfig}.
 */
package io.tkv.log;
