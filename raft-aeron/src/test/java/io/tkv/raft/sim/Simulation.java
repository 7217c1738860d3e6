package io.tkv.raft.sim;

import io.tkv.raft.core.ConfChange;
import io.tkv.raft.core.ConfState;
import io.tkv.raft.core.MemoryRaftStorage;
import io.tkv.raft.core.MessageType;
import io.tkv.raft.core.RaftConfig;
import io.tkv.raft.core.RaftMessage;
import io.tkv.raft.core.RaftStatus;
import io.tkv.raft.core.Role;
import io.tkv.raft.linearizability.LinearizabilityChecker;
import io.tkv.raft.linearizability.Operation;
import io.tkv.raft.linearizability.RegisterModel;
import io.tkv.raft.linearizability.RegisterModel.Op;
import io.tkv.raft.sim.ClientMessages.Request;
import io.tkv.raft.sim.ClientMessages.Response;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Supplier;

/**
 * One seeded schedule: a group of {@link SimNode}s on a simulated network that loses, duplicates, delays (and so
 * reorders) messages and partitions peers, with crashes and restarts, leader transfers, snapshots with compaction,
 * and in a third of the schedules membership changes (add a learner, promote it, remove a founder, twice). Clients
 * run a register workload. Everything random comes from the seed, so a schedule replays exactly.
 *
 * <p>The last {@link SimParams#calmUs()} run without faults: the group must serve again (liveness). Then the
 * checkers run: {@link SafetyChecker} (also continuously) and linearizability of the client history per key.
 */
final class Simulation {
    static final long REGION = 1;
    private static final int TRACE_LINES = Integer.getInteger("tkv.sim.traceLines", 300);

    private final SimParams params;
    private final RaftConfig.BrokenRule brokenRule;
    private final SplittableRandom random;
    private final EventQueue events = new EventQueue();
    private final SafetyChecker checker;
    private final boolean raftChecks;
    private final SimStats stats = new SimStats();
    private final Map<Long, SimNode> nodes = new HashMap<>();
    private final List<SimClient> clients = new ArrayList<>();
    private final List<Operation<Op, Long>> history = new ArrayList<>();
    private final Map<Long, Long> lastValues = new HashMap<>();
    private final ArrayDeque<String> trace;
    private final int[] side;
    private final List<ConfChange> confSteps = new ArrayList<>();
    private final List<ConfState> confAfter = new ArrayList<>();
    private ConfState confInitial;
    private int confStep;
    private long readContext;
    private long lastCompletion;
    /** Clients start nothing before this time (a quiet spell, for the group to hibernate in). */
    private long quietUntil;

    /**
     * @param params     the schedule.
     * @param brokenRule a rule the peers break (negative controls), or NONE.
     * @param tracing    keep the tail of a trace of events (for failure reports).
     * @param raftChecks run the Raft safety checkers; false leaves only the client history's checks (to show what
     *                   linearizability alone catches).
     */
    Simulation(final SimParams params, final RaftConfig.BrokenRule brokenRule, final boolean tracing,
        final boolean raftChecks) {
        this.params = params;
        this.brokenRule = brokenRule;
        this.random = new SplittableRandom(params.seed() * 0x9E3779B97F4A7C15L + 1);
        this.trace = tracing ? new ArrayDeque<>() : null;
        this.checker = new SafetyChecker(raftChecks);
        this.raftChecks = raftChecks;
        this.side = new int[params.peers() + 1];
    }

    SimParams params() {
        return params;
    }

    RaftConfig.BrokenRule brokenRule() {
        return brokenRule;
    }

    SplittableRandom random() {
        return random;
    }

    EventQueue events() {
        return events;
    }

    SafetyChecker checker() {
        return checker;
    }

    SimStats stats() {
        return stats;
    }

    long nextReadContext() {
        return ++readContext;
    }

    void trace(final Supplier<String> line) {
        if (trace != null) {
            if (trace.size() == TRACE_LINES) {
                trace.removeFirst();
            }
            trace.addLast(events.now() + " " + line.get());
        }
    }

    /** @return the trace's last lines (tracing runs only). */
    String traceTail() {
        return trace == null ? "" : String.join("\n", trace);
    }


