package io.tkv.server.pd;

import io.tkv.log.RaftLog;
import io.tkv.raft.store.MultiRaft;
import io.tkv.raft.transport.RaftAdapter;
import io.tkv.raft.transport.RaftMessageHandler;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.EpochClock;

/**
 * PD's Raft duty cycle: the other members' messages in, one multi-Raft cycle (entries written, one sync, committed
 * entries applied by the {@link PdStateMachine} inline), then the {@link PdService}'s cycle (leadership, the TSO's
 * clock, limit saves), then, while serving, a scheduling round when one is due ({@link PdRegistry}). Shares its
 * thread with the {@link PdIngress}, which proposes and reads into the same driver.
 */
final class PdRaftAgent implements Agent {
    private static final int FRAGMENT_LIMIT = 64;

    private final MultiRaft raft;
    private final RaftAdapter adapter;
    private final RaftLog log;
    private final PdService service;
    private final EpochClock clock;
    private final RaftMessageHandler onMessage;
    private volatile boolean serving;

    PdRaftAgent(
        final MultiRaft raft, final RaftAdapter adapter, final RaftLog log, final PdService service,
        final EpochClock clock) {
        this.raft = raft;
        this.adapter = adapter;
        this.log = log;
        this.service = service;
        this.clock = clock;
        this.onMessage = raft::onMessage;
    }

    @Override
    public void onStart() {
        // Opened on the starting thread; from here on only this agent's thread touches the log.
        log.handOverToCurrentThread();
    }

    @Override
    public int doWork() {
        int work = adapter.poll(onMessage, FRAGMENT_LIMIT);
        work += raft.doWork();
        final long nowMs = clock.time();
        work += service.doWork(nowMs);
        serving = service.isServing();
        if (serving) {
            // Scheduling runs only while this member leads and serves.
            work += service.registry().doWork(nowMs);
        }
        return work;
    }

    @Override
    public String roleName() {
        return "tkv-pd-raft";
    }

    /** @return whether this member served TSO at its last duty cycle. Any thread. */
    boolean serving() {
        return serving;
    }

    /** @return why the Raft driver stopped, or null while it runs. Any thread (racy: diagnostics). */
    String failure() {
        return raft.failure();
    }
}
