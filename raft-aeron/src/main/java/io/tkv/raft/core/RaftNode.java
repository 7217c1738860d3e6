package io.tkv.raft.core;

import java.util.List;

/**
 * One peer of one Raft group: a deterministic state machine with no I/O, threads or clock. The driver calls
 * {@link #tick()}, {@link #step(RaftMessage)} and {@link #propose(byte[])}, then collects a {@link Ready} (what to
 * persist, send and apply) and {@link #advance(Ready) advances} it once handled. Not thread safe: one owner thread.
 *
 * <p>Rules, and where each lives: elections with pre-vote, check-quorum and leader stickiness (here); replication,
 * the commit rule, ReadIndex, the lease and leader transfer ({@link Leader}); the follower side of replication
 * ({@link Replica}); the log and what is durable ({@link RaftLogView}, {@link ReadyBuilder}); membership
 * ({@link Membership}). Messages from the network may be stale, duplicated, reordered, misaddressed or malformed:
 * they are ignored (and counted in {@link RaftStatus#droppedMessages()}), never thrown on. Exceptions mean driver
 * misuse.
 *
 * <p>What a driver must do (the order of a Ready, ticks before lease reads, snapshot reports, applying conf changes,
 * compaction) and how membership changes: see the package documentation.
 */
public final class RaftNode {
    /** VOTE context of a campaign asked for by the leader (TIMEOUT_NOW): bypasses leader stickiness. */
    public static final long CAMPAIGN_TRANSFER = 1;
    static final long NONE = 0;

    private final RaftConfig config;
    private final long id;
    private final long regionId;
    private final RaftLogView log;
    private final Membership membership;
    private final Outbox outbox;
    private final VoteTally votes = new VoteTally();
    private final Leader leader;
    private final Replica replica;
    private final Hibernation hibernation;
    private final PeerClock clock;
    private Role role = Role.FOLLOWER;
    private long term;
    private long vote;
    private long leaderId;
    private final ReadyBuilder readies;
    private long dropped;

    /**
     * (Re)starts a peer from its durable state: a follower with the persisted term, vote and log, no known leader,
     * and all volatile state rebuilt. It refuses votes for an election timeout (it may have acknowledged a lease
     * before the crash).
     *
     * @param config  settings; concluded here if not yet.
     * @param storage the durable state.
     * @throws IllegalStateException if the storage is inconsistent (see {@link RaftStorage} on bootstrapping).
     */
    public RaftNode(final RaftConfig config, final RaftStorage storage) {
        this.config = config.conclude();
        this.id = config.id();
        this.regionId = config.regionId();
        this.outbox = new Outbox(config.brokenRule());
        final HardState hs = storage.hardState();
        final ConfState conf = storage.confState();
        if ((conf.voters().length > 0 || conf.learners().length > 0) && storage.firstIndex() <= 1) {
            throw new IllegalStateException("a member's log must start after a bootstrap snapshot at index >= 1");
        }
        this.log = new RaftLogView(storage, config.maxCachedEntries());
        final long snapshotIndex = storage.firstIndex() - 1;
        final long commit = Math.max(hs.commit(), snapshotIndex);
        if (commit > storage.lastIndex()) {
            throw new IllegalStateException("hard state commit " + commit + " beyond last index "
                + storage.lastIndex());
        }
        final long applied = config.appliedIndex() == RaftConfig.APPLIED_INDEX_FROM_SNAPSHOT
            ? snapshotIndex : config.appliedIndex();
        if (applied < snapshotIndex || applied > commit) {
            throw new IllegalStateException("applied index " + applied + " not in [" + snapshotIndex + ", " + commit
                + "]");
        }
        log.restoreIndices(commit, applied);
        this.membership = new Membership(conf);
        membership.replayLog(storage, config.maxAppendBytes());
        membership.foldCommitted(commit);
        this.leader = new Leader(config, log, outbox);
        this.replica = new Replica(id, regionId, log, membership, outbox);
        this.readies = new ReadyBuilder(log, outbox, config.maxCommittedBytesPerReady(), hs);
        term = hs.term();
        vote = hs.vote();
        this.clock = new PeerClock(this.config);
        this.hibernation = new Hibernation(this.config, clock, leader);
    }

