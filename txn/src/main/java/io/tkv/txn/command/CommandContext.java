package io.tkv.txn.command;

import io.tkv.txn.ConcurrencyManager;
import io.tkv.txn.Modify;
import io.tkv.txn.MvccReader;
import io.tkv.txn.MvccTxn;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * What a command runs with: the reader over its snapshot, the store's concurrency manager, and the transactions it
 * stages writes in (usually one; resolve-lock over a range stages one per transaction it resolves). The scheduler
 * owns it: it turns the staged writes into one write batch, or discards them and releases their memory locks.
 */
public final class CommandContext {
    private final MvccReader reader;
    private final ConcurrencyManager concurrencyManager;
    private final List<MvccTxn> txns = new ArrayList<>(1);

    /**
     * @param reader             the reader over the command's snapshot.
     * @param concurrencyManager the store's concurrency manager.
     */
    public CommandContext(final MvccReader reader, final ConcurrencyManager concurrencyManager) {
        this.reader = reader;
        this.concurrencyManager = concurrencyManager;
    }

    /** @return the reader over the command's snapshot. */
    public MvccReader reader() {
        return reader;
    }

    /** @return the store's concurrency manager. */
    public ConcurrencyManager concurrencyManager() {
        return concurrencyManager;
    }

    /** @return a new transaction to stage writes of the transaction that started at {@code startTs}. */
    public MvccTxn newTxn(final long startTs) {
        final MvccTxn txn = new MvccTxn(startTs, concurrencyManager);
        txns.add(txn);
        return txn;
    }

    /** @return the transactions staged into, in creation order. */
    public List<MvccTxn> txns() {
        return Collections.unmodifiableList(txns);
    }

    /** @return every staged modification, transaction by transaction, in order. */
    public List<Modify> modifies() {
        if (txns.size() == 1) {
            return txns.get(0).modifies();
        }
        final List<Modify> all = new ArrayList<>();
        for (final MvccTxn txn : txns) {
            all.addAll(txn.modifies());
        }
        return all;
    }

    /** Releases the memory locks of every transaction: after the write is applied, or when it is abandoned. */
    public void releaseMemoryLocks() {
        for (final MvccTxn txn : txns) {
            txn.releaseGuards();
        }
    }
}
