package io.tkv.raft.core;

import java.util.List;

/**
 * A leader's duties for one term: replication to every member (probe / replicate / snapshot, pipelined within the
 * in-flight window, batched up to {@code maxAppendBytes}), the commit rule, heartbeat rounds, ReadIndex, the lease
 * and leader transfer. Owned by {@link RaftNode}, which handles roles and terms; this class never changes them.
 *
 * <p>Proposals and commit advances only set flags; {@link #flush(long)} (called when the driver asks for a
 * {@link Ready}) turns them into APPENDs, so every proposal of one duty cycle leaves in one APPEND per follower.
 */
final class Leader {
    private static final int ROUND_RING = 256;
    private static final int ROUND_MASK = ROUND_RING - 1;

    private final RaftConfig config;
    private final long selfId;
    private final long regionId;
    private final RaftLogView log;
    private final Outbox out;
    private final ProgressTracker tracker;
    private final ReadOnlyQueue reads = new ReadOnlyQueue();
    /** Tick at which each recent heartbeat round was sent, by round id modulo the ring. */
    private final long[] roundSentTick = new long[ROUND_RING];
    private final RaftConfig.BrokenRule broken;
    /**
     * How recent (in ticks) the heartbeat round every member acknowledged must be for the group to count as settled:
     * half an election timeout, longer than a settled group's round trips and well short of the election timeout after
     * which the driver reports a silent store.
     */
    private final int settledAckTicks;
    private long term;
    private long round;
    private boolean readRoundPending;
    private boolean entriesPending;
    private boolean commitPending;
    private long transferee;
    private boolean leaseBroken;
    /** First heartbeat round sent while the group was settled (it told every member the commit), 0: not settled. */
    private long settledRound;
    private long dropped;

    Leader(final RaftConfig config, final RaftLogView log, final Outbox out) {
        this.config = config;
        this.selfId = config.id();
        this.regionId = config.regionId();
        this.log = log;
        this.out = out;
        this.broken = config.brokenRule();
        this.settledAckTicks = config.electionTimeoutTicks() / 2;
        this.tracker = new ProgressTracker(selfId, config.maxInflightAppends());
    }

    /** A new term of leadership; every member is probed from {@code nextIndex}. */
    void start(final long leaderTerm, final ConfState conf, final long nextIndex) {
        term = leaderTerm;
        tracker.reset(conf, nextIndex);
        reads.clear();
        round = 0;
        readRoundPending = false;
        entriesPending = true;
        commitPending = false;
        transferee = RaftNode.NONE;
        leaseBroken = false;
        settledRound = 0;
    }

    /** Leadership lost: pending reads are dropped. */
    void stop() {
        reads.clear();
        transferee = RaftNode.NONE;
        readRoundPending = false;
        entriesPending = false;
        commitPending = false;
    }

    ProgressTracker tracker() {
        return tracker;
    }

    long transferee() {
        return transferee;
    }

    long dropped() {
        return dropped;
    }

    boolean hasPendingOutput() {
        return readRoundPending || entriesPending || commitPending;
    }

    void onEntriesAppended() {
        entriesPending = true;
    }

    /** The configuration in effect changed (an entry appended by this leader). */
    void reconfigure(final ConfState conf, final long confIndex) {
        tracker.reconfigure(conf, log.lastIndex() + 1, confIndex);
        final Progress target = transferee == RaftNode.NONE ? null : tracker.get(transferee);
        if (target == null || target.learner) {
            transferee = RaftNode.NONE;
        }
        entriesPending = true;
    }

    boolean committedInTerm() {
        return log.term(log.committed()) == term;
    }

    /**
     * Commits the highest index durable on a quorum of voters, this leader counting only what it made durable
     * itself, and only if that entry is of the current term (Raft §5.4.2: older entries commit with it).
     *
     * @return true if the commit index moved.
     */
    boolean maybeCommit() {
        final long self = broken == RaftConfig.BrokenRule.COUNT_UNPERSISTED_SELF ? log.lastIndex() : log.stableIndex();
        final long quorumIndex = tracker.quorumMatch(self);
        if (quorumIndex <= log.committed()) {
            return false;
        }
        if (broken != RaftConfig.BrokenRule.COMMIT_PREVIOUS_TERM_BY_COUNTING && log.term(quorumIndex) != term) {
            return false;
        }
        log.commitTo(quorumIndex);
        commitPending = true;
        tracker.pruneLeaving(quorumIndex);
        if (reads.hasDeferred() && committedInTerm()) {
            reads.releaseDeferred(log.committed(), round + 1);
            readRoundPending = true;
        }
        return true;
    }

    /** Sends what proposals, commits and reads of this duty cycle call for. */
    void flush(final long nowTick) {
        if (readRoundPending) {
            broadcastHeartbeat(nowTick);
        }
        if (entriesPending || commitPending) {
            final boolean commitMoved = commitPending;
            entriesPending = false;
            commitPending = false;
            final long commit = log.committed();
            for (int i = 0; i < tracker.size(); i++) {
                final Progress p = tracker.at(i);
                sendAppends(p, commitMoved && p.sentCommit < commit);
            }
        }
    }

