package io.tkv.txn.history;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Seeded list-append workload over a {@link ToySiStore}: several simulated clients, each running one transaction at
 * a time, interleaved one micro-op per step at random, recorded through a {@link HistoryRecorder} on the step
 * clock. Some transactions are aborted by their client (FAIL), some lose their answer (INFO, committed or not).
 * As in Elle's generator a key is retired after {@link #MAX_APPENDS_PER_KEY} appends and a fresh one takes its slot,
 * so that lists (and every read's copy of one) stay short.
 */
final class SiWorkloadSimulation {
    static final int MAX_APPENDS_PER_KEY = 256;

    private final long seed;
    private final int clients;
    private final int keys;
    private final int maxOps;
    private final ToySiStore.Bug bug;
    private double clientAbortRate = 0.05;
    private double lostAnswerRate = 0.03;

    SiWorkloadSimulation(final long seed, final int clients, final int keys, final int maxOps,
        final ToySiStore.Bug bug) {
        this.seed = seed;
        this.clients = clients;
        this.keys = keys;
        this.maxOps = maxOps;
        this.bug = bug;
    }

    SiWorkloadSimulation rates(final double clientAbortRate, final double lostAnswerRate) {
        this.clientAbortRate = clientAbortRate;
        this.lostAnswerRate = lostAnswerRate;
        return this;
    }

    /** One client's transaction in progress. */
    private static final class Running {
        final HistoryRecorder.Pending pending;
        final List<MicroOp> ops;
        final List<MicroOp> done = new ArrayList<>();
        final ToySiStore.Tx tx;

        Running(final HistoryRecorder.Pending pending, final List<MicroOp> ops, final ToySiStore.Tx tx) {
            this.pending = pending;
            this.ops = ops;
            this.tx = tx;
        }
    }

    /** Runs until {@code txns} transactions were invoked and all finished; returns the history. */
    List<Txn> run(final int txns) {
        final SplittableRandom random = new SplittableRandom(seed);
        final long[] clock = {0};
        final HistoryRecorder recorder = new HistoryRecorder(() -> clock[0]);
        final ToySiStore store = new ToySiStore(bug);
        final long[] slotKey = new long[keys];
        final long[] nextValue = new long[keys];
        for (int i = 0; i < keys; i++) {
            slotKey[i] = i;
        }
        final Running[] running = new Running[clients];
        int invoked = 0;
        int active = 0;
        while (invoked < txns || active > 0) {
            clock[0]++;
            final int c = random.nextInt(clients);
            final Running r = running[c];
            if (r == null) {
                if (invoked < txns) {
                    final List<MicroOp> ops = generate(random, slotKey, nextValue);
                    running[c] = new Running(recorder.invoke(c, ops), ops, store.begin());
                    invoked++;
                    active++;
                }
            } else if (r.done.size() < r.ops.size()) {
                final MicroOp op = r.ops.get(r.done.size());
                if (op.isAppend()) {
                    r.tx.append(op.key(), op.value());
                    r.done.add(op);
                } else {
                    r.done.add(op.withResult(r.tx.read(op.key())));
                }
            } else {
                finish(random, recorder, r);
                running[c] = null;
                active--;
            }
        }
        return recorder.history();
    }

    private void finish(final SplittableRandom random, final HistoryRecorder recorder, final Running r) {
        if (random.nextDouble() < clientAbortRate) {
            recorder.fail(r.pending);
            return;
        }
        final boolean committed = random.nextDouble() < lostAnswerRate / 2 ? false : r.tx.commit();
        if (random.nextDouble() < lostAnswerRate) {
            recorder.info(r.pending);
        } else if (committed) {
            recorder.ok(r.pending, r.done);
        } else {
            recorder.fail(r.pending);
        }
    }

    private List<MicroOp> generate(final SplittableRandom random, final long[] slotKey, final long[] nextValue) {
        final int n = 1 + random.nextInt(maxOps);
        final List<MicroOp> ops = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            final int slot = random.nextInt(keys);
            if (random.nextBoolean()) {
                ops.add(MicroOp.append(slotKey[slot], ++nextValue[slot]));
                if (nextValue[slot] == MAX_APPENDS_PER_KEY) {
                    slotKey[slot] += keys;
                    nextValue[slot] = 0;
                }
            } else {
                ops.add(MicroOp.read(slotKey[slot]));
            }
        }
        return ops;
    }
}
