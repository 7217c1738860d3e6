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
 *
 * <p>Compaction and snapshots: a region's log is compacted once it holds more than {@code compactThresholdEntries}
 * entries at or below the durably applied index (0: never), down to that index minus {@code compactKeepEntries};
 * a follower left behind the compacted log gets a snapshot, whose SST files are pulled in chunks of at most
 * {@code snapshotChunkBytes} with at most {@code snapshotWindowChunks} requests outstanding, on stream
 * {@code snapshotStreamId}. The log rolls to a new cycle file every {@code logCycleFileBytes}; compaction deletes
 * whole cycle files.
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
    /** Stores that found region 1 as its voters; null: every store of the initial cluster. */
    private long[] foundingVoters;
    /** A store with PD and no initial cluster: it founds nothing and waits for PD's operators. */
    private boolean joining;
    private int streamId = 1002;
    private long tickIntervalMs = 20;
    private int electionTimeoutTicks = 20;
    private int heartbeatIntervalTicks = 2;
    private int leaseTicks;
    private Path logDir;
    private boolean faultInjection;
    private boolean hibernateRegions = true;
    private boolean pipelinedSync;
    private int hibernateIdleTicks = 20;
    private long compactThresholdEntries = 10_000;
    private long compactKeepEntries = 1_000;
    private int snapshotChunkBytes = 256 * 1024;
    private int snapshotWindowChunks = 4;
    private int snapshotStreamId = 1003;
    private long logCycleFileBytes = 16L * 1024 * 1024;
    private long logReserveBytes = 64L * 1024 * 1024;

    /**
     * Checks the settings for the store {@code storeId} listening on {@code listenEndpoint}. An empty
     * initial cluster means this store alone (a one-voter group).
     *
     * @param dataDir  the store's data dir, for the default log dir.
     * @param withPd   whether the store talks to PD: then an empty initial cluster means a store that joins a running
     *                 cluster (it founds no region; PD's operators give it peers), not a store alone.
     * @throws IllegalArgumentException naming the setting that is wrong.
     */
    void conclude(final long storeId, final String listenEndpoint, final Path dataDir, final boolean withPd) {
        if (initialCluster.isEmpty()) {
            initialCluster.add(new StoreAddress(storeId, listenEndpoint));
            if (withPd && foundingVoters == null) {
                joining = true;
            }
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
        if (foundingVoters != null) {
            for (final long voter : foundingVoters) {
                require(initialCluster.stream().anyMatch(store -> store.storeId() == voter),
                    "raft.founding-voters names store " + voter + ", which raft.initial-cluster does not");
            }
            require(foundingVoters.length > 0, "raft.founding-voters must name a store");
        }
        require(streamId != 0, "raft.stream-id must not be 0");
        require(tickIntervalMs > 0, "raft.tick-ms must be > 0");
        require(electionTimeoutTicks >= 2, "raft.election-ticks must be >= 2");
        require(heartbeatIntervalTicks >= 1 && heartbeatIntervalTicks < electionTimeoutTicks,
            "raft.heartbeat-ticks must be in [1, election-ticks)");
        require(leaseTicks >= 0 && leaseTicks < electionTimeoutTicks,
            "raft.lease-ticks must be in [0, election-ticks)");
        require(hibernateIdleTicks >= 1, "raft.hibernate-idle-ticks must be >= 1");
        require(compactThresholdEntries >= 0, "raft.compact-threshold-entries must be >= 0");
        require(compactKeepEntries >= 0
            && (compactThresholdEntries == 0 || compactKeepEntries < compactThresholdEntries),
            "raft.compact-keep-entries must be in [0, compact-threshold-entries)");
        require(snapshotChunkBytes >= 1024, "raft.snapshot-chunk-kb must be >= 1");
        require(snapshotWindowChunks >= 1, "raft.snapshot-window must be >= 1");
        require(snapshotStreamId != 0 && snapshotStreamId != streamId,
            "raft.snapshot-stream-id must be nonzero and differ from raft.stream-id");
        require(logCycleFileBytes >= 4 * 1024, "raft.log-cycle-file-kb must be >= 4");
        require(logReserveBytes >= 0, "raft.log-reserve-mb must be >= 0");
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

    /**
     * @return the stores that found region 1 as its voters (each a founding peer whose id is its store id): those
     *     configured, else every store of the initial cluster. A store not among them founds nothing: it starts
     *     without regions and gets its peers from membership changes (a leader's snapshot). None for a store with PD
     *     and no initial cluster: it joins a running cluster.
     */
    public long[] foundingVoters() {
        if (joining) {
            return new long[0];
        }
        return foundingVoters != null ? foundingVoters.clone()
            : initialCluster.stream().mapToLong(StoreAddress::storeId).toArray();
    }

    /** @param voters the stores that found region 1, a subset of the initial cluster. */
    public RaftSettings foundingVoters(final long... voters) {
        this.foundingVoters = voters.clone();
        return this;
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

    /**
     * @return whether the raft agent goes on while the Raft log syncs (default false): the fdatasync runs on the
     *     log's own thread ({@code tkv-log-sync}), and each Ready's acknowledgements wait for it, while the agent
     *     steps, sends, applies and writes the next entries. False: the agent waits for each sync. Off by default
     *     because on one 2-core machine with three stores on one disk it did not pay at 1 client (README, issue 10's
     *     figures): the disk serialises the stores' syncs, and the agent parks while it waits instead of being awake
     *     when the followers' answers arrive.
     */
    public boolean pipelinedSync() {
        return pipelinedSync;
    }

    public RaftSettings pipelinedSync(final boolean pipelinedSync) {
        this.pipelinedSync = pipelinedSync;
        return this;
    }

    /**
     * @return whether idle regions hibernate (default true): a region whose leader's log is settled on every replica
     *     for {@link #hibernateIdleTicks()} ticks stops ticking and heartbeating until a message or request wakes it,
     *     and the stores heartbeat each other instead. Every store of a cluster should agree.
     */
    public boolean hibernateRegions() {
        return hibernateRegions;
    }

    public RaftSettings hibernateRegions(final boolean hibernateRegions) {
        this.hibernateRegions = hibernateRegions;
        return this;
    }

    /** @return quiet ticks before a settled region hibernates (default 20). */
    public int hibernateIdleTicks() {
        return hibernateIdleTicks;
    }

    public RaftSettings hibernateIdleTicks(final int hibernateIdleTicks) {
        this.hibernateIdleTicks = hibernateIdleTicks;
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

    /** @return compact once more than this many entries are at or below the durably applied index; 0: never. */
    public long compactThresholdEntries() {
        return compactThresholdEntries;
    }

    public RaftSettings compactThresholdEntries(final long compactThresholdEntries) {
        this.compactThresholdEntries = compactThresholdEntries;
        return this;
    }

    /** @return entries below the durably applied index a compaction keeps. */
    public long compactKeepEntries() {
        return compactKeepEntries;
    }

    public RaftSettings compactKeepEntries(final long compactKeepEntries) {
        this.compactKeepEntries = compactKeepEntries;
        return this;
    }

    /** @return the largest snapshot chunk; with its frame it must fit an Aeron message (term length / 8). */
    public int snapshotChunkBytes() {
        return snapshotChunkBytes;
    }

    public RaftSettings snapshotChunkBytes(final int snapshotChunkBytes) {
        this.snapshotChunkBytes = snapshotChunkBytes;
        return this;
    }

    /** @return chunk requests outstanding per snapshot transfer. */
    public int snapshotWindowChunks() {
        return snapshotWindowChunks;
    }

    public RaftSettings snapshotWindowChunks(final int snapshotWindowChunks) {
        this.snapshotWindowChunks = snapshotWindowChunks;
        return this;
    }

    /** @return the stream snapshot files travel on, on each store's listen endpoint. */
    public int snapshotStreamId() {
        return snapshotStreamId;
    }

    public RaftSettings snapshotStreamId(final int snapshotStreamId) {
        this.snapshotStreamId = snapshotStreamId;
        return this;
    }

    /** @return the Raft log rolls to a new cycle file once the current one holds this many bytes. */
    public long logCycleFileBytes() {
        return logCycleFileBytes;
    }

    public RaftSettings logCycleFileBytes(final long logCycleFileBytes) {
        this.logCycleFileBytes = logCycleFileBytes;
        return this;
    }

    /**
     * @return free space the Raft log keeps on its file system: below it the store fails stop with a disk-full
     *     error before its log could fault on a page the disk cannot back; 0: not checked.
     */
    public long logReserveBytes() {
        return logReserveBytes;
    }

    public RaftSettings logReserveBytes(final long logReserveBytes) {
        this.logReserveBytes = logReserveBytes;
        return this;
    }

    @Override
    public String toString() {
        return "raft{cluster=" + initialCluster + (joining ? " (joining through PD)" : "") + ", tick=" + tickIntervalMs
            + "ms, election=" + electionTimeoutTicks
            + ", heartbeat=" + heartbeatIntervalTicks + ", lease=" + leaseTicks + ", logDir=" + logDir
            + ", compact=" + compactThresholdEntries + "/keep " + compactKeepEntries + ", snapshot chunk="
            + snapshotChunkBytes + " window=" + snapshotWindowChunks + " stream=" + snapshotStreamId + ", cycle="
            + logCycleFileBytes + ", reserve=" + logReserveBytes + (faultInjection ? ", fault-injection" : "")
            + (hibernateRegions ? ", hibernate after " + hibernateIdleTicks + " ticks" : "")
            + (pipelinedSync ? ", pipelined sync" : "") + "}";
    }
}