    /**
     * Runs the schedule.
     *
     * @throws SimulationFailure when a checker finds a violation.
     */
    void run() {
        final long[] founders = new long[params.founders()];
        for (int i = 0; i < founders.length; i++) {
            founders[i] = i + 1;
        }
        final ConfState initial = ConfState.ofVoters(founders);
        for (long id = 1; id <= params.peers(); id++) {
            final MemoryRaftStorage storage = id <= params.founders()
                ? MemoryRaftStorage.bootstrap(1, 1, initial, KvStateMachine.restore(null).snapshot().data())
                : MemoryRaftStorage.empty();
            nodes.put(id, new SimNode(this, id, storage, params.tickPeriodUs()[(int)id]));
        }
        for (final SimNode n : nodes.values()) {
            n.start();
        }
        for (int c = 0; c < params.clients(); c++) {
            final SimClient client = new SimClient(this, c + 1, history);
            clients.add(client);
            client.start();
        }
        final long calmStart = params.durationUs() - params.calmUs();
        scheduleFaults(calmStart);
        if (params.membership()) {
            planMembership(initial);
            events.after(50_000, this::driveMembership);
        }
        events.at(calmStart, this::calm);
        if (raftChecks) {
            events.at(params.durationUs() / 2, () -> checker.checkLogs(storages()));
        }
        events.runUntil(params.durationUs());
        for (final SimClient c : clients) {
            c.finish();
        }
        if (raftChecks) {
            checker.checkLogs(storages());
        }
        if (lastCompletion < calmStart + params.calmUs() / 2) {
            throw new SimulationFailure("liveness: no operation completed in the second half of the calm period "
                + "(last at " + lastCompletion + ")");
        }
        final LinearizabilityChecker.Result r = LinearizabilityChecker.checkPerKey(new RegisterModel(), history,
            Op::key, 5_000_000);
        if (!r.ok()) {
            throw new SimulationFailure("linearizability (" + r.verdict() + "): " + r.detail());
        }
    }

    private Map<Long, MemoryRaftStorage> storages() {
        final Map<Long, MemoryRaftStorage> out = new HashMap<>();
        for (final SimNode n : nodes.values()) {
            out.put(n.id, n.storage);
        }
        return out;
    }

    // ---------------------------------------------------------------- faults

    private long exponential(final long mean) {
        return 1 + (long)(-Math.log(1 - random.nextDouble()) * mean);
    }

    private void scheduleFaults(final long calmStart) {
        if (params.crashMeanUs() > 0) {
            recurring(params.crashMeanUs(), calmStart, this::crashOne);
        }
        if (params.powerFailMeanUs() > 0) {
            recurring(params.powerFailMeanUs(), calmStart, this::powerFailure);
        }
        if (params.partitionMeanUs() > 0) {
            recurring(params.partitionMeanUs(), calmStart, this::partition);
        }
        if (params.transferMeanUs() > 0) {
            recurring(params.transferMeanUs(), calmStart, this::transfer);
        }
        if (params.hibernateTicks() > 0) {
            recurring(300_000, calmStart, () -> {
                quietUntil = events.now() + 100_000 + random.nextInt(300_000);
                stats.add("quietSpells");
            });
        }
    }

    private void recurring(final long mean, final long until, final Runnable action) {
        events.after(exponential(mean), () -> {
            if (events.now() < until) {
                action.run();
                recurring(mean, until, action);
            }
        });
    }

    /** Crashes a peer (the leader half of the time) and restarts it a little later. */
    private void crashOne() {
        final SimNode leader = leader();
        crash(leader != null && random.nextBoolean() ? leader : nodes.get(1 + (long)random.nextInt(params.peers())));
    }

    void crash(final SimNode n) {
        if (!n.up() || events.now() >= params.durationUs() - params.calmUs()) {
            return;
        }
        n.crash();
        stats.add("crashes");
        events.after(5_000 + random.nextInt(400_000), () -> {
            if (!n.up()) {
                n.start();
            }
        });
    }

    /** Every peer crashes at once (each loses its unsynced Ready) and comes back a little later. */
    private void powerFailure() {
        stats.add("powerFailures");
        for (final SimNode n : nodes.values()) {
            crash(n);
        }
    }

    /** A Ready of {@code n} is being made durable: maybe crash before the sync ends (losing the Ready). */
    void maybeCrashDuringSync(final SimNode n, final long syncUs) {
        if (params.syncCrash() > 0 && random.nextDouble() < params.syncCrash()) {
            stats.add("crashes.duringSync");
            events.after(random.nextLong(syncUs), () -> crash(n));
        }
    }

    /** Splits the peers in two at random, or cuts the leader off (alone or with one other). */
    private void partition() {
        final SimNode leader = leader();
        if (leader != null && random.nextBoolean()) {
            java.util.Arrays.fill(side, 0);
            side[(int)leader.id] = 1;
            if (random.nextBoolean()) {
                side[1 + random.nextInt(params.peers())] = 1;
            }
        } else {
            for (int i = 1; i < side.length; i++) {
                side[i] = random.nextInt(2);
            }
        }
        trace(() -> "partition " + java.util.Arrays.toString(side));
        stats.add("partitions");
        events.after(20_000 + random.nextInt(500_000), this::heal);
    }

    private void heal() {
        java.util.Arrays.fill(side, 0);
        trace(() -> "heal");
    }

    private void transfer() {
        final SimNode leader = leader();
        if (leader != null) {
            final long[] voters = leader.raft().status().conf().voters();
            leader.transferLeadership(voters[random.nextInt(voters.length)]);
        }
    }

    private void calm() {
        heal();
        for (final SimNode n : nodes.values()) {
            if (!n.up()) {
                n.start();
            }
        }
    }

    /** @return the live leader with the highest term, or null. */
    private SimNode leader() {
        SimNode best = null;
        long bestTerm = -1;
        for (long id = 1; id <= params.peers(); id++) {
            final SimNode n = nodes.get(id);
            if (n.up()) {
                final RaftStatus s = n.raft().status();
                if (s.role() == Role.LEADER && s.term() > bestTerm) {
                    best = n;
                    bestTerm = s.term();
                }
            }
        }
        return best;
    }