    // ---------------------------------------------------------------- inputs

    /** One tick of the logical clock (none while hibernating). Allocates nothing unless a heartbeat round is due. */
    public void tick() {
        if (hibernation.asleep()) {
            return;
        }
        clock.tick();
        if (role == Role.LEADER) {
            tickLeader();
        } else if (clock.electionTimedOut() && promotable()) {
            campaign(false);
        }
    }

    private void tickLeader() {
        if (clock.leaderWindowEnded()) {
            if (config.checkQuorum()) {
                if (!leader.quorumActive()) {
                    becomeFollower(term, NONE);
                    return;
                }
                leader.resetRecentActive();
            }
            // A transfer not done within an election timeout is abandoned (the target may be down).
            leader.abortTransfer();
        }
        if (hibernation.enabled() && hibernation.onLeaderTick(leader.settled(clock.now()))) {
            leader.broadcastHibernate();
            return;
        }
        if (clock.heartbeatDue()) {
            leader.broadcastHeartbeat(clock.now());
        }
    }

    /**
     * A message from a peer. Anything stale, misaddressed or malformed is ignored.
     *
     * @param m the message.
     */
    public void step(final RaftMessage m) {
        if (m == null || m.to() != id || m.regionId() != regionId || m.from() == id || m.from() <= 0
            || !m.inBounds()) {
            dropped++;
            return;
        }
        if (!hibernation.sleepsThrough(m, role == Role.LEADER && m.term() == term)) {
            wake();
        }
        if (m.term() > term) {
            if (!onHigherTerm(m)) {
                return;
            }
        } else if (m.term() < term) {
            onLowerTerm(m);
            return;
        }
        switch (m.type()) {
            case PRE_VOTE, VOTE -> onVoteRequest(m);
            case PRE_VOTE_RESPONSE -> onVoteResponse(m, Role.PRE_CANDIDATE,
                m.reject() ? m.term() == term : m.term() == term + 1);
            case VOTE_RESPONSE -> onVoteResponse(m, Role.CANDIDATE, m.term() == term);
            case APPEND, HEARTBEAT, SNAPSHOT, HIBERNATE -> onLeaderMessage(m);
            case APPEND_RESPONSE -> {
                if (role == Role.LEADER) {
                    if (leader.onAppendResponse(m)) {
                        afterLeaderCommit();
                    }
                }
            }
            case HEARTBEAT_RESPONSE -> {
                if (role == Role.LEADER) {
                    leader.onHeartbeatResponse(m);
                }
            }
            case TIMEOUT_NOW -> {
                if (role == Role.FOLLOWER && promotable()) {
                    campaign(true);
                }
            }
            default -> dropped++;
        }
    }

    /** @return false if the message must be ignored. */
    private boolean onHigherTerm(final RaftMessage m) {
        switch (m.type()) {
            case PRE_VOTE, VOTE -> {
                // Leader stickiness and lease: a peer that heard from a live leader within the election timeout
                // does not help depose it, unless the leader itself asked for the campaign (transfer).
                if (m.context() != CAMPAIGN_TRANSFER && inLease()) {
                    if (m.type() == MessageType.PRE_VOTE) {
                        respond(m, MessageType.PRE_VOTE_RESPONSE, term, true);
                    }
                    return false;
                }
                if (m.type() == MessageType.VOTE) {
                    becomeFollower(m.term(), NONE);
                }
                return true;
            }
            case PRE_VOTE_RESPONSE -> {
                // A granted pre-vote carries the term we would campaign in: no reason to step down.
                if (m.reject()) {
                    becomeFollower(m.term(), NONE);
                }
                return true;
            }
            case APPEND, HEARTBEAT, SNAPSHOT, HIBERNATE -> {
                becomeFollower(m.term(), m.from());
                return true;
            }
            default -> {
                becomeFollower(m.term(), NONE);
                return true;
            }
        }
    }

