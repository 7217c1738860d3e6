package io.tkv.raft.store;

import io.tkv.raft.core.RaftConfig;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.SystemNanoClock;

import java.util.random.RandomGenerator;

/**
 * Settings of the multi-Raft driver (Aeron Context style: setters return this; {@link #conclude()} checks). The
 * Raft clock: a tick every {@code tickIntervalMs} of {@link #clock()}; the core counts elections, heartbeats and the
 * lease in ticks.
 */
public final class MultiRaftConfig {
    /** Default: compact a region's log once it holds this many entries at or below the durable applied index. */
    public static final long DEFAULT_COMPACT_THRESHOLD_ENTRIES = 10_000;
    /** Default: entries below the durable applied index kept by a compaction, for followers a little behind. */
    public static final long DEFAULT_COMPACT_KEEP_ENTRIES = 1_000;

    private long tickIntervalMs = 20;
    private int electionTimeoutTicks = 20;
    private int heartbeatIntervalTicks = 2;
    private int leaseTicks;
    private int maxInflightAppends = RaftConfig.MAX_INFLIGHT_APPENDS_DEFAULT;
    private int maxAppendBytes = 256 * 1024;
    private int maxUncommittedEntries = RaftConfig.MAX_UNCOMMITTED_ENTRIES_DEFAULT;
    private int maxEntryBytes = Integer.MAX_VALUE;
    private boolean logSync = true;
    private boolean pipelinedSync;
    private long periodicSyncIntervalMs;
    private long randomSeed = System.nanoTime();
    private long compactThresholdEntries = DEFAULT_COMPACT_THRESHOLD_ENTRIES;
    private long compactKeepEntries = DEFAULT_COMPACT_KEEP_ENTRIES;
    private int hibernateAfterTicks;
    private NanoClock clock = SystemNanoClock.INSTANCE;
    private boolean concluded;

    /**
     * @return this, checked.
     * @throws IllegalStateException if a setting is out of range.
     */
    public MultiRaftConfig conclude() {
        if (concluded) {
            return this;
        }
        if (tickIntervalMs <= 0 || electionTimeoutTicks < 2 || heartbeatIntervalTicks < 1
            || heartbeatIntervalTicks >= electionTimeoutTicks || leaseTicks < 0 || leaseTicks >= electionTimeoutTicks
            || maxInflightAppends < 1 || maxAppendBytes < 1024 || maxUncommittedEntries < 1 || maxEntryBytes < 1
            || periodicSyncIntervalMs < 0 || compactThresholdEntries < 0 || compactKeepEntries < 0
            || (compactThresholdEntries > 0 && compactKeepEntries >= compactThresholdEntries) || clock == null
            || hibernateAfterTicks < 0) {
            throw new IllegalStateException("bad multi-raft settings: " + this);
        }
        concluded = true;
        return this;
    }

    public long tickIntervalMs() {
        return tickIntervalMs;
    }

    public MultiRaftConfig tickIntervalMs(final long tickIntervalMs) {
        this.tickIntervalMs = tickIntervalMs;
        return this;
    }

    public int electionTimeoutTicks() {
        return electionTimeoutTicks;
    }

    public MultiRaftConfig electionTimeoutTicks(final int electionTimeoutTicks) {
        this.electionTimeoutTicks = electionTimeoutTicks;
        return this;
    }

    public int heartbeatIntervalTicks() {
        return heartbeatIntervalTicks;
    }

    public MultiRaftConfig heartbeatIntervalTicks(final int heartbeatIntervalTicks) {
        this.heartbeatIntervalTicks = heartbeatIntervalTicks;
        return this;
    }

    /** @return the lease in ticks, or 0 for the core's default (derived from the election timeout). */
    public int leaseTicks() {
        return leaseTicks;
    }

    public MultiRaftConfig leaseTicks(final int leaseTicks) {
        this.leaseTicks = leaseTicks;
        return this;
    }

    public int maxInflightAppends() {
        return maxInflightAppends;
    }

    public MultiRaftConfig maxInflightAppends(final int maxInflightAppends) {
        this.maxInflightAppends = maxInflightAppends;
        return this;
    }

    /** @return the most entry bytes in one APPEND; must stay below the transport's frame size. */
    public int maxAppendBytes() {
        return maxAppendBytes;
    }

    public MultiRaftConfig maxAppendBytes(final int maxAppendBytes) {
        this.maxAppendBytes = maxAppendBytes;
        return this;
    }

    public int maxUncommittedEntries() {
        return maxUncommittedEntries;
    }

    public MultiRaftConfig maxUncommittedEntries(final int maxUncommittedEntries) {
        this.maxUncommittedEntries = maxUncommittedEntries;
        return this;
    }

    /** @return the largest entry payload a proposal may have (the last line behind the store's request limit). */
    public int maxEntryBytes() {
        return maxEntryBytes;
    }

    /**
     * @param maxEntryBytes the largest entry payload a proposal may have: a larger one is refused
     *                      ({@link MultiRaft.Outcome#TOO_LARGE}), since an entry that no frame to another store can
     *                      carry would stall the region.
     */
    public MultiRaftConfig maxEntryBytes(final int maxEntryBytes) {
        this.maxEntryBytes = maxEntryBytes;
        return this;
    }

