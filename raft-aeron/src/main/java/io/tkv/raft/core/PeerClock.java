package io.tkv.raft.core;

import java.util.random.RandomGenerator;

/**
 * A peer's clocks, all in ticks: the tick count (what heartbeat rounds and the lease are stamped with), a follower's
 * randomized election timeout, a leader's heartbeat interval and check-quorum window (one election timeout), and how
 * long since the peer heard a leader (below an election timeout it refuses votes: leader stickiness and the lease, see
 * {@link RaftConfig}). Owned by {@link RaftNode}, which decides what each event means for them.
 */
final class PeerClock {
    private final int electionTimeout;
    private final int heartbeatInterval;
    private final RandomGenerator random;
    private long ticks;
    private int electionElapsed;
    private int randomizedTimeout;
    private int heartbeatElapsed;
    private int sinceLeader;

    PeerClock(final RaftConfig config) {
        this.electionTimeout = config.electionTimeoutTicks();
        this.heartbeatInterval = config.heartbeatIntervalTicks();
        this.random = config.random();
        reset();
    }

    /** @return ticks counted so far. */
    long now() {
        return ticks;
    }

    void tick() {
        ticks++;
    }

    /** A follower's or candidate's tick. @return true once its randomized election timeout has run out. */
    boolean electionTimedOut() {
        if (sinceLeader < Integer.MAX_VALUE) {
            sinceLeader++;
        }
        if (electionElapsed < randomizedTimeout) {
            electionElapsed++;
        }
        return electionElapsed >= randomizedTimeout;
    }

    /** A leader's tick. @return true when a check-quorum window (an election timeout) ends; the next one starts. */
    boolean leaderWindowEnded() {
        heartbeatElapsed++;
        if (++electionElapsed >= electionTimeout) {
            electionElapsed = 0;
            return true;
        }
        return false;
    }

    /** @return true if a heartbeat round is due (and counts the next interval from now). */
    boolean heartbeatDue() {
        if (heartbeatElapsed >= heartbeatInterval) {
            heartbeatElapsed = 0;
            return true;
        }
        return false;
    }

    /** A new randomized election timeout, counted from now. */
    void reset() {
        electionElapsed = 0;
        randomizedTimeout = electionTimeout + random.nextInt(electionTimeout);
    }

    /** Counts the election timeout (or the leader's window) from now again, keeping its length. */
    void restart() {
        electionElapsed = 0;
    }

    void heardLeader() {
        electionElapsed = 0;
        sinceLeader = 0;
    }

    void becameLeader() {
        electionElapsed = 0;
        heartbeatElapsed = 0;
        sinceLeader = electionTimeout;
    }

    /** @return whether a leader was heard less than an election timeout ago. */
    boolean heardLeaderRecently() {
        return sinceLeader < electionTimeout;
    }

    /** An extra election timeout before the next campaign. */
    void delayCampaign() {
        electionElapsed = -electionTimeout;
    }

    /**
     * A leader wakes from hibernation: it did not count the ticks it slept through, so the count jumps past any lease
     * of a round sent before; its window restarts and a heartbeat round is due at the next tick.
     */
    void wakeLeader(final int leaseTicks) {
        ticks += leaseTicks + 1;
        electionElapsed = 0;
        heartbeatElapsed = heartbeatInterval;
    }

    /** The leader's store was silent for an election timeout: counted as an election timeout without a leader. */
    void leaderSilentForATimeout() {
        sinceLeader = Math.max(sinceLeader, electionTimeout);
        electionElapsed = electionTimeout;
    }
}
