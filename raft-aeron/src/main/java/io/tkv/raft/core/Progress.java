package io.tkv.raft.core;

/**
 * What the leader knows of one follower or learner (etcd's tracker.Progress): how far its log matches, what to send
 * next, and in which of three states replication to it is.
 */
final class Progress {
    /** Replication states. */
    enum State {
        /** Not known where the logs match: one APPEND at a time, the next one after its answer. */
        PROBE,
        /** Logs match up to {@code match}: APPENDs are pipelined, bounded by the in-flight window. */
        REPLICATE,
        /** A snapshot is on its way; nothing else is sent until it is reported or acknowledged. */
        SNAPSHOT
    }

    final long id;
    final Inflights inflights;
    /** Does not vote: a learner, or a peer removed by the configuration in effect (see {@link #leavingAt}). */
    boolean learner;
    /**
     * Index of the configuration entry that removed this peer, 0 for a member. The leader keeps replicating to a
     * leaving peer until the removal is committed and the peer holds it, so it learns it was removed and stops
     * campaigning.
     */
    long leavingAt;
    State state = State.PROBE;
    long match;
    long next;
    /** PROBE: an APPEND is out, wait for its answer (or a heartbeat response) before the next one. */
    boolean probeSent;
    long pendingSnapshot;
    /** The leader commit index last sent in an APPEND: an empty APPEND only to tell a newer one. */
    long sentCommit;
    /** Heard from since the last check-quorum round. */
    boolean recentActive = true;
    /** Check-quorum rounds in a row this peer was not heard from in (0: heard from in the last one). */
    int silentRounds;
    /** Highest heartbeat round this peer acknowledged in the leader's term, and the tick that round was sent at. */
    long ackedRound;
    long ackedRoundSentTick = Long.MIN_VALUE;

    Progress(final long id, final boolean learner, final long next, final int maxInflight) {
        this.id = id;
        this.learner = learner;
        this.next = next;
        this.inflights = new Inflights(maxInflight);
    }

    boolean isPaused() {
        switch (state) {
            case PROBE:
                return probeSent;
            case REPLICATE:
                return inflights.full();
            case SNAPSHOT:
                return true;
            default:
                throw new IllegalStateException(state.name());
        }
    }

    void becomeProbe() {
        if (state == State.SNAPSHOT) {
            // Either the snapshot landed (next after it) or it failed (pendingSnapshot reset to 0 by the caller).
            next = Math.max(match + 1, pendingSnapshot + 1);
        } else {
            next = match + 1;
        }
        state = State.PROBE;
        pendingSnapshot = 0;
        probeSent = false;
        inflights.reset();
    }

    void becomeReplicate() {
        state = State.REPLICATE;
        next = match + 1;
        probeSent = false;
        inflights.reset();
    }

    void becomeSnapshot(final long snapshotIndex) {
        state = State.SNAPSHOT;
        pendingSnapshot = snapshotIndex;
        probeSent = false;
        inflights.reset();
    }

    /** An accepting answer up to {@code index}: @return true if the match index moved. */
    boolean maybeUpdate(final long index) {
        boolean updated = false;
        if (match < index) {
            match = index;
            updated = true;
            probeSent = false;
        }
        next = Math.max(next, index + 1);
        return updated;
    }

    /**
     * A rejection of the APPEND whose previous index was {@code rejected}; {@code matchHint} is the highest index the
     * logs may match at (the follower's hint, refined by the leader's log). As etcd's MaybeDecrTo.
     *
     * @return false if the rejection is stale and must be ignored.
     */
    boolean maybeDecreaseTo(final long rejected, final long matchHint) {
        if (state == State.REPLICATE) {
            if (rejected <= match) {
                return false;
            }
            next = match + 1;
            return true;
        }
        if (next - 1 != rejected || rejected <= match) {
            // Stale: an answer to an older probe, or one contradicting an acknowledgement (never re-send on it).
            return false;
        }
        next = Math.max(Math.min(rejected, matchHint + 1), match + 1);
        probeSent = false;
        return true;
    }

    /** An APPEND with entries up to {@code lastIndex} (or none: {@code lastIndex} is next - 1) was sent. */
    void onAppendSent(final int entryCount, final long lastIndex) {
        if (state == State.REPLICATE) {
            if (entryCount > 0) {
                next = lastIndex + 1;
                inflights.add(lastIndex);
            }
        } else if (state == State.PROBE) {
            probeSent = true;
        }
    }

    @Override
    public String toString() {
        final String kind = leavingAt > 0 ? " leaving " : learner ? " learner " : " ";
        return "Progress{" + id + kind + state + " match=" + match + " next=" + next + (probeSent ? " paused" : "")
            + " inflight=" + inflights.count() + "}";
    }
}
