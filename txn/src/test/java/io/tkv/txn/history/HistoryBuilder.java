package io.tkv.txn.history;

import java.util.ArrayList;
import java.util.List;

/**
 * Hand-written histories for tests: transaction ids are 0, 1, 2... in the order added, each its own process.
 * Without explicit times all transactions overlap (invoked at 0, completed at 1000), so only strict-mode tests
 * that give times see real-time order.
 */
final class HistoryBuilder {
    private final List<Txn> txns = new ArrayList<>();

    static MicroOp a(final long key, final long value) {
        return MicroOp.append(key, value);
    }

    static MicroOp r(final long key, final long... list) {
        return MicroOp.read(key, list);
    }

    HistoryBuilder ok(final MicroOp... ops) {
        return add(Outcome.OK, 0, 1000, ops);
    }

    HistoryBuilder fail(final MicroOp... ops) {
        return add(Outcome.FAIL, 0, 1000, ops);
    }

    HistoryBuilder info(final MicroOp... ops) {
        final List<MicroOp> unknown = new ArrayList<>();
        for (final MicroOp op : ops) {
            unknown.add(op.isRead() ? MicroOp.read(op.key()) : op);
        }
        return add(Outcome.INFO, 0, 1000, unknown.toArray(new MicroOp[0]));
    }

    /** A committed transaction with real times. */
    HistoryBuilder okAt(final long invokeNs, final long completeNs, final MicroOp... ops) {
        return add(Outcome.OK, invokeNs, completeNs, ops);
    }

    private HistoryBuilder add(final Outcome outcome, final long invokeNs, final long completeNs,
        final MicroOp... ops) {
        final int id = txns.size();
        txns.add(new Txn(id, id, invokeNs, completeNs, outcome, List.of(ops)));
        return this;
    }

    List<Txn> build() {
        return List.copyOf(txns);
    }
}
