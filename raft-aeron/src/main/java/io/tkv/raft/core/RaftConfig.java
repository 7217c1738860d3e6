package io.tkv.raft.core;

import java.util.SplittableRandom;
import java.util.random.RandomGenerator;

/**
 * Settings of one group's {@link RaftNode}, in the Aeron {@code Context} style: setters return {@code this},
 * {@link #conclude()} validates and fills defaults. Times are in ticks of the driver's logical clock
 * ({@link RaftNode#tick()}, e.g. every 10 ms).
 *
 * <h2>The leader lease and the clock-drift bound it trusts</h2>
 * A follower that hears from the leader (APPEND, HEARTBEAT, SNAPSHOT) refuses every vote and pre-vote (except a
 * leader-transfer campaign the leader itself asked for) until {@link #electionTimeoutTicks()} of its own ticks have
 * passed; a restarted peer does the same from its start. Heard at real time {@code r}, the E-th tick after it comes
 * later than {@code r + (E - 1) * pF}, where {@code pF} is the follower's tick period: so no rival can collect its
 * vote before {@code send + (E - 1) * pF}.
 *
 * <p>The leader's lease for a heartbeat round it sent at its tick count {@code T} holds while its tick count is
 * below {@code T + leaseTicks}, that is for less than {@code leaseTicks * pL} of real time after the send ({@code pL}:
 * the leader's tick period). The lease of a quorum's acknowledgement is therefore safe when
 * {@code leaseTicks * pL <= (E - 1) * pF} for every pair of peers. With tick periods that differ by at most a factor
 * {@code (1 + rho)} ({@code pL <= (1 + rho) * pF}), the exact condition is:
 * <pre>
 *     leaseTicks * (1 + rho) &lt;= electionTimeoutTicks - 1
 * </pre>
 * The default lease, {@code floor((electionTimeoutTicks - 1) / 1.125)} (8 ticks for the default 10), tolerates
 * {@code rho <= 12.5%}. {@link #conclude()} refuses {@code leaseTicks > electionTimeoutTicks - 1}, which is unsafe
 * even with perfect clocks. The bound also assumes the driver ticks by a monotonic clock and, before it judges a read
 * by the lease, takes every tick due by that clock at that moment (after a pause, a tick count left from before it
 * would stretch the lease by the pause). A leader that started a leader transfer in its term never trusts its
 * lease again in that term (the transfer target's campaign bypasses the followers' refusal, and a late TIMEOUT_NOW
 * can start it at any time); ReadIndex stays available.
 */
public final class RaftConfig {
    /** Default election timeout. */
    public static final int ELECTION_TIMEOUT_TICKS_DEFAULT = 10;
    /** Default heartbeat interval. */
    public static final int HEARTBEAT_INTERVAL_TICKS_DEFAULT = 1;
    /** Default window of APPENDs in flight per follower in the replicate state. */
    public static final int MAX_INFLIGHT_APPENDS_DEFAULT = 64;
    /** Default soft limit of entry bytes in one APPEND. */
    public static final int MAX_APPEND_BYTES_DEFAULT = 1 << 20;
    /** Default limit of entries the leader holds uncommitted; {@link RaftNode#propose} returns -1 beyond it. */
    public static final int MAX_UNCOMMITTED_ENTRIES_DEFAULT = 8192;
    /** Default soft limit of committed entry bytes handed out in one {@link Ready}. */
    public static final int MAX_COMMITTED_BYTES_PER_READY_DEFAULT = 4 << 20;
    /**
     * Default number of applied entries a leader keeps in memory to serve followers without reading storage (per
     * group: size it with the number of groups a store leads in mind).
     */
    public static final int MAX_CACHED_ENTRIES_DEFAULT = 1024;
    /** {@link #appliedIndex(long)} value meaning: the storage's snapshot index. */
    public static final long APPLIED_INDEX_FROM_SNAPSHOT = -1;
    /** The clock-drift factor the default lease tolerates: {@code leaseTicks * 1.125 <= electionTimeoutTicks - 1}. */
    public static final double DEFAULT_LEASE_DRIFT_FACTOR = 1.125;

    /**
     * Deliberately broken rules, for the simulation's negative control only: each breaks one Raft rule so the test
     * can show the checkers catch it. Never set outside tests.
     */
    public enum BrokenRule {
        /** Correct Raft. */
        NONE,
        /** Grant votes and pre-votes without checking that the candidate's log is up to date (§5.4.1). */
        VOTE_WITHOUT_LOG_CHECK,
        /** The leader counts entries it has not made durable toward the commit quorum. */
        COUNT_UNPERSISTED_SELF,
        /** Commit entries of previous terms by counting replicas (the Figure 8 bug, §5.4.2). */
        COMMIT_PREVIOUS_TERM_BY_COUNTING,
        /** A follower acknowledges appended entries before they are durable (APPEND_RESPONSE sent at once). */
        ACK_BEFORE_PERSIST
    }