    private void onLowerTerm(final RaftMessage m) {
        if ((config.checkQuorum() || config.preVote())
            && (m.type() == MessageType.APPEND || m.type() == MessageType.HEARTBEAT
            || m.type() == MessageType.HIBERNATE)) {
            // A stale leader (e.g. partitioned away while we moved on) learns our term and steps down; without this
            // it could hold a quorum's worth of peers that never vote for anyone else (check-quorum + pre-vote).
            respond(m, MessageType.APPEND_RESPONSE, term, false);
        } else if (m.type() == MessageType.PRE_VOTE) {
            respond(m, MessageType.PRE_VOTE_RESPONSE, term, true);
        }
    }

    private boolean inLease() {
        return config.checkQuorum() && (role == Role.LEADER || clock.heardLeaderRecently());
    }

    private void onVoteRequest(final RaftMessage m) {
        final boolean pre = m.type() == MessageType.PRE_VOTE;
        final boolean canVote = vote == m.from() || (vote == NONE && leaderId == NONE) || (pre && m.term() > term);
        final boolean upToDate = config.brokenRule() == RaftConfig.BrokenRule.VOTE_WITHOUT_LOG_CHECK
            || log.isUpToDate(m.index(), m.logTerm());
        final MessageType responseType = pre ? MessageType.PRE_VOTE_RESPONSE : MessageType.VOTE_RESPONSE;
        if (canVote && upToDate) {
            respond(m, responseType, m.term(), false);
            if (!pre) {
                vote = m.from();
                clock.restart();
            }
        } else {
            respond(m, responseType, term, true);
        }
    }

    private void onVoteResponse(final RaftMessage m, final Role expected, final boolean current) {
        if (role != expected || !current) {
            return;
        }
        votes.record(m.from(), !m.reject());
        switch (votes.outcome()) {
            case WON -> {
                if (role == Role.PRE_CANDIDATE) {
                    becomeCandidate(false);
                } else {
                    maybeBecomeLeader();
                }
            }
            case LOST -> becomeFollower(term, NONE);
            default -> {
            }
        }
    }

    private void onLeaderMessage(final RaftMessage m) {
        if (role == Role.LEADER) {
            dropped++;
            return;
        }
        if (role != Role.FOLLOWER) {
            becomeFollower(term, m.from());
        }
        if (leaderId != NONE && leaderId != m.from()) {
            dropped++;
            return;
        }
        leaderId = m.from();
        clock.heardLeader();
        switch (m.type()) {
            case APPEND -> replica.onAppend(m);
            case HEARTBEAT -> replica.onHeartbeat(m);
            case HIBERNATE -> {
                if (replica.onHibernate(m)) {
                    hibernation.sleepAsFollower();
                }
            }
            default -> replica.onSnapshot(m);
        }
    }

    /**
     * Leader only: appends a command.
     *
     * @param data the command (not copied).
     * @return its index, or -1 if not leader, a transfer is in progress or the uncommitted window is full.
     */
    public long propose(final byte[] data) {
        wake();
        if (!acceptsProposals()) {
            return -1;
        }
        return appendOwn(EntryType.NORMAL, data);
    }

    /**
     * Leader only: appends a membership change; it takes effect at once (when appended) on every peer that appends it.
     *
     * @param change the change.
     * @return its index, or -1 if not leader, a transfer is in progress, the window is full, the previous change is
     *     not applied yet, the leader has not committed an entry of its term yet, or the change would change nothing
     *     or leave no voter.
     */
    public long proposeConfChange(final ConfChange change) {
        wake();
        if (!acceptsProposals() || !leader.committedInTerm() || membership.lastConfIndex() > log.applied()) {
            return -1;
        }
        final ConfState current = membership.current();
        final ConfState next = current.apply(change);
        if (next.equals(current) || next.voters().length == 0) {
            return -1;
        }
        return appendOwn(EntryType.CONF_CHANGE, change.encode());
    }

