package io.tkv.raft.core;

/**
 * The leader's {@link Progress} of every other member, and the quorum arithmetic over the voters. The leader
 * itself has no Progress: its own values (durable index, current round, current tick) are passed in, and count only
 * while it is a voter of the configuration in effect. Arrays and a scratch buffer; no allocation except on a
 * membership change.
 */
final class ProgressTracker {
    private static final Progress[] NO_PEERS = new Progress[0];

    private final long selfId;
    private final int maxInflight;
    private Progress[] peers = NO_PEERS;
    private boolean selfVoter;
    private int voters;
    private long[] scratch = new long[8];

    ProgressTracker(final long selfId, final int maxInflight) {
        this.selfId = selfId;
        this.maxInflight = maxInflight;
    }

    /** A new leader term: everyone probes from {@code nextIndex}. */
    void reset(final ConfState conf, final long nextIndex) {
        peers = NO_PEERS;
        reconfigure(conf, nextIndex, 0);
    }

    /**
     * A configuration entry at {@code confIndex} was appended: keep the Progress of remaining peers, add new ones, and
     * keep removed ones as non-voting "leaving" peers (see {@link Progress#leavingAt}).
     */
    void reconfigure(final ConfState conf, final long nextIndex, final long confIndex) {
        final long[] voterIds = conf.voters();
        final long[] learnerIds = conf.learners();
        int leaving = 0;
        for (final Progress p : peers) {
            if (!conf.isVoter(p.id) && !conf.isLearner(p.id)) {
                leaving++;
            }
        }
        int others = leaving;
        for (final long v : voterIds) {
            others += v == selfId ? 0 : 1;
        }
        for (final long l : learnerIds) {
            others += l == selfId ? 0 : 1;
        }
        final Progress[] updated = new Progress[others];
        int at = 0;
        for (final long v : voterIds) {
            if (v != selfId) {
                updated[at++] = keepOrCreate(v, false, nextIndex);
            }
        }
        for (final long l : learnerIds) {
            if (l != selfId) {
                updated[at++] = keepOrCreate(l, true, nextIndex);
            }
        }
        for (final Progress p : peers) {
            if (!conf.isVoter(p.id) && !conf.isLearner(p.id)) {
                p.learner = true;
                if (p.leavingAt == 0) {
                    p.leavingAt = confIndex;
                }
                updated[at++] = p;
            }
        }
        peers = updated;
        selfVoter = conf.isVoter(selfId);
        voters = voterIds.length;
        if (scratch.length < voters) {
            scratch = new long[voters];
        }
    }

    private Progress keepOrCreate(final long id, final boolean learner, final long nextIndex) {
        final Progress existing = get(id);
        if (existing != null) {
            existing.learner = learner;
            existing.leavingAt = 0;
            return existing;
        }
        return new Progress(id, learner, nextIndex, maxInflight);
    }

    /**
     * Forgets leaving peers whose removal is committed, which hold it, and which were sent a commit index that covers
     * it: a removed peer learns that its removal committed, and so applies it (its store then destroys its copy of the
     * region), only from the leader's messages, which stop once it is forgotten.
     */
    void pruneLeaving(final long commitIndex) {
        int keep = 0;
        for (final Progress p : peers) {
            if (!isGone(p, commitIndex)) {
                keep++;
            }
        }
        if (keep == peers.length) {
            return;
        }
        final Progress[] updated = new Progress[keep];
        int at = 0;
        for (final Progress p : peers) {
            if (!isGone(p, commitIndex)) {
                updated[at++] = p;
            }
        }
        peers = updated;
    }

    private static boolean isGone(final Progress p, final long commitIndex) {
        return p.leavingAt > 0 && p.leavingAt <= commitIndex && p.match >= p.leavingAt && p.sentCommit >= p.leavingAt;
    }

    int size() {
        return peers.length;
    }

    Progress at(final int i) {
        return peers[i];
    }

    /** @return the Progress of {@code id}, or null if it is not a member (or is the leader itself). */
    Progress get(final long id) {
        for (final Progress p : peers) {
            if (p.id == id) {
                return p;
            }
        }
        return null;
    }

    boolean selfVoter() {
        return selfVoter;
    }

    int quorum() {
        return voters / 2 + 1;
    }

    /** @return the highest index durable on a quorum of voters. */
    long quorumMatch(final long selfDurableIndex) {
        int n = 0;
        if (selfVoter) {
            scratch[n++] = selfDurableIndex;
        }
        for (final Progress p : peers) {
            if (!p.learner) {
                scratch[n++] = p.match;
            }
        }
        return quorumValue(n);
    }

    /** @return the highest heartbeat round a quorum of voters acknowledged (ReadIndex). */
    long quorumAckedRound(final long selfRound) {
        int n = 0;
        if (selfVoter) {
            scratch[n++] = selfRound;
        }
        for (final Progress p : peers) {
            if (!p.learner) {
                scratch[n++] = p.ackedRound;
            }
        }
        return quorumValue(n);
    }

    /** @return the latest send tick of a round a quorum of voters acknowledged (the lease start). */
    long quorumAckedSentTick(final long nowTick) {
        int n = 0;
        if (selfVoter) {
            scratch[n++] = nowTick;
        }
        for (final Progress p : peers) {
            if (!p.learner) {
                scratch[n++] = p.ackedRoundSentTick;
            }
        }
        return quorumValue(n);
    }

    /** @return true if a quorum of voters was heard from since the last {@link #resetRecentActive()}. */
    boolean quorumActive() {
        int active = selfVoter ? 1 : 0;
        for (final Progress p : peers) {
            if (!p.learner && p.recentActive) {
                active++;
            }
        }
        return active >= quorum();
    }

    void resetRecentActive() {
        for (final Progress p : peers) {
            p.silentRounds = p.recentActive ? 0 : p.silentRounds + 1;
            p.recentActive = false;
        }
    }

    /** The quorum()-th largest of scratch[0, n): a value at least a quorum of voters has reached. */
    private long quorumValue(final int n) {
        if (n == 0) {
            return Long.MIN_VALUE;
        }
        for (int i = 1; i < n; i++) {
            final long v = scratch[i];
            int j = i - 1;
            while (j >= 0 && scratch[j] > v) {
                scratch[j + 1] = scratch[j];
                j--;
            }
            scratch[j + 1] = v;
        }
        final int index = n - quorum();
        return index < 0 ? Long.MIN_VALUE : scratch[index];
    }
}