    // ---------------------------------------------------------------- membership

    private void planMembership(final ConfState initial) {
        final long first = 1 + random.nextInt(3);
        final long second = 1 + (first + random.nextInt(2)) % 3;
        confSteps.add(new ConfChange(ConfChange.Type.ADD_LEARNER, 4));
        confSteps.add(new ConfChange(ConfChange.Type.ADD_VOTER, 4));
        confSteps.add(new ConfChange(ConfChange.Type.REMOVE_PEER, first));
        confSteps.add(new ConfChange(ConfChange.Type.ADD_LEARNER, 5));
        confSteps.add(new ConfChange(ConfChange.Type.ADD_VOTER, 5));
        confSteps.add(new ConfChange(ConfChange.Type.REMOVE_PEER, second));
        confInitial = initial;
        ConfState c = initial;
        for (final ConfChange step : confSteps) {
            c = c.apply(step);
            confAfter.add(c);
        }
    }

    /**
     * Proposes the next step at the leader until the leader's applied membership shows it, then moves on. A leader
     * whose applied membership is not the one before the step (it lags) is left alone; the core refuses a proposal
     * while the previous change is not applied anyway.
     */
    private void driveMembership() {
        if (confStep < confSteps.size() && events.now() < params.durationUs() - params.calmUs()) {
            final SimNode leader = leader();
            if (leader != null) {
                final ConfState applied = leader.stateMachine().conf();
                if (applied.equals(confAfter.get(confStep))) {
                    confStep++;
                    stats.add("conf.steps");
                } else if (applied.equals(confBefore(confStep))) {
                    leader.proposeConfChange(confSteps.get(confStep));
                }
            }
            events.after(30_000, this::driveMembership);
        }
    }

    private ConfState confBefore(final int step) {
        return step == 0 ? confInitial : confAfter.get(step - 1);
    }

    // ---------------------------------------------------------------- network

    private long delay() {
        final double r = random.nextDouble();
        if (r < params.slow() / 20) {
            return 40_000 + random.nextInt(300_000);
        }
        if (r < params.slow()) {
            return 1_500 + random.nextInt(40_000);
        }
        return 50 + random.nextInt(1_500);
    }

    /** A Raft message leaves its sender. */
    void send(final RaftMessage m) {
        if (random.nextDouble() < params.loss()) {
            trace(() -> "lost " + m);
            if (m.type() == MessageType.SNAPSHOT) {
                // The transport notices a failed snapshot stream and says so.
                events.after(delay(), () -> nodes.get(m.from()).reportSnapshot(m.to(), false));
            }
            return;
        }
        events.after(delay(), () -> deliver(m));
        if (random.nextDouble() < params.duplicate()) {
            events.after(delay(), () -> deliver(m));
        }
    }

    private void deliver(final RaftMessage m) {
        final SimNode to = nodes.get(m.to());
        final SimNode from = nodes.get(m.from());
        if (to == null) {
            return;
        }
        final boolean cut = side[(int)m.from()] != side[(int)m.to()];
        if (cut || !to.up()) {
            trace(() -> (cut ? "cut " : "down ") + m);
            if (m.type() == MessageType.SNAPSHOT) {
                from.reportSnapshot(m.to(), false);
            } else if (cut && random.nextInt(4) == 0) {
                from.reportUnreachable(m.to());
            }
            return;
        }
        trace(() -> "deliver " + m);
        to.onMessage(m);
        if (m.type() == MessageType.SNAPSHOT) {
            stats.add("snapshots.delivered");
            from.reportSnapshot(m.to(), true);
        }
    }

    /**
     * A store-to-store keep-alive from {@code from} to {@code to} (hibernating schedules): lost, delayed and cut like a
     * message, and heard by {@code to} if it is up.
     */
    void keepAlive(final long from, final long to) {
        if (random.nextDouble() < params.loss()) {
            return;
        }
        events.after(delay(), () -> {
            final SimNode target = nodes.get(to);
            if (side[(int)from] == side[(int)to] && target.up() && nodes.get(from) != null) {
                target.heard(from);
            }
        });
    }

    long quietUntil() {
        return quietUntil;
    }

    void sendToPeer(final long peer, final Request q) {
        if (random.nextDouble() < params.loss()) {
            return;
        }
        events.after(delay(), () -> nodes.get(peer).onRequest(q));
    }

    void sendToClient(final Response r) {
        if (random.nextDouble() < params.loss()) {
            return;
        }
        events.after(delay(), () -> clients.get(r.client() - 1).onResponse(r));
    }

    // ---------------------------------------------------------------- clients

    long lastValue(final long key) {
        return lastValues.getOrDefault(key, 0L);
    }

    void observed(final Op op, final long value) {
        lastValues.put(op.key(), switch (op.kind()) {
            case GET -> value;
            case PUT -> op.value();
            case CAS -> op.newValue();
        });
    }

    void completed(final Op op) {
        stats.add("ops." + op.kind().name().toLowerCase());
        lastCompletion = events.now();
    }
}
