package io.tkv.server.raft;

import io.tkv.log.RaftLog;
import io.tkv.raft.store.MultiRaft;
import io.tkv.raft.transport.RaftAdapter;
import io.tkv.raft.transport.RaftMessageHandler;
import io.tkv.server.StoreFailure;
import io.tkv.server.apply.AppliedRegions;
import org.agrona.concurrent.Agent;

import java.util.Queue;
import java.util.concurrent.locks.LockSupport;

/**
 * The Raft half of the store's raft agent (the ingress half, on the same thread, proposes into the same driver):
 * each duty cycle it steps in what other stores sent, then runs the multi-Raft driver — ticks, persistence with one
 * log sync, messages, committed entries to the apply agent. The driver reads its own (monotonic) clock, each cycle
 * and again for each read the ingress asks it for, so no order of agents on this thread can have a read judged by a
 * lease that ran out during a stall. On a store with PD it also reports the regions it leads and takes PD's steps
 * ({@link PdBridge}). When the apply agent reports that the state machine failed
 * ({@link StoreFailure}), it fail-stops the driver: a store that cannot apply must not go on leading. It publishes
 * how many regions the store leads, for start-up, the only state another thread reads. {@link Replication} closes
 * what it uses, after it stopped.
 */
public final class RaftAgent implements Agent {
    private static final int FRAGMENT_LIMIT = 64;
    /** Duty cycles between counts of the regions led (a walk over every region), less one: a power of two. */
    private static final int LED_COUNT_EVERY_CYCLES = 63;

    private final MultiRaft raft;
    private final RaftAdapter adapter;
    private final RaftLog log;
    private final StoreFailure storeFailure;
    private final Queue<AppliedRegions.RegionEvent> regionEvents;
    private final RegionStarter starter;
    private final RaftMessageHandler onMessage;
    /** Null on a store without PD. */
    private final PdBridge pd;
    private final TxnProposer txn;
    /** Whether the log syncs on its own thread (the driver's pipelined sync). */
    private final boolean syncThread;
    private volatile int ledRegions;
    private long cycles;

    RaftAgent(
        final MultiRaft raft, final RaftAdapter adapter, final RaftLog log, final StoreFailure storeFailure,
        final Queue<AppliedRegions.RegionEvent> regionEvents, final RegionStarter starter, final PdBridge pd,
        final TxnProposer txn, final boolean syncThread) {
        this.raft = raft;
        this.adapter = adapter;
        this.log = log;
        this.storeFailure = storeFailure;
        this.regionEvents = regionEvents;
        this.starter = starter;
        // The driver itself: it takes the messages and hears which stores are alive (hibernating regions need it).
        this.onMessage = raft;
        this.pd = pd;
        this.txn = txn;
        this.syncThread = syncThread;
    }

    @Override
    public void onStart() {
        // Opened and bootstrapped on the starting thread; from here on only this agent's thread touches the log.
        log.handOverToCurrentThread();
        if (syncThread) {
            // A finished sync wakes this thread at once, out of whatever park its idle strategy is in: what the sync
            // held back (acknowledgements, the leader's own vote in the commit) leaves in the next duty cycle.
            final Thread agentThread = Thread.currentThread();
            log.startSyncThread(() -> LockSupport.unpark(agentThread));
        }
    }

    @Override
    public int doWork() {
        if (storeFailure.reason() != null && raft.failure() == null) {
            // The state machine cannot follow the log: stop leading and serving, so the other stores take over.
            raft.failStop(storeFailure.reason(), null);
        }
        int work = onRegionEvents();
        work += starter.retryCampaigns();
        work += adapter.poll(onMessage, FRAGMENT_LIMIT);
        // The scheduler's writes before the driver's cycle: appended and sent in this one.
        work += txn.doWork();
        work += raft.doWork();
        if (pd != null) {
            work += pd.doWork(System.nanoTime());
        }
        if ((++cycles & LED_COUNT_EVERY_CYCLES) == 0) {
            ledRegions = raft.ledRegionCount();
        }
        return work;
    }

    /** Starts the peers of regions splits made here, and stops serving regions this store's peer left. */
    private int onRegionEvents() {
        if (raft.failure() != null) {
            return 0;
        }
        int work = 0;
        AppliedRegions.RegionEvent event;
        while ((event = regionEvents.poll()) != null) {
            if (event.removed()) {
                starter.stop(event.region());
            } else {
                starter.startSplit(event.region(), event.parentId());
            }
            work++;
        }
        return work;
    }

    @Override
    public String roleName() {
        return "tkv-raft";
    }

    /** @return how many regions this store leads, as last seen by the agent. Any thread. */
    public int ledRegions() {
        return ledRegions;
    }
}