    /** A heartbeat round: new round id, commit, and (single voter) reads confirmed at once. */
    void broadcastHeartbeat(final long nowTick) {
        round++;
        roundSentTick[(int)(round & ROUND_MASK)] = nowTick;
        readRoundPending = false;
        final long commit = log.committed();
        for (int i = 0; i < tracker.size(); i++) {
            final Progress p = tracker.at(i);
            out.send(new RaftMessage(MessageType.HEARTBEAT, regionId, selfId, p.id, term, 0, 0,
                Math.min(p.match, commit), false, 0, round, List.of(), null));
        }
        confirmReads();
    }

    /**
     * @param nowTick the leader's tick count now.
     * @return whether the group may hibernate (see {@link Hibernation}): nothing pending here (proposals, reads, a
     *     transfer), every entry committed, durable here and handed to the state machine, and every member in the
     *     replicate state, matching the last index and having acknowledged a heartbeat round sent since then (which
     *     told it the commit index: a heartbeat carries min(commit, match)) and within the last half election
     *     timeout. The last rule keeps a leader whose followers were just cut off from falling asleep on their
     *     answers from before the cut: the driver reports their stores silent only once, an election timeout later,
     *     and a sleeping leader nothing wakes would never see, by check-quorum, that it lost its quorum.
     */
    boolean settled(final long nowTick) {
        final long last = log.lastIndex();
        if (hasPendingOutput() || transferee != RaftNode.NONE || !reads.isEmpty() || log.committed() != last
            || log.applied() != last || log.stableIndex() != last || !committedInTerm()) {
            settledRound = 0;
            return false;
        }
        boolean acked = settledRound > 0;
        for (int i = 0; i < tracker.size(); i++) {
            final Progress p = tracker.at(i);
            if (p.match != last || p.state != Progress.State.REPLICATE || p.leavingAt > 0) {
                settledRound = 0;
                return false;
            }
            acked &= p.ackedRound >= settledRound && p.ackedRoundSentTick >= nowTick - settledAckTicks;
        }
        if (settledRound == 0) {
            settledRound = round + 1;
        }
        return acked;
    }

    /**
     * A sleeping leader woke: before it sleeps again every member must acknowledge a heartbeat round sent from now on
     * (what they acknowledged before it slept says nothing about whether they are still there).
     */
    void unsettle() {
        settledRound = 0;
    }

    /** The group hibernates: every member hears the last index and the commit once more, then nothing. */
    void broadcastHibernate() {
        final long last = log.lastIndex();
        final long lastTerm = log.lastTerm();
        for (int i = 0; i < tracker.size(); i++) {
            out.send(new RaftMessage(MessageType.HIBERNATE, regionId, selfId, tracker.at(i).id, term, lastTerm, last,
                log.committed(), false, 0, 0, List.of(), null));
        }
    }

    void readIndex(final long context) {
        if (!committedInTerm()) {
            reads.defer(context);
            return;
        }
        reads.add(context, log.committed(), round + 1);
        readRoundPending = true;
    }

    /** @return true while a quorum acknowledged a round sent less than {@code leaseTicks} ago (class RaftConfig). */
    boolean leaseValid(final long nowTick) {
        if (leaseBroken || config.leaseTicks() == 0) {
            return false;
        }
        return tracker.quorumAckedSentTick(nowTick) > nowTick - config.leaseTicks();
    }

    private void confirmReads() {
        if (!reads.isEmpty()) {
            reads.confirm(tracker.quorumAckedRound(round), out.readStates());
        }
    }

    void onHeartbeatResponse(final RaftMessage m) {
        final Progress p = tracker.get(m.from());
        if (p == null) {
            dropped++;
            return;
        }
        p.recentActive = true;
        p.probeSent = false;
        if (p.state == Progress.State.REPLICATE && p.inflights.full()) {
            // The follower is alive but its APPEND answers may be lost: let one more APPEND out. If earlier ones were
            // lost it rejects it (a gap), which sends us back to probing from its match index.
            p.inflights.freeFirst();
        }
        final long ctx = m.context();
        if (ctx > p.ackedRound && ctx <= round) {
            p.ackedRound = ctx;
            if (round - ctx < ROUND_RING) {
                p.ackedRoundSentTick = Math.max(p.ackedRoundSentTick, roundSentTick[(int)(ctx & ROUND_MASK)]);
            }
            confirmReads();
        }
        if (p.match < log.lastIndex() || p.state == Progress.State.PROBE) {
            sendAppends(p, true);
        }
    }

