package io.tkv.raft.core;

/**
 * Whether a group sleeps: a hibernated peer neither ticks nor sends, so an idle region costs its store nothing per tick
 * (TiKV's hibernate regions). Owned by {@link RaftNode}, which asks it at each leader tick and tells it of every input.
 *
 * <p><b>Falling asleep.</b> A leader sleeps once its group has been <i>settled</i> for {@link
 * RaftConfig#hibernateAfterTicks()} ticks in a row ({@link Leader#settled(long)}: nothing proposed, read or
 * transferred; every entry committed, durable here and handed to the state machine; every voter and learner matching
 * the last index and acknowledging a heartbeat round that told it the commit index, sent within the last half election
 * timeout). It then sends each member a HIBERNATE (its last index and term, its commit) and stops. A follower whose log
 * ends at that index and term takes the commit and stops its election timer; one that does not match stays awake (its
 * timer runs out, its pre-vote wakes the group, and the leader settles it again). The notice is not answered: an answer
 * would wake the leader. A lost notice costs the same detour.
 *
 * <p><b>Waking.</b> Any message (but an answer to one of a sleeping leader's own heartbeat rounds), proposal, read,
 * membership change, campaign or transfer request wakes the peer. A leader resumes heartbeats at its next tick and
 * restarts its check-quorum window; since it did not count the ticks it slept through, it also stops trusting the lease
 * of any round sent before ({@link PeerClock#wakeLeader}), so a read after waking takes a ReadIndex round, and it
 * sleeps again only once every member acknowledged a round sent after it woke. A leader cannot see its followers go
 * while asleep either: the driver wakes it when one of their stores has been silent for an election timeout ({@link
 * RaftNode#onFollowerStoreSilent()}), so that check-quorum steps it down if it lost its quorum. Since the driver
 * reports a store once, a leader awake then must not fall asleep afterwards on answers from before its followers went
 * silent: it sleeps only on answers to a round sent within half an election timeout ({@link Leader#settled}). A
 * follower resumes its election timer with a fresh randomized timeout; it keeps its count of ticks since it heard the
 * leader where it was, which only makes it refuse votes longer (the lease stays safe). A follower cannot see its leader
 * die while asleep, so the driver watches the leader's store instead, with a store-to-store heartbeat: when that store
 * has been silent for an election timeout it calls {@link RaftNode#onLeaderStoreSilent()}, which wakes the follower as
 * if its timer had run an election timeout, so it campaigns within the next one, as it would have without hibernation.
 */
final class Hibernation {
    private final int afterTicks;
    private final int leaseTicks;
    private final PeerClock clock;
    private final Leader leader;
    private boolean asleep;
    private int quietTicks;

    /** @param config the peer's settings (quiet ticks before a settled leader sleeps, 0: never; the lease). */
    Hibernation(final RaftConfig config, final PeerClock clock, final Leader leader) {
        this.afterTicks = config.hibernateAfterTicks();
        this.leaseTicks = config.leaseTicks();
        this.clock = clock;
        this.leader = leader;
    }

    boolean enabled() {
        return afterTicks > 0;
    }

    boolean asleep() {
        return asleep;
    }

    /**
     * One leader tick.
     *
     * @param settled whether the group is settled now.
     * @return true if the leader falls asleep now (it sends its HIBERNATE notices).
     */
    boolean onLeaderTick(final boolean settled) {
        if (!settled || afterTicks == 0) {
            quietTicks = 0;
            return false;
        }
        if (++quietTicks < afterTicks) {
            return false;
        }
        quietTicks = 0;
        asleep = true;
        return true;
    }

    /** A follower took its leader's HIBERNATE: it sleeps if hibernation is on here. */
    void sleepAsFollower() {
        asleep = afterTicks > 0;
    }

    /**
     * @param leaderHearsItsRound whether the peer leads and the message is of its term.
     * @return whether a message leaves a sleeping peer asleep: only an answer to a heartbeat round of its own. Those
     *     change nothing in a settled group, and the answers to the last rounds before it fell asleep must not wake it
     *     (it would settle, sleep and be woken by the last round's answers again, for ever).
     */
    boolean sleepsThrough(final RaftMessage m, final boolean leaderHearsItsRound) {
        return leaderHearsItsRound && m.type() == MessageType.HEARTBEAT_RESPONSE;
    }

    /**
     * Any input (a lease read too: a region read from keeps its lease): the quiet ticks start again, and the peer
     * wakes if it slept. A leader restarts its heartbeats and check-quorum window and distrusts
     * every lease from before (it did not count the ticks it slept through); a follower restarts its election timer.
     *
     * @return true if the peer was asleep.
     */
    boolean wake(final boolean isLeader) {
        quietTicks = 0;
        if (!asleep) {
            return false;
        }
        asleep = false;
        if (isLeader) {
            clock.wakeLeader(leaseTicks);
            leader.resetRecentActive();
            leader.unsettle();
        } else {
            clock.reset();
        }
        return true;
    }

    /**
     * The store of a sleeping follower's leader was silent for an election timeout: it wakes as if its election timer
     * had run that long, so it campaigns within the next election timeout as it would have without hibernation, and
     * may vote (it has not heard the leader for that long either).
     */
    void onLeaderStoreSilent() {
        if (wake(false)) {
            clock.leaderSilentForATimeout();
        }
    }
}