    private boolean acceptsProposals() {
        return role == Role.LEADER && leader.transferee() == NONE
            && log.lastIndex() - log.committed() < config.maxUncommittedEntries();
    }

    private long appendOwn(final EntryType type, final byte[] data) {
        final Entry e = new Entry(log.lastIndex() + 1, term, type, data);
        log.append(e);
        if (type == EntryType.CONF_CHANGE) {
            membership.onAppend(e);
            leader.reconfigure(membership.current(), e.index());
        }
        leader.onEntriesAppended();
        return e.index();
    }

    /**
     * Leader only: a linearizable read. A {@link ReadState} with this context comes out in a later Ready once a
     * heartbeat quorum confirmed the leadership (a single voter: in the next Ready); dropped if not leader.
     *
     * @param context the caller's id for the read.
     */
    public void readIndex(final long context) {
        wake();
        if (role == Role.LEADER) {
            leader.readIndex(context);
        }
    }

    /**
     * @return the commit index if this peer is leader, holds a valid lease (see {@link RaftConfig}), has committed an
     *     entry of its term and started no transfer in this term; else -1. Read once applied reaches it.
     */
    public long leaseReadIndex() {
        wake();
        if (role != Role.LEADER || leader.transferee() != NONE || !leader.committedInTerm()
            || !leader.leaseValid(clock.now())) {
            return -1;
        }
        return log.committed();
    }

    /**
     * Leader only: hand leadership to a voter. Proposals are refused until it succeeds or an election timeout
     * passes; the target is brought up to date, then told to campaign at once (TIMEOUT_NOW).
     *
     * @param toPeer the target.
     */
    public void transferLeadership(final long toPeer) {
        wake();
        if (role == Role.LEADER && toPeer != id && leader.transfer(toPeer)) {
            clock.restart();
        }
    }

    /** @param peer the transport could not deliver to it: replication to it falls back to probing. */
    public void reportUnreachable(final long peer) {
        wake();
        if (role == Role.LEADER) {
            leader.onUnreachable(peer);
        }
    }

    /**
     * The snapshot stream to {@code peer} ended. Must follow every SNAPSHOT sent: the leader waits for it.
     *
     * @param peer      the snapshot's target.
     * @param delivered true if it arrived (replication resumes after the follower's answer), false if it failed (the
     *                  leader tries again after the peer's next heartbeat answer).
     */
    public void reportSnapshot(final long peer, final boolean delivered) {
        wake();
        if (role == Role.LEADER) {
            leader.onSnapshotReport(peer, delivered);
        }
    }

    /** The state machine snapshotted up to an applied {@code index}: in-memory entries up to it may go. */
    public void compact(final long index) {
        if (index > log.applied()) {
            throw new IllegalArgumentException("compact " + index + " beyond applied " + log.applied());
        }
        log.compact(index);
    }

    // ---------------------------------------------------------------- roles

    private boolean promotable() {
        return membership.current().isVoter(id) && !log.hasUnpersistedSnapshot();
    }

    private void campaign(final boolean transfer) {
        if (!transfer && config.preVote()) {
            becomePreCandidate();
        } else {
            becomeCandidate(transfer);
        }
    }

    private void becomePreCandidate() {
        stopLeading();
        role = Role.PRE_CANDIDATE;
        leaderId = NONE;
        clock.reset();
        votes.reset(membership.current());
        votes.record(id, true);
        requestVotes(MessageType.PRE_VOTE, term + 1, 0);
        if (votes.outcome() == VoteTally.Outcome.WON) {
            becomeCandidate(false);
        }
    }

    private void becomeCandidate(final boolean transfer) {
        stopLeading();
        term++;
        vote = id;
        role = Role.CANDIDATE;
        leaderId = NONE;
        clock.reset();
        votes.reset(membership.current());
        votes.record(id, true);
        requestVotes(MessageType.VOTE, term, transfer ? CAMPAIGN_TRANSFER : 0);
        maybeBecomeLeader();
    }