    private long id;
    private long regionId;
    private int electionTimeoutTicks = ELECTION_TIMEOUT_TICKS_DEFAULT;
    private int heartbeatIntervalTicks = HEARTBEAT_INTERVAL_TICKS_DEFAULT;
    private boolean preVote = true;
    private boolean checkQuorum = true;
    private int leaseTicks = -1;
    private int maxInflightAppends = MAX_INFLIGHT_APPENDS_DEFAULT;
    private int maxAppendBytes = MAX_APPEND_BYTES_DEFAULT;
    private int maxUncommittedEntries = MAX_UNCOMMITTED_ENTRIES_DEFAULT;
    private int maxCommittedBytesPerReady = MAX_COMMITTED_BYTES_PER_READY_DEFAULT;
    private int maxCachedEntries = MAX_CACHED_ENTRIES_DEFAULT;
    private long appliedIndex = APPLIED_INDEX_FROM_SNAPSHOT;
    private int hibernateAfterTicks;
    private RandomGenerator random;
    private BrokenRule brokenRule = BrokenRule.NONE;
    private boolean concluded;

    /**
     * Validates the settings and fills defaults; idempotent.
     *
     * @return this.
     * @throws IllegalArgumentException on a bad or unsafe setting.
     */
    public RaftConfig conclude() {
        if (concluded) {
            return this;
        }
        require(id > 0, "id must be positive");
        require(electionTimeoutTicks >= 2, "electionTimeoutTicks must be >= 2");
        require(heartbeatIntervalTicks >= 1 && heartbeatIntervalTicks < electionTimeoutTicks,
            "heartbeatIntervalTicks must be in [1, electionTimeoutTicks)");
        if (leaseTicks < 0) {
            leaseTicks = checkQuorum ? (int)((electionTimeoutTicks - 1) / DEFAULT_LEASE_DRIFT_FACTOR) : 0;
        }
        require(leaseTicks <= electionTimeoutTicks - 1, "leaseTicks must be <= electionTimeoutTicks - 1");
        require(leaseTicks == 0 || checkQuorum, "a lease needs checkQuorum (the followers' refusal to vote)");
        require(maxInflightAppends >= 1, "maxInflightAppends must be >= 1");
        require(maxAppendBytes >= 1, "maxAppendBytes must be >= 1");
        require(maxUncommittedEntries >= 1, "maxUncommittedEntries must be >= 1");
        require(maxCommittedBytesPerReady >= 1, "maxCommittedBytesPerReady must be >= 1");
        require(maxCachedEntries >= 0, "maxCachedEntries must be >= 0");
        require(appliedIndex >= APPLIED_INDEX_FROM_SNAPSHOT, "appliedIndex must be >= -1");
        require(hibernateAfterTicks >= 0, "hibernateAfterTicks must be >= 0");
        if (random == null) {
            random = new SplittableRandom();
        }
        if (brokenRule == null) {
            brokenRule = BrokenRule.NONE;
        }
        concluded = true;
        return this;
    }

    private void requireOpen() {
        if (concluded) {
            throw new IllegalStateException("RaftConfig already concluded");
        }
    }

    private static void require(final boolean condition, final String message) {
        if (!condition) {
            throw new IllegalArgumentException(message);
        }
    }

    /** @param id this peer's id, positive and unique in the group. @return this. */
    public RaftConfig id(final long id) {
        requireOpen();
        this.id = id;
        return this;
    }

    /** @return this peer's id. */
    public long id() {
        return id;
    }

    /** @param regionId the group, stamped on every message and checked on every received one. @return this. */
    public RaftConfig regionId(final long regionId) {
        requireOpen();
        this.regionId = regionId;
        return this;
    }

    /** @return the group id. */
    public long regionId() {
        return regionId;
    }

    /**
     * @param ticks base election timeout E: a follower campaigns after a random timeout in [E, 2E) without hearing
     *              from a leader; a leader steps down after E without hearing from a quorum (check-quorum).
     * @return this.
     */
    public RaftConfig electionTimeoutTicks(final int ticks) {
        requireOpen();
        this.electionTimeoutTicks = ticks;
        return this;
    }

    /** @return the base election timeout. */
    public int electionTimeoutTicks() {
        return electionTimeoutTicks;
    }

    /** @param ticks interval between the leader's heartbeat rounds. @return this. */
    public RaftConfig heartbeatIntervalTicks(final int ticks) {
        requireOpen();
        this.heartbeatIntervalTicks = ticks;
        return this;
    }

    /** @return the heartbeat interval. */
    public int heartbeatIntervalTicks() {
        return heartbeatIntervalTicks;
    }

