package io.tkv.server.raft;

import io.tkv.log.RaftLog;
import io.tkv.raft.store.MultiRaft;
import io.tkv.raft.transport.RaftAdapter;
import io.tkv.raft.transport.RaftMessageHandler;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.NanoClock;

import java.util.concurrent.TimeUnit;

/**
 * The Raft half of the store's raft agent (the ingress half, on the same thread, proposes into the same driver):
 * each duty cycle it steps in what other stores sent, then runs the multi-Raft driver — ticks, persistence with one
 * log sync, messages, committed entries to the apply agent. It publishes the region's leader for tools and for
 * start-up, the only state another thread reads. {@link Replication} closes what it uses, after it stopped.
 */
public final class RaftAgent implements Agent {
    private static final int FRAGMENT_LIMIT = 64;

    private final MultiRaft raft;
    private final RaftAdapter adapter;
    private final RaftLog log;
    private final NanoClock clock;
    private final long regionId;
    private final RaftMessageHandler onMessage;
    private volatile long leaderStoreId;

    RaftAgent(
        final MultiRaft raft, final RaftAdapter adapter, final RaftLog log, final NanoClock clock,
        final long regionId) {
        this.raft = raft;
        this.adapter = adapter;
        this.log = log;
        this.clock = clock;
        this.regionId = regionId;
        this.onMessage = raft::onMessage;
    }

    @Override
    public void onStart() {
        // Opened and bootstrapped on the starting thread; from here on only this agent's thread touches the log.
        log.handOverToCurrentThread();
    }

    @Override
    public int doWork() {
        int work = adapter.poll(onMessage, FRAGMENT_LIMIT);
        // The Raft clock must be monotonic: the lease counts ticks, and a wall clock stepped back would stretch it.
        work += raft.doWork(TimeUnit.NANOSECONDS.toMillis(clock.nanoTime()));
        final long leader = raft.leaderStoreId(regionId);
        if (leader != leaderStoreId) {
            leaderStoreId = leader;
        }
        return work;
    }

    @Override
    public String roleName() {
        return "tkv-raft";
    }

    /** @return the store that leads the region as last seen by the agent, or 0. Any thread. */
    public long leaderStoreId() {
        return leaderStoreId;
    }
}