    private void requestVotes(final MessageType type, final long campaignTerm, final long context) {
        final long lastIndex = log.lastIndex();
        final long lastTerm = log.lastTerm();
        for (final long voter : membership.current().voters()) {
            if (voter != id) {
                outbox.send(new RaftMessage(type, regionId, id, voter, campaignTerm, lastTerm, lastIndex, 0, false, 0,
                    context, List.of(), null));
            }
        }
    }

    /** Wins only once its own vote is durable: a vote lost in a crash could otherwise be cast twice in the term. */
    private void maybeBecomeLeader() {
        if (role == Role.CANDIDATE && votes.outcome() == VoteTally.Outcome.WON && readies.isDurable(term, id)) {
            becomeLeader();
        }
    }

    private void becomeLeader() {
        role = Role.LEADER;
        leaderId = id;
        clock.becameLeader();
        leader.start(term, membership.current(), log.lastIndex() + 1);
        log.cacheApplied(true);
        log.append(new Entry(log.lastIndex() + 1, term, EntryType.NORMAL, null));
        leader.onEntriesAppended();
    }

    private void becomeFollower(final long newTerm, final long newLeader) {
        // The election timer restarts on hearing from a leader (or on granting a vote, in onVoteRequest), not on
        // merely seeing a higher term (Raft §5.2): otherwise candidates that cannot win (stale logs) keep resetting
        // the timer of the one peer that could.
        if (role == Role.LEADER || newLeader != NONE) {
            clock.reset();
        }
        stopLeading();
        if (newTerm > term) {
            term = newTerm;
            vote = NONE;
        }
        role = Role.FOLLOWER;
        leaderId = newLeader;
    }

    private void stopLeading() {
        if (role == Role.LEADER) {
            leader.stop();
            log.cacheApplied(false);
        }
    }

    /** After the commit index moved on a leader: a leader no longer a voter steps down once its removal commits. */
    private void afterLeaderCommit() {
        membership.foldCommitted(log.committed());
        if (!membership.current().isVoter(id) && log.committed() >= membership.lastConfIndex()) {
            becomeFollower(term, NONE);
        }
    }

    private void respond(final RaftMessage to, final MessageType type, final long responseTerm, final boolean reject) {
        outbox.send(new RaftMessage(type, regionId, id, to.from(), responseTerm, 0, 0, 0, reject, 0, 0, List.of(),
            null));
    }

    // ---------------------------------------------------------------- Ready

    /** @return true if {@link #ready()} has something and no Ready is outstanding. */
    public boolean hasReady() {
        if (readies.outstanding()) {
            return false;
        }
        if (role == Role.LEADER && leader.hasPendingOutput()) {
            leader.flush(clock.now());
        }
        return readies.hasReady(term, vote, leaderId, role);
    }

    /**
     * @return what to persist, send and apply now; see {@link Ready} for the order.
     * @throws IllegalStateException if the previous Ready was not advanced.
     */
    public Ready ready() {
        if (readies.outstanding()) {
            throw new IllegalStateException("advance the previous Ready first");
        }
        if (role == Role.LEADER) {
            leader.flush(clock.now());
        }
        return readies.build(term, vote, leaderId, role);
    }

    /**
     * Everything in {@code ready} was handled as its rules say: its snapshot, entries and hard state are durable and
     * its committed entries applied.
     *
     * @param ready the Ready last returned by {@link #ready()}.
     * @throws IllegalStateException if it is not the outstanding Ready.
     */
    public void advance(final Ready ready) {
        afterDurable(readies.advance(ready));
    }

    /**
     * Everything in {@code ready} was handled as its rules say except its durability: its entries and hard state are
     * written and their sync is underway, and its {@link Ready#messagesAfterPersist()} are held until then. Its
     * committed entries count as applied; its entries count as durable (for the leader's own vote in the commit
     * quorum, a candidate's own vote) only once {@link #persisted()} says so. The next Ready may be taken at once, so
     * the driver writes, sends and applies while the disk works. A Ready with a snapshot is advanced with
     * {@link #advance} only, and only once nothing waits for a sync.
     *
     * @param ready the Ready last returned by {@link #ready()}.
     * @throws IllegalStateException if it is not the outstanding Ready, or holds a snapshot.
     */
    public void advanceWritten(final Ready ready) {
        readies.advanceWritten(ready);
    }

