package io.tkv.server.storepd;

import io.tkv.server.txn.MaxTsSync;
import io.tkv.client.StoreHeartbeatReport;
import io.tkv.server.config.StorePdSettings;
import io.tkv.server.config.SplitCheckSettings;
import io.tkv.server.region.RegionRegistry;
import io.tkv.server.region.RegionWriteStats;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.EpochClock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;

/**
 * The store's side of talking to PD, on a thread of its own (a sleeping idle strategy: nothing here is urgent, and
 * nothing here may block the raft thread): it registers the store (PutStore, retried until PD took it), then sends a
 * store heartbeat every store-heartbeat interval and a region heartbeat for each report the raft agent hands over
 * ({@link RegionHeartbeats}), keeps the raft agent's address book filled from PD ({@link StoreDirectory}), and splits
 * regions that grew too big ({@link SplitChecker}). Every PD call is asynchronous; its answer is handled here, on this
 * thread, through the {@link WorkerInbox}. Deterministic under an injected clock: tests call {@link #doWork()}.
 */
public final class PdWorker implements Agent {
    private static final Logger LOG = LoggerFactory.getLogger(PdWorker.class);
    private static final long REGISTER_RETRY_MS = 1_000;

    private final long storeId;
    private final String address;
    private final String labels;
    private final StorePdSettings settings;
    private final StorePd pd;
    private final RegionRegistry regions;
    private final StoreStats stats;
    private final PdLink link;
    private final EpochClock clock;
    private final WorkerInbox inbox = new WorkerInbox();
    private final StoreDirectory stores;
    private final SplitChecker splits;
    private final RegionHeartbeats heartbeats;
    private MaxTsSync maxTs;
    private volatile boolean registered;
    private boolean registering;
    private long nextRegisterMs = 0;
    private boolean storeHeartbeatInFlight;
    private long nextStoreHeartbeatMs = 0;
    private long lastBytesWritten;
    private long lastKeysWritten;
    private long storeHeartbeats;
    private int registerFailures;

    /**
     * @param address  the endpoint clients and stores reach this store at (its listen endpoint).
     * @param writes   each region's written bytes and keys, published by the apply agent.
     * @param initial  the stores the raft agent can reach from the start (the initial cluster), with their endpoints.
     */
    public PdWorker(
        final long storeId, final String address, final StorePdSettings settings, final SplitCheckSettings split,
        final StorePd pd, final PdLink link, final RegionRegistry regions, final StoreStats stats,
        final RegionData data, final RegionWriteStats writes, final Map<Long, String> initial,
        final EpochClock clock) {
        this.storeId = storeId;
        this.address = address;
        this.labels = settings.labels();
        this.settings = settings;
        this.pd = pd;
        this.link = link;
        this.regions = regions;
        this.stats = stats;
        this.clock = clock;
        this.stores = new StoreDirectory(storeId, pd, link, inbox, initial, settings.storeHeartbeatIntervalMs());
        this.splits = new SplitChecker(pd, link, regions, data, inbox, split);
        this.heartbeats = new RegionHeartbeats(storeId, pd, link, data, writes, inbox, stores, splits);
    }

    /**
     * Serves the apply agent's max ts syncs ({@link MaxTsSync}) from PD's TSO. Before the worker runs.
     *
     * @return this.
     */
    public PdWorker serveMaxTs(final MaxTsSync sync) {
        this.maxTs = sync;
        return this;
    }

    @Override
    public int doWork() {
        final long nowMs = clock.time();
        int work = inbox.drain();
        if (maxTs != null) {
            work += maxTs.serve(pd::timestamp);
        }
        if (!registered) {
            return work + register(nowMs);
        }
        work += storeHeartbeat(nowMs);
        work += heartbeats.doWork(nowMs);
        work += stores.doWork(nowMs, regions);
        work += splits.check(nowMs);
        return work;
    }

    private int register(final long nowMs) {
        if (registering || nowMs < nextRegisterMs) {
            return 0;
        }
        registering = true;
        inbox.whenDone(pd.putStore(storeId, address, labels), (ok, error) -> {
            registering = false;
            if (error == null) {
                registered = true;
                LOG.info("store {} registered with PD at {} (labels '{}')", storeId, address, labels);
            } else {
                nextRegisterMs = clock.time() + REGISTER_RETRY_MS;
                if (registerFailures++ % 10 == 0) {
                    LOG.warn("store {}: PutStore failed ({} times), retrying: {}", storeId, registerFailures,
                        error.toString());
                }
            }
        });
        return 1;
    }

    private int storeHeartbeat(final long nowMs) {
        if (storeHeartbeatInFlight || nowMs < nextStoreHeartbeatMs) {
            return 0;
        }
        nextStoreHeartbeatMs = nowMs + settings.storeHeartbeatIntervalMs();
        final long bytes = stats.bytesWritten();
        final long keys = stats.keysWritten();
        final StoreHeartbeatReport report;
        try {
            report = new StoreHeartbeatReport(storeId, stats.capacityBytes(), stats.availableBytes(),
                stats.usedBytes(), stats.regionCount(), link.ledRegions().length, bytes - lastBytesWritten,
                keys - lastKeysWritten);
        } catch (final RuntimeException ex) {
            LOG.warn("store {}: no store heartbeat this time: {}", storeId, ex.toString());
            return 0;
        }
        storeHeartbeatInFlight = true;
        storeHeartbeats++;
        inbox.whenDone(pd.storeHeartbeat(report), (ok, error) -> {
            storeHeartbeatInFlight = false;
            if (error == null) {
                // Written since the last heartbeat PD took: a lost one adds to the next.
                lastBytesWritten = bytes;
                lastKeysWritten = keys;
            } else {
                LOG.debug("store heartbeat failed: {}", error.toString());
            }
        });
        return 1;
    }

    @Override
    public String roleName() {
        return "tkv-pd-worker";
    }

    /** @return whether PD took this store's registration. */
    public boolean registered() {
        return registered;
    }

    /** @return store heartbeats sent so far. */
    long storeHeartbeats() {
        return storeHeartbeats;
    }

    /** @return region heartbeats sent so far. */
    long regionHeartbeats() {
        return heartbeats.sent();
    }

    /** @return region heartbeats waiting for PD's answer. */
    int regionHeartbeatsInFlight() {
        return heartbeats.inFlight();
    }

    /** @return AskSplit requests sent so far. */
    long splitsAsked() {
        return splits.splitsAsked();
    }
}