    /** @param preVote whether a follower asks for pre-votes before bumping its term (default true). @return this. */
    public RaftConfig preVote(final boolean preVote) {
        requireOpen();
        this.preVote = preVote;
        return this;
    }

    /** @return whether pre-vote is on. */
    public boolean preVote() {
        return preVote;
    }

    /**
     * @param checkQuorum whether a leader steps down without a live quorum, and followers that heard from a live
     *                    leader refuse votes (default true; required by the lease).
     * @return this.
     */
    public RaftConfig checkQuorum(final boolean checkQuorum) {
        requireOpen();
        this.checkQuorum = checkQuorum;
        return this;
    }

    /** @return whether check-quorum (and leader stickiness) is on. */
    public boolean checkQuorum() {
        return checkQuorum;
    }

    /**
     * @param ticks length of the leader lease; 0 disables lease reads. See the class comment for the drift bound.
     * @return this.
     */
    public RaftConfig leaseTicks(final int ticks) {
        requireOpen();
        this.leaseTicks = ticks;
        return this;
    }

    /** @return the lease length (after {@link #conclude()}). */
    public int leaseTicks() {
        return leaseTicks;
    }

    /** @param max APPENDs in flight per follower in the replicate state. @return this. */
    public RaftConfig maxInflightAppends(final int max) {
        requireOpen();
        this.maxInflightAppends = max;
        return this;
    }

    /** @return the in-flight window. */
    public int maxInflightAppends() {
        return maxInflightAppends;
    }

    /** @param bytes soft limit of entry bytes per APPEND (at least one entry is always sent). @return this. */
    public RaftConfig maxAppendBytes(final int bytes) {
        requireOpen();
        this.maxAppendBytes = bytes;
        return this;
    }

    /** @return the APPEND batch limit. */
    public int maxAppendBytes() {
        return maxAppendBytes;
    }

    /** @param max entries the leader may hold above the commit index; proposals beyond it get -1. @return this. */
    public RaftConfig maxUncommittedEntries(final int max) {
        requireOpen();
        this.maxUncommittedEntries = max;
        return this;
    }

    /** @return the uncommitted window. */
    public int maxUncommittedEntries() {
        return maxUncommittedEntries;
    }

    /** @param bytes soft limit of committed entry bytes per {@link Ready} (at least one entry). @return this. */
    public RaftConfig maxCommittedBytesPerReady(final int bytes) {
        requireOpen();
        this.maxCommittedBytesPerReady = bytes;
        return this;
    }

    /** @return the committed-entries batch limit. */
    public int maxCommittedBytesPerReady() {
        return maxCommittedBytesPerReady;
    }

    /** @param max persisted entries kept in memory for replication; older ones are read from storage. @return this. */
    public RaftConfig maxCachedEntries(final int max) {
        requireOpen();
        this.maxCachedEntries = max;
        return this;
    }

    /** @return the entry cache size. */
    public int maxCachedEntries() {
        return maxCachedEntries;
    }

    /**
     * @param index on restart, the index the state machine has already applied durably: committed entries are handed
     *              out from the one after it. Default {@link #APPLIED_INDEX_FROM_SNAPSHOT}: from the storage's
     *              snapshot index, the driver skipping what it has applied already.
     * @return this.
     */
    public RaftConfig appliedIndex(final long index) {
        requireOpen();
        this.appliedIndex = index;
        return this;
    }

    /** @return the applied index to restart from, or {@link #APPLIED_INDEX_FROM_SNAPSHOT}. */
    public long appliedIndex() {
        return appliedIndex;
    }

    /**
     * @param ticks a leader whose log is settled on every member hibernates after this many quiet ticks (see
     *              {@link Hibernation}); a follower honours a leader's HIBERNATE only when this is positive. 0
     *              (default): never.
     * @return this.
     */
    public RaftConfig hibernateAfterTicks(final int ticks) {
        requireOpen();
        this.hibernateAfterTicks = ticks;
        return this;
    }

    /** @return quiet ticks before a settled leader hibernates, 0 for never. */
    public int hibernateAfterTicks() {
        return hibernateAfterTicks;
    }

    /**
     * @param random source of the randomized election timeouts; inject a seeded one to replay a simulation
     *               (default: a fresh {@link SplittableRandom}).
     * @return this.
     */
    public RaftConfig random(final RandomGenerator random) {
        requireOpen();
        this.random = random;
        return this;
    }

    /** @return the random source (after {@link #conclude()}). */
    public RandomGenerator random() {
        return random;
    }

    /** @param rule a rule to break, for the simulation's negative control only. @return this. */
    public RaftConfig brokenRuleForTesting(final BrokenRule rule) {
        requireOpen();
        this.brokenRule = rule;
        return this;
    }

    /** @return the broken rule, {@link BrokenRule#NONE} in any real use. */
    public BrokenRule brokenRule() {
        return brokenRule;
    }
}