    /** The oldest Ready advanced by {@link #advanceWritten} is durable now; Readies become durable in order. */
    public void persisted() {
        afterDurable(readies.persistedOldest());
    }

    private void afterDurable(final boolean newDurableEntries) {
        if (role == Role.CANDIDATE) {
            maybeBecomeLeader();
        } else if (role == Role.LEADER && newDurableEntries && leader.maybeCommit()) {
            afterLeaderCommit();
        }
    }

    /**
     * A follower that may vote starts an election at once (pre-vote first), as a split's new peer on the leader does; a
     * pre-candidate asks again (a pre-vote changes no term, so asking again is safe).
     */
    public void campaignNow() {
        wake();
        if ((role == Role.FOLLOWER || role == Role.PRE_CANDIDATE) && promotable()) {
            campaign(false);
        }
    }

    /**
     * Leader only: stops leading in this term, because the driver found it cannot replicate its log (an entry larger
     * than any frame its transport can send). It becomes a follower and waits an extra election timeout before it
     * campaigns, so a peer without that entry is elected and overwrites it; until then nothing commits anyway.
     */
    public void stepDown() {
        wake();
        if (role == Role.LEADER) {
            becomeFollower(term, NONE);
            clock.delayCampaign();
        }
    }

    /** @return whether this peer hibernates: it ignores ticks until a message or a request wakes it. */
    public boolean hibernating() {
        return hibernation.asleep();
    }

    /** The driver saw the store of this peer's leader silent for an election timeout: see {@link Hibernation}. */
    public void onLeaderStoreSilent() {
        if (role != Role.LEADER) {
            hibernation.onLeaderStoreSilent();
        }
    }

    /**
     * The driver saw the store of one of a sleeping leader's followers silent for an election timeout: the leader
     * wakes, so its check-quorum notices if it lost a quorum (an isolated leader steps down, as an awake one does).
     */
    public void onFollowerStoreSilent() {
        if (role == Role.LEADER && hibernation.asleep()) {
            wake();
        }
    }

    private void wake() {
        hibernation.wake(role == Role.LEADER);
    }

    /** @return whether this peer knows a membership (an uninitialized one, made by a message, knows none). */
    public boolean hasMembership() {
        return membership.current().voters().length > 0;
    }

    /** @return whether to step messages of this peer: a member now, or a removed peer the leader still informs. */
    public boolean knowsPeer(final long peerId) {
        return membership.current().isMember(peerId) || (role == Role.LEADER && leader.tracker().get(peerId) != null);
    }

    /** @return this peer's state, for diagnostics (allocates). */
    public RaftStatus status() {
        return new RaftStatus(id, role, term, vote, leaderId, log.committed(), log.applied(), log.firstIndex(),
            log.lastIndex(), log.stableIndex(), membership.current(),
            role == Role.LEADER ? leader.transferee() : NONE, dropped + leader.dropped() + replica.dropped());
    }

    /** @return leader only: every other peer's replication state (allocates); empty on a follower. */
    public List<PeerProgress> peerProgress() {
        if (role != Role.LEADER) {
            return List.of();
        }
        final ProgressTracker tracker = leader.tracker();
        final PeerProgress[] peers = new PeerProgress[tracker.size()];
        for (int i = 0; i < peers.length; i++) {
            final Progress p = tracker.at(i);
            peers[i] = new PeerProgress(p.id, p.learner, p.match, p.state == Progress.State.SNAPSHOT, p.silentRounds);
        }
        return List.of(peers);
    }

    /** @return the log view, for tests in this package. */
    RaftLogView logView() {
        return log;
    }

    /** @return the leader's replication state, for tests in this package. */
    ProgressTracker progress() {
        return leader.tracker();
    }
}
