package io.tkv.log;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Points where a test can crash the process ({@code Runtime.halt}) or inject an I/O failure. Production code
 * uses {@link #NONE}. Every method is called on the log's owner thread, except {@link #beforeSync()}, which runs
 * on the sync thread once the log has one ({@link RaftLog#startSyncThread}).
 */
public interface RaftLogHooks {
    /** No hooks: what a store uses. */
    RaftLogHooks NONE = new RaftLogHooks() {
    };

    /**
     * Called while a record is being written: its Chronicle document is open and about half of its bytes are in.
     * Throwing here fails the write (as a full disk would): the log rolls the document back and goes fail-stop.
     *
     * @param kind the kind of record being written.
     */
    default void onRecordHalfWritten(final RecordKind kind) {
    }

    /**
     * Called just before a sync asks the disk to flush: on the owner thread, or on the sync thread when the log has
     * one (then the owner goes on meanwhile, so a hook that blocks holds back only the sync).
     *
     * @throws IOException to simulate a failed fdatasync: the log goes fail-stop.
     */
    default void beforeSync() throws IOException {
    }

    /**
     * Called after compaction decided that a cycle file is no longer needed (the checkpoint in a newer cycle is
     * durable) and before the file is deleted.
     *
     * @param cycle the Chronicle cycle number.
     * @param file  the cycle file about to be deleted.
     */
    default void beforeCycleDelete(final int cycle, final Path file) {
    }
}
