package io.tkv.raft.sim;

import io.tkv.raft.core.Entry;
import io.tkv.raft.core.EntryType;
import io.tkv.raft.core.MemoryRaftStorage;
import io.tkv.raft.core.RaftConfig;
import io.tkv.raft.core.RaftMessage;
import io.tkv.raft.core.RaftNode;
import io.tkv.raft.core.RaftStatus;
import io.tkv.raft.core.ReadState;
import io.tkv.raft.core.Ready;
import io.tkv.raft.core.Role;
import io.tkv.raft.core.Snapshot;
import io.tkv.raft.linearizability.RegisterModel;
import io.tkv.raft.sim.ClientMessages.Request;
import io.tkv.raft.sim.ClientMessages.Status;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * One simulated store peer: a {@link RaftNode}, its durable {@link MemoryRaftStorage} and its
 * {@link KvStateMachine}, driven as the real driver will be. A Ready's messages leave at once; its snapshot, entries
 * and hard state become durable after a random sync delay, and only then do its after-persist messages leave, its
 * committed entries apply and the node advance. A crash loses the RaftNode, the unsynced Ready, the state machine
 * and every pending request; the storage survives.
 *
 * <p>In a hibernating schedule it also plays the store's part in hibernation: it heartbeats the other peers each
 * heartbeat interval ({@link Simulation#keepAlive}), and when one has not been heard (keep-alive or message) for an
 * election timeout while this peer sleeps with it as leader, it wakes the peer
 * ({@link RaftNode#onLeaderStoreSilent()}), as the driver's store liveness does.
 */
final class SimNode {
    private static final int ELECTION_TICKS = 10;
    final long id;
    final MemoryRaftStorage storage;
    private final Simulation sim;
    private final long periodUs;
    private RaftNode raft;
    private KvStateMachine sm;
    private boolean up;
    private int incarnation;
    private Ready outstanding;
    /** Pipelined Readies written and not yet synced, and when the last sync asked for completes. */
    private int unsynced;
    private long lastSyncDoneUs;
    private long snapshotIndex;
    private long lastLeaderTerm = -1;
    private long ticks;
    private final long[] lastHeard;
    private final boolean[] reported;
    private boolean wasAsleep;
    private final Map<List<Long>, Request> pendingWrites = new HashMap<>();
    private final Map<Long, Request> pendingReads = new HashMap<>();
    private final List<WaitingRead> waitingReads = new ArrayList<>();

    /** A read confirmed at {@code index}, waiting for the state machine to apply it. */
    private record WaitingRead(long index, Request request) {
    }

    SimNode(final Simulation sim, final long id, final MemoryRaftStorage storage, final long periodUs) {
        this.sim = sim;
        this.id = id;
        this.storage = storage;
        this.periodUs = periodUs;
        this.lastHeard = new long[sim.params().peers() + 1];
        this.reported = new boolean[sim.params().peers() + 1];
    }

    boolean up() {
        return up;
    }

    RaftNode raft() {
        return raft;
    }

    KvStateMachine stateMachine() {
        return sm;
    }

    void start() {
        final SimParams p = sim.params();
        incarnation++;
        up = true;
        final RaftConfig config = new RaftConfig().id(id).regionId(Simulation.REGION)
            .electionTimeoutTicks(ELECTION_TICKS).heartbeatIntervalTicks(p.heartbeatTicks()).preVote(p.preVote())
            .maxInflightAppends(p.maxInflight())
            .maxAppendBytes(p.maxAppendBytes()).maxCachedEntries(p.maxCached())
            .hibernateAfterTicks(p.hibernateTicks())
            .random(new SplittableRandom(sim.random().nextLong())).brokenRuleForTesting(sim.brokenRule());
        raft = new RaftNode(config, storage);
        sm = KvStateMachine.restore(storage.snapshot());
        snapshotIndex = sm.applied();
        lastLeaderTerm = -1;
        ticks = 0;
        java.util.Arrays.fill(lastHeard, 0);
        java.util.Arrays.fill(reported, false);
        wasAsleep = false;
        sim.trace(() -> "start " + id + " " + raft.status());
        final int inc = incarnation;
        sim.events().after(1 + sim.random().nextLong(periodUs), () -> tick(inc));
    }

    void crash() {
        sim.trace(() -> "crash " + id + (outstanding != null ? " losing " + outstanding : ""));
        up = false;
        incarnation++;
        raft = null;
        sm = null;
        outstanding = null;
        unsynced = 0;
        pendingWrites.clear();
        pendingReads.clear();
        waitingReads.clear();
    }

    private void tick(final int inc) {
        if (!up || incarnation != inc) {
            return;
        }
        raft.tick();
        if (sim.params().hibernateTicks() > 0) {
            storeLiveness();
        }
        afterInput();
        sim.events().after(periodUs, () -> tick(inc));
    }

    private void storeLiveness() {
        ticks++;
        final int peers = sim.params().peers();
        if (ticks % sim.params().heartbeatTicks() == 0) {
            for (long p = 1; p <= peers; p++) {
                if (p != id) {
                    sim.keepAlive(id, p);
                }
            }
        }
        for (int p = 1; p <= peers; p++) {
            if (p != id && !reported[p] && ticks - lastHeard[p] >= ELECTION_TICKS) {
                reported[p] = true;
                if (raft.hibernating() && raft.status().leader() == p) {
                    final int silent = p;
                    sim.trace(() -> "leader store silent " + id + " <- " + silent);
                    sim.stats().add("hibernate.leaderStoreSilent");
                    raft.onLeaderStoreSilent();
                }
            }
        }
    }

    /** A keep-alive or a message from {@code peer} arrived. */
    void heard(final long peer) {
        lastHeard[(int)peer] = ticks;
        reported[(int)peer] = false;
    }

    void onMessage(final RaftMessage m) {
        if (up) {
            heard(m.from());
            raft.step(m);
            afterInput();
        }
    }

    void reportSnapshot(final long peer, final boolean delivered) {
        if (up) {
            raft.reportSnapshot(peer, delivered);
            afterInput();
        }
    }

    void reportUnreachable(final long peer) {
        if (up) {
            raft.reportUnreachable(peer);
            afterInput();
        }
    }

    void transferLeadership(final long to) {
        if (up) {
            sim.trace(() -> "transfer " + id + " -> " + to);
            raft.transferLeadership(to);
            afterInput();
        }
    }

    /** @return the index of the proposed change, or -1. */
    long proposeConfChange(final io.tkv.raft.core.ConfChange change) {
        if (!up) {
            return -1;
        }
        final long index = raft.proposeConfChange(change);
        sim.trace(() -> "conf " + id + " " + change + " -> " + index);
        afterInput();
        return index;
    }

    void onRequest(final Request q) {
        if (!up) {
            return;
        }
        final RaftStatus st = raft.status();
        sim.trace(() -> "request " + id + " " + q + " role=" + st.role() + " leader=" + st.leader());
        if (st.role() != Role.LEADER) {
            respond(q, Status.NOT_LEADER, 0, st.leader());
            return;
        }
        if (q.op().kind() == RegisterModel.Kind.GET) {
            final long index = q.lease() ? raft.leaseReadIndex() : -1;
            if (index >= 0) {
                sim.stats().add("reads.lease");
                waitRead(index, q);
            } else {
                final long ctx = sim.nextReadContext();
                pendingReads.put(ctx, q);
                raft.readIndex(ctx);
            }
        } else {
            final long index = raft.propose(new KvCommand(q.client(), q.seq(), q.op()).encode());
            if (index < 0) {
                sim.stats().add("writes.refused");
                respond(q, Status.BUSY, 0, id);
            } else {
                pendingWrites.put(List.of((long)q.client(), q.seq()), q);
            }
        }
        afterInput();
    }

    private void afterInput() {
        observe();
        pump();
    }

    private void observe() {
        if (!up) {
            return;
        }
        final RaftStatus st = raft.status();
        if (raft.hibernating() != wasAsleep) {
            wasAsleep = !wasAsleep;
            if (wasAsleep) {
                sim.trace(() -> "hibernate " + id + " " + st);
                sim.stats().add(st.role() == Role.LEADER ? "hibernate.leader" : "hibernate.follower");
            }
        }
        if (st.role() == Role.LEADER && st.term() != lastLeaderTerm) {
            lastLeaderTerm = st.term();
            sim.trace(() -> "leader " + id + " " + st);
            sim.stats().add("leaders");
            sim.checker().onLeader(id, st, raft, sim.events().now());
        }
    }

    private void pump() {
        if (!up || outstanding != null || !raft.hasReady()) {
            return;
        }
        final Ready r = raft.ready();
        sim.trace(() -> "ready " + id + " " + r);
        for (final RaftMessage m : r.messages()) {
            if (m.type() == io.tkv.raft.core.MessageType.TIMEOUT_NOW) {
                sim.stats().add("transfers.timeoutNow");
            }
            sim.send(m);
        }
        if (!r.entries().isEmpty() && r.entries().get(0).index() <= storage.lastIndex()) {
            sim.stats().add("log.truncations");
        }
        if (sim.params().pipelinedSync() && r.snapshot() == null && (r.mustPersist() || unsynced > 0)) {
            pipeline(r);
            return;
        }
        if (r.mustPersist() || unsynced > 0) {
            outstanding = r;
            final int inc = incarnation;
            // After every pipelined Ready before it: syncs complete in order.
            final long syncUs = Math.max(syncDelayUs(), lastSyncDoneUs + 1 - sim.events().now());
            lastSyncDoneUs = sim.events().now() + syncUs;
            sim.events().after(syncUs, () -> {
                if (up && incarnation == inc) {
                    complete(r);
                }
            });
            sim.maybeCrashDuringSync(this, syncUs);
        } else {
            complete(r);
        }
    }

    private long syncDelayUs() {
        return sim.random().nextDouble() < sim.params().stall()
            ? 20_000 + sim.random().nextInt(180_000) : 1 + sim.random().nextInt(sim.params().maxFsyncUs());
    }

    /**
     * As the pipelined driver: the Ready's early messages left; its committed entries apply and read states are served
     * now, the core is advanced as written, and the next Ready may be taken at once. Its snapshot (none here), entries
     * and hard state reach the storage only when its sync completes, after every earlier one (a Ready that needs no
     * sync of its own completes with the last one), and only then do its late messages leave and the core hear it is
     * durable. A crash before loses it, as it would lose unsynced writes.
     */
    private void pipeline(final Ready r) {
        final int inc = incarnation;
        final long syncUs = r.mustPersist() ? Math.max(syncDelayUs(), lastSyncDoneUs + 1 - sim.events().now())
            : Math.max(1, lastSyncDoneUs - sim.events().now());
        lastSyncDoneUs = sim.events().now() + syncUs;
        unsynced++;
        sim.stats().add("readies.pipelined");
        sim.events().after(syncUs, () -> {
            if (up && incarnation == inc) {
                storage.persist(r);
                for (final RaftMessage m : r.messagesAfterPersist()) {
                    sim.send(m);
                }
                unsynced--;
                raft.persisted();
                afterInput();
            }
        });
        if (r.mustPersist()) {
            sim.maybeCrashDuringSync(this, syncUs);
        }
        handOver(r);
        raft.advanceWritten(r);
        maybeSnapshot();
        serveWaitingReads();
        afterInput();
    }

    private void complete(final Ready r) {
        storage.persist(r);
        for (final RaftMessage m : r.messagesAfterPersist()) {
            sim.send(m);
        }
        if (r.snapshot() != null) {
            if (r.snapshot().index() <= sm.applied()) {
                throw new SimulationFailure("peer " + id + " told to install " + r.snapshot() + " at applied "
                    + sm.applied());
            }
            sm.install(r.snapshot());
            sim.stats().add("snapshots.installed");
            snapshotIndex = r.snapshot().index();
        }
        handOver(r);
        raft.advance(r);
        outstanding = null;
        maybeSnapshot();
        serveWaitingReads();
        afterInput();
    }

    private void handOver(final Ready r) {
        for (final Entry e : r.committedEntries()) {
            apply(e);
        }
        for (final ReadState rs : r.readStates()) {
            final Request q = pendingReads.remove(rs.context());
            if (q != null) {
                sim.stats().add("reads.readIndex");
                waitRead(rs.index(), q);
            }
        }
    }

    private void apply(final Entry e) {
        sim.checker().onApply(id, e);
        if (e.type() != EntryType.NORMAL || e.data().length == 0) {
            sm.apply(e);
            return;
        }
        final KvCommand c = KvCommand.decode(e.data());
        if (sm.resultOf(c.client(), c.seq()) != KvStateMachine.IGNORED) {
            sim.stats().add("writes.deduplicated");
        }
        sm.apply(e);
        // Answer a request waiting here, whichever copy of it (first attempt or a retry) this entry is.
        final Request q = pendingWrites.remove(List.of((long)c.client(), c.seq()));
        final long result = sm.resultOf(c.client(), c.seq());
        if (q != null && result != KvStateMachine.IGNORED) {
            respond(q, Status.OK, result, id);
        }
    }

    private void maybeSnapshot() {
        final int every = sim.params().snapshotEvery();
        if (every > 0 && sm.applied() - snapshotIndex >= every) {
            final Snapshot s = sm.snapshot();
            storage.compact(s);
            raft.compact(s.index());
            snapshotIndex = s.index();
            sim.stats().add("snapshots.taken");
            sim.trace(() -> "snapshot " + id + " " + s);
        }
    }

    private void waitRead(final long index, final Request q) {
        if (sm.applied() >= index) {
            respond(q, Status.OK, sm.get(q.op().key()), id);
        } else {
            waitingReads.add(new WaitingRead(index, q));
        }
    }

    private void serveWaitingReads() {
        final Iterator<WaitingRead> it = waitingReads.iterator();
        while (it.hasNext()) {
            final WaitingRead w = it.next();
            if (sm.applied() >= w.index()) {
                final Request q = w.request();
                respond(q, Status.OK, sm.get(q.op().key()), id);
                it.remove();
            }
        }
    }

    private void respond(final Request q, final Status status, final long value, final long leader) {
        sim.trace(() -> "respond " + id + " " + q + " " + status + " " + value + " " + leader);
        sim.sendToClient(new ClientMessages.Response(q.client(), q.seq(), q.attempt(), status, value, leader));
    }
}
