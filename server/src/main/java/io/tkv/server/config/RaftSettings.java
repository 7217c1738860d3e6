package io.tkv.server.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The store's replication settings (TOML section {@code [raft]}): who the other stores are, the Raft clock, and
 * the log. Static membership for now: every store of {@code initial-cluster} hosts a peer of region 1, with peer
 * id = store id. PD will take over membership later.
 *
 * <p>Timing: the raft agent ticks every {@code tickIntervalMs}; a follower that hears no leader for
 * {@code electionTimeoutTicks} (randomised up to twice that) starts a pre-vote; the leader heartbeats every
 * {@code heartbeatIntervalTicks}. The leader lease lasts {@code leaseTicks} (0: derived by the Raft core from the
 * election timeout and the clock-drift bound it trusts).
 */
public final class RaftSettings {
    /** One store of the cluster: its id and the endpoint it listens on (clients and peers alike). */
    public record StoreAddress(long storeId, String endpoint) {
        /**
         * @param text {@code id=host:port}, as in {@code initial-cluster}.
         * @return the address.
         */
        public static StoreAddress parse(final String text) {
            final int eq = text == null ? -1 : text.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("initial-cluster entries are id=host:port, got '" + text + "'");
            }
            final long id;
            try {
                id = Long.parseLong(text.substring(0, eq).trim());
            } catch (final NumberFormatException ex) {
                throw new IllegalArgumentException("store id is not a number in '" + text + "'", ex);
            }
            final String endpoint = text.substring(eq + 1).trim();
            HostPort.parse(endpoint);
            if (id <= 0) {
                throw new IllegalArgumentException("store ids are positive, got '" + text + "'");
            }
            return new StoreAddress(id, endpoint);
        }

        @Override
        public String toString() {
            return storeId + "=" + endpoint;
        }
    }

    private List<StoreAddress> initialCluster = new ArrayList<>();
    private int streamId = 1002;
    private long tickIntervalMs = 20;
    private int electionTimeoutTicks = 20;
    private int heartbeatIntervalTicks = 2;
    private int leaseTicks;
    private Path logDir;
    private boolean faultInjection;

    /**
     * Checks the settings for the store {@code storeId} listening on {@code listenEndpoint}. An empty
     * initial cluster means this store alone (a one-voter group).
     *
     * @param dataDir the store's data dir, for the default log dir.
     * @throws IllegalArgumentException naming the setting that is wrong.
     */
    void conclude(final long storeId, final String listenEndpoint, final Path dataDir) {
        if (initialCluster.isEmpty()) {
            initialCluster.add(new StoreAddress(storeId, listenEndpoint));
        }
        boolean self = false;
        for (int i = 0; i < initialCluster.size(); i++) {
            final StoreAddress store = initialCluster.get(i);
            for (int j = 0; j < i; j++) {
                require(initialCluster.get(j).storeId() != store.storeId(),
                    "raft.initial-cluster names store " + store.storeId() + " twice");
                require(!initialCluster.get(j).endpoint().equals(store.endpoint()),
                    "raft.initial-cluster names endpoint " + store.endpoint() + " twice");
            }
            if (store.storeId() == storeId) {
                require(store.endpoint().equals(listenEndpoint), "raft.initial-cluster says store " + storeId
                    + " listens on " + store.endpoint() + " but server.listen is " + listenEndpoint);
                self = true;
            }
        }
        require(self, "raft.initial-cluster does not name this store (" + storeId + ")");
        require(streamId != 0, "raft.stream-id must not be 0");
        require(tickIntervalMs > 0, "raft.tick-ms must be > 0");
        require(electionTimeoutTicks >= 2, "raft.election-ticks must be >= 2");
        require(heartbeatIntervalTicks >= 1 && heartbeatIntervalTicks < electionTimeoutTicks,
            "raft.heartbeat-ticks must be in [1, election-ticks)");
        require(leaseTicks >= 0 && leaseTicks < electionTimeoutTicks,
            "raft.lease-ticks must be in [0, election-ticks)");
        if (logDir == null) {
            logDir = dataDir.resolve("raft");
        }
    }

    private static void require(final boolean condition, final String message) {
        if (!condition) {
            throw new IllegalArgumentException(message);
        }
    }

    /** @return every store of the cluster, this one included, in the order configured. */
    public List<StoreAddress> initialCluster() {
        return Collections.unmodifiableList(initialCluster);
    }

    /** @param stores every store of the cluster, this one included; replaces the list. */
    public RaftSettings initialCluster(final List<StoreAddress> stores) {
        this.initialCluster = new ArrayList<>(stores);
        return this;
    }

    public int streamId() {
        return streamId;
    }

    public RaftSettings streamId(final int streamId) {
        this.streamId = streamId;
        return this;
    }

    public long tickIntervalMs() {
        return tickIntervalMs;
    }

    public RaftSettings tickIntervalMs(final long tickIntervalMs) {
        this.tickIntervalMs = tickIntervalMs;
        return this;
    }

    public int electionTimeoutTicks() {
        return electionTimeoutTicks;
    }

    public RaftSettings electionTimeoutTicks(final int electionTimeoutTicks) {
        this.electionTimeoutTicks = electionTimeoutTicks;
        return this;
    }

    public int heartbeatIntervalTicks() {
        return heartbeatIntervalTicks;
    }

    public RaftSettings heartbeatIntervalTicks(final int heartbeatIntervalTicks) {
        this.heartbeatIntervalTicks = heartbeatIntervalTicks;
        return this;
    }

    /** @return lease length in ticks; 0 means the core derives it. */
    public int leaseTicks() {
        return leaseTicks;
    }

    public RaftSettings leaseTicks(final int leaseTicks) {
        this.leaseTicks = leaseTicks;
        return this;
    }

    /** @return where the Raft log (Chronicle Queue) lives; default {@code <data-dir>/raft}. */
    public Path logDir() {
        return logDir;
    }

    public RaftSettings logDir(final Path logDir) {
        this.logDir = logDir;
        return this;
    }

    /** @return whether the store accepts fault-injection commands (partitions) from tkv-ctl; tests only. */
    public boolean faultInjection() {
        return faultInjection;
    }

    public RaftSettings faultInjection(final boolean faultInjection) {
        this.faultInjection = faultInjection;
        return this;
    }

    @Override
    public String toString() {
        return "raft{cluster=" + initialCluster + ", tick=" + tickIntervalMs + "ms, election=" + electionTimeoutTicks
            + ", heartbeat=" + heartbeatIntervalTicks + ", lease=" + leaseTicks + ", logDir=" + logDir
            + (faultInjection ? ", fault-injection" : "") + "}";
    }
}
