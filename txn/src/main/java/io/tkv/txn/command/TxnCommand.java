package io.tkv.txn.command;

import io.tkv.txn.ConcurrencyManager;

import java.util.List;

/**
 * One transactional request as the store's scheduler runs it, as TiKV's {@code storage/txn/commands}: it computes, it
 * does not write. A write command names the keys it latches; the scheduler takes the latches, opens a snapshot and
 * calls {@link #process}, which reads and stages modifications in the context's transactions and returns a
 * {@link CommandResult}. A read command takes no latch: it registers its read in {@link #beforeSnapshot} (raising
 * max ts and checking the memory locks of unapplied async-commit prewrites, the order
 * {@link io.tkv.txn.TxnReader} documents) and answers from the snapshot.
 *
 * <p>A command object is used once, on the scheduler thread. Constructors check their arguments and throw
 * {@link IllegalArgumentException} for a request the server should refuse as MALFORMED.
 */
public interface TxnCommand {
    /** @return whether the command only reads: no latches, nothing written by it. */
    boolean isRead();

    /** @return the user keys to latch while the command runs and until its write is applied; empty for reads. */
    List<byte[]> latchKeys();

    /**
     * Runs before the snapshot is taken: reads register themselves with the concurrency manager here.
     *
     * @throws io.tkv.txn.TxnException.KeyLocked if an unapplied async-commit prewrite blocks the read.
     */
    default void beforeSnapshot(final ConcurrencyManager concurrencyManager) {
    }

    /**
     * Runs the command over its snapshot.
     *
     * @throws io.tkv.txn.TxnException if the command fails as a whole; the scheduler discards what was staged.
     */
    CommandResult process(CommandContext context);
}