    /** @return true (default): sync the log once per cycle before anything it holds is acknowledged. */
    public boolean logSync() {
        return logSync;
    }

    public MultiRaftConfig logSync(final boolean logSync) {
        this.logSync = logSync;
        return this;
    }

    /**
     * @return whether the driver goes on while the log syncs (default false): it asks for the sync
     *     ({@link io.tkv.log.RaftLog#requestSync()}) and holds each Ready's late messages until the log is durable
     *     past it, instead of waiting in {@link io.tkv.log.RaftLog#sync()}. Pays with a log that syncs on its own
     *     thread ({@link io.tkv.log.RaftLog#startSyncThread}).
     */
    public boolean pipelinedSync() {
        return pipelinedSync;
    }

    public MultiRaftConfig pipelinedSync(final boolean pipelinedSync) {
        this.pipelinedSync = pipelinedSync;
        return this;
    }

    /** @return with {@link #logSync()} off: sync the log every this many ms anyway (0: never). */
    public long periodicSyncIntervalMs() {
        return periodicSyncIntervalMs;
    }

    public MultiRaftConfig periodicSyncIntervalMs(final long periodicSyncIntervalMs) {
        this.periodicSyncIntervalMs = periodicSyncIntervalMs;
        return this;
    }

    public long randomSeed() {
        return randomSeed;
    }

    /** @param randomSeed seeds the election timeout randomisation of every region. */
    public MultiRaftConfig randomSeed(final long randomSeed) {
        this.randomSeed = randomSeed;
        return this;
    }

    /**
     * @return compact a region's log once more than this many of its entries are at or below the region's durable
     *     applied index (0: never compact).
     */
    public long compactThresholdEntries() {
        return compactThresholdEntries;
    }

    public MultiRaftConfig compactThresholdEntries(final long compactThresholdEntries) {
        this.compactThresholdEntries = compactThresholdEntries;
        return this;
    }

    /** @return a compaction goes up to the durable applied index minus this many entries. */
    public long compactKeepEntries() {
        return compactKeepEntries;
    }

    public MultiRaftConfig compactKeepEntries(final long compactKeepEntries) {
        this.compactKeepEntries = compactKeepEntries;
        return this;
    }

    /** @return quiet ticks before a settled region hibernates; 0 (default): regions never hibernate. */
    public int hibernateAfterTicks() {
        return hibernateAfterTicks;
    }

    /**
     * @param hibernateAfterTicks a region whose leader's log is settled on every member this many ticks in a row stops
     *                            ticking and heartbeating until something wakes it (io.tkv.raft.core.Hibernation); the
     *                            store then heartbeats the other stores instead, to see a leader's store die. 0: off
     *                            (every store of a cluster should agree: a follower that does not hibernate keeps
     *                            waking its leader).
     */
    public MultiRaftConfig hibernateAfterTicks(final int hibernateAfterTicks) {
        this.hibernateAfterTicks = hibernateAfterTicks;
        return this;
    }

    /** @return the Raft clock (default {@link SystemNanoClock}). */
    public NanoClock clock() {
        return clock;
    }

    /**
     * @param clock the Raft clock, read by the driver once per duty cycle and again for every read it judges by the
     *              lease. It must be monotonic: the lease counts ticks, and a clock stepped back would stretch it.
     *              Tests inject a clock they move themselves.
     */
    public MultiRaftConfig clock(final NanoClock clock) {
        this.clock = clock;
        return this;
    }

    /** @return the settings of one region's Raft core on this store. */
    RaftConfig raftConfig(
        final long peerId, final long regionId, final long appliedIndex, final RandomGenerator random) {
        final RaftConfig raftConfig = new RaftConfig()
            .id(peerId)
            .regionId(regionId)
            .electionTimeoutTicks(electionTimeoutTicks)
            .heartbeatIntervalTicks(heartbeatIntervalTicks)
            .maxInflightAppends(maxInflightAppends)
            .maxAppendBytes(maxAppendBytes)
            .maxUncommittedEntries(maxUncommittedEntries)
            .appliedIndex(appliedIndex)
            .hibernateAfterTicks(hibernateAfterTicks)
            .random(random);
        return leaseTicks > 0 ? raftConfig.leaseTicks(leaseTicks) : raftConfig;
    }

    @Override
    public String toString() {
        return "MultiRaftConfig{tick=" + tickIntervalMs + "ms, election=" + electionTimeoutTicks + ", heartbeat="
            + heartbeatIntervalTicks + ", lease=" + leaseTicks + ", inflight=" + maxInflightAppends + ", appendBytes="
            + maxAppendBytes + ", uncommitted=" + maxUncommittedEntries + ", logSync=" + logSync
            + (periodicSyncIntervalMs > 0 ? ", periodicSync=" + periodicSyncIntervalMs + "ms" : "")
            + ", compact=" + compactThresholdEntries + "/keep " + compactKeepEntries
            + (hibernateAfterTicks > 0 ? ", hibernateAfter=" + hibernateAfterTicks : "") + "}";
    }
}