    /** @return true if the commit index moved. */
    boolean onAppendResponse(final RaftMessage m) {
        final Progress p = tracker.get(m.from());
        if (p == null) {
            dropped++;
            return false;
        }
        p.recentActive = true;
        if (m.reject()) {
            long hint = m.rejectHint();
            if (m.logTerm() > 0) {
                // Skip every index the follower's term there rules out, in one round trip (etcd's fast backtrack).
                hint = log.findConflictByTerm(m.rejectHint(), m.logTerm());
            }
            if (p.maybeDecreaseTo(m.index(), hint)) {
                if (p.state == Progress.State.REPLICATE) {
                    p.becomeProbe();
                }
                sendAppends(p, true);
            }
            return false;
        }
        if (m.index() > log.lastIndex()) {
            dropped++;
            return false;
        }
        if (!p.maybeUpdate(m.index()) && !(p.match == m.index() && p.state == Progress.State.PROBE)) {
            return false;
        }
        switch (p.state) {
            case PROBE -> p.becomeReplicate();
            case SNAPSHOT -> {
                if (p.match >= p.pendingSnapshot || p.match + 1 >= log.firstIndex()) {
                    p.becomeProbe();
                    p.becomeReplicate();
                }
            }
            case REPLICATE -> p.inflights.freeTo(m.index());
            default -> throw new IllegalStateException(p.state.name());
        }
        final boolean committed = maybeCommit();
        if (p.leavingAt > 0) {
            tracker.pruneLeaving(log.committed());
            if (tracker.get(p.id) == null) {
                return committed;
            }
        }
        sendAppends(p, false);
        if (m.from() == transferee && p.match == log.lastIndex()) {
            sendTimeoutNow(m.from());
        }
        return committed;
    }

    void onUnreachable(final long peer) {
        final Progress p = tracker.get(peer);
        if (p != null && p.state == Progress.State.REPLICATE) {
            p.becomeProbe();
        }
    }

    void onSnapshotReport(final long peer, final boolean delivered) {
        final Progress p = tracker.get(peer);
        if (p == null || p.state != Progress.State.SNAPSHOT) {
            return;
        }
        if (!delivered) {
            p.pendingSnapshot = 0;
        }
        p.becomeProbe();
        // Delivered: wait for the follower's APPEND_RESPONSE; failed: retry after the next heartbeat response.
        p.probeSent = true;
    }

    /** @return true if a transfer to {@code target} started. */
    boolean transfer(final long target) {
        final Progress p = tracker.get(target);
        if (p == null || p.learner || transferee == target) {
            return false;
        }
        transferee = target;
        leaseBroken = true;
        if (p.match == log.lastIndex()) {
            sendTimeoutNow(target);
        } else {
            sendAppends(p, true);
        }
        return true;
    }

    void abortTransfer() {
        transferee = RaftNode.NONE;
    }

    boolean quorumActive() {
        return tracker.quorumActive();
    }

    void resetRecentActive() {
        tracker.resetRecentActive();
    }

    /** Sends APPENDs to {@code p} while it is not paused and has entries to get (pipelined when replicating). */
    private void sendAppends(final Progress p, final boolean sendIfEmpty) {
        boolean allowEmpty = sendIfEmpty;
        while (!p.isPaused()) {
            if (!sendAppend(p, allowEmpty)) {
                return;
            }
            allowEmpty = false;
            if (p.state != Progress.State.REPLICATE || p.next > log.lastIndex()) {
                return;
            }
        }
    }

    private boolean sendAppend(final Progress p, final boolean allowEmpty) {
        final long prevIndex = p.next - 1;
        final long prevTerm = log.term(prevIndex);
        if (prevTerm < 0) {
            return sendSnapshot(p);
        }
        final List<Entry> entries = log.entries(p.next, log.lastIndex() + 1, config.maxAppendBytes());
        if (entries == null) {
            return sendSnapshot(p);
        }
        if (entries.isEmpty() && !allowEmpty) {
            return false;
        }
        final long commit = log.committed();
        out.send(new RaftMessage(MessageType.APPEND, regionId, selfId, p.id, term, prevTerm, prevIndex, commit,
            false, 0, 0, entries, null));
        p.sentCommit = commit;
        p.onAppendSent(entries.size(), entries.isEmpty() ? prevIndex : entries.get(entries.size() - 1).index());
        return true;
    }

    private boolean sendSnapshot(final Progress p) {
        if (!p.recentActive) {
            return false;
        }
        final Snapshot snapshot = log.storageSnapshot();
        if (snapshot == null) {
            return false;
        }
        p.becomeSnapshot(snapshot.index());
        out.send(new RaftMessage(MessageType.SNAPSHOT, regionId, selfId, p.id, term, 0, 0, 0, false, 0, 0,
            List.of(), snapshot));
        return true;
    }

    private void sendTimeoutNow(final long to) {
        out.send(new RaftMessage(MessageType.TIMEOUT_NOW, regionId, selfId, to, term, 0, 0, 0, false, 0, 0,
            List.of(), null));
    }
}
