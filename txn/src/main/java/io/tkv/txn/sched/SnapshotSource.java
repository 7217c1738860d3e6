package io.tkv.txn.sched;

import io.tkv.storage.ColumnFamily;
import io.tkv.storage.EngineSnapshot;
import io.tkv.storage.KvCursor;
import io.tkv.storage.KvSnapshot;
import io.tkv.storage.StorageEngine;

/**
 * Where the {@link TxnScheduler} gets the consistent view a command reads. The server's source returns a snapshot of
 * the region's leader that is known current (under its lease, or after a read-index round), taken synchronously on
 * the scheduler thread; tests and tools read the engine directly ({@link #ofEngine}).
 */
@FunctionalInterface
public interface SnapshotSource {
    /**
     * @return a snapshot taken now; the scheduler closes it when the command has run.
     */
    Snapshot open();

    /** A snapshot the scheduler closes. */
    interface Snapshot extends KvSnapshot, AutoCloseable {
        @Override
        void close();
    }

    /**
     * @param engine the open engine.
     * @return a source of {@link EngineSnapshot}s of the whole engine.
     */
    static SnapshotSource ofEngine(final StorageEngine engine) {
        return () -> {
            final EngineSnapshot snapshot = new EngineSnapshot(engine);
            return new Snapshot() {
                @Override
                public byte[] get(final ColumnFamily family, final byte[] key) {
                    return snapshot.get(family, key);
                }

                @Override
                public KvCursor cursor(final ColumnFamily family, final byte[] lower, final byte[] upper) {
                    return snapshot.cursor(family, lower, upper);
                }

                @Override
                public void close() {
                    snapshot.close();
                }
            };
        };
    }
}
