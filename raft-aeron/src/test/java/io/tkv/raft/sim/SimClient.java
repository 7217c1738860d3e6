package io.tkv.raft.sim;

import io.tkv.raft.linearizability.Operation;
import io.tkv.raft.linearizability.RegisterModel;
import io.tkv.raft.linearizability.RegisterModel.Op;
import io.tkv.raft.sim.ClientMessages.Request;
import io.tkv.raft.sim.ClientMessages.Response;
import io.tkv.raft.sim.ClientMessages.Status;

import java.util.List;

/**
 * A client of the register store: one operation at a time, sent to whoever it thinks leads; on a timeout it retries
 * the same (client, seq) elsewhere, and now and then gives up (a write then stays "maybe happened", a read is
 * forgotten). Records its history for the linearizability checker.
 */
final class SimClient {
    private static final long TIMEOUT_US = 120_000;
    private static final long RETRY_US = 5_000;

    private final Simulation sim;
    private final int id;
    private final List<Operation<Op, Long>> history;
    private long seq;
    private Op op;
    private long callTime;
    private int attempt;
    private boolean inFlight;
    private boolean lease;
    private long leaderGuess;

    SimClient(final Simulation sim, final int id, final List<Operation<Op, Long>> history) {
        this.sim = sim;
        this.id = id;
        this.history = history;
    }

    void start() {
        sim.events().after(sim.random().nextInt(20_000), this::next);
    }

    private void next() {
        if (sim.events().now() >= sim.params().durationUs()) {
            return;
        }
        if (sim.events().now() < sim.quietUntil()) {
            sim.events().after(sim.quietUntil() - sim.events().now() + sim.random().nextInt(20_000), this::next);
            return;
        }
        seq++;
        final long key = 1 + sim.random().nextInt(sim.params().keys());
        final long unique = id * 1_000_000L + seq;
        final int kind = sim.random().nextInt(10);
        if (kind < 5) {
            op = Op.get(key);
        } else if (kind < 8) {
            op = Op.put(key, unique);
        } else {
            // Expect the value most recently seen on this key, or a fresh one: both succeed and fail.
            op = Op.cas(key, sim.random().nextBoolean() ? sim.lastValue(key) : 0, unique);
        }
        lease = sim.random().nextDouble() < sim.params().leaseReadShare();
        callTime = sim.events().now();
        attempt = 0;
        inFlight = true;
        send();
    }

    private void send() {
        attempt++;
        final long target = leaderGuess != 0 ? leaderGuess : 1 + sim.random().nextInt(sim.params().peers());
        final Request q = new Request(id, seq, attempt, op, lease);
        sim.sendToPeer(target, q);
        final int sentAttempt = attempt;
        final long sentSeq = seq;
        sim.events().after(TIMEOUT_US, () -> onTimeout(sentSeq, sentAttempt));
    }

    private void onTimeout(final long forSeq, final int forAttempt) {
        if (!inFlight || forSeq != seq || forAttempt != attempt) {
            return;
        }
        leaderGuess = 0;
        sim.stats().add("client.timeouts");
        if (sim.random().nextInt(10) == 0) {
            sim.stats().add("client.giveUps");
            giveUp();
        } else {
            send();
        }
    }

    private void giveUp() {
        inFlight = false;
        if (op.kind() != RegisterModel.Kind.GET) {
            history.add(Operation.pending(id, op, callTime));
        }
        sim.events().after(sim.random().nextInt(10_000), this::next);
    }

    void onResponse(final Response r) {
        if (!inFlight || r.seq() != seq) {
            return;
        }
        if (r.status() == Status.OK) {
            inFlight = false;
            leaderGuess = r.leader();
            history.add(new Operation<>(id, op, r.value(), callTime, sim.events().now()));
            if (op.kind() != RegisterModel.Kind.CAS || r.value() == RegisterModel.OK) {
                sim.observed(op, r.value());
            }
            sim.completed(op);
            sim.events().after(sim.random().nextInt(20_000), this::next);
            return;
        }
        if (r.attempt() != attempt) {
            return;
        }
        // NOT_LEADER carries the peer's idea of the leader (0: try anyone); BUSY: the same peer, a bit later.
        leaderGuess = r.leader();
        sim.events().after(RETRY_US, () -> {
            if (inFlight && r.seq() == seq && r.attempt() == attempt) {
                send();
            }
        });
    }

    /** The run ended: a write still in flight may or may not have happened. */
    void finish() {
        if (inFlight && op.kind() != RegisterModel.Kind.GET) {
            history.add(Operation.pending(id, op, callTime));
        }
        inFlight = false;
    }
}
