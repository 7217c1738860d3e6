package io.tkv.raft.core;

import java.util.Arrays;

/**
 * A group's membership: the peers that vote and the learners that only replicate. Peer ids are positive and
 * unique across the cluster (a store-local peer id, as in TiKV, not a store id).
 *
 * @param voters   ids of voting peers, sorted, no duplicates.
 * @param learners ids of non-voting peers, sorted, disjoint from {@code voters}.
 */
public record ConfState(long[] voters, long[] learners) {
    public ConfState {
        voters = sortedCopy(voters);
        learners = sortedCopy(learners);
        for (final long learner : learners) {
            if (Arrays.binarySearch(voters, learner) >= 0) {
                throw new IllegalArgumentException("peer " + learner + " is both voter and learner");
            }
        }
    }

    /** @return a membership of these voters and no learners. */
    public static ConfState ofVoters(final long... voters) {
        return new ConfState(voters, new long[0]);
    }

    /** @return true when {@code id} is a voter. */
    public boolean isVoter(final long id) {
        return Arrays.binarySearch(voters, id) >= 0;
    }

    /** @return true when {@code id} is a learner. */
    public boolean isLearner(final long id) {
        return Arrays.binarySearch(learners, id) >= 0;
    }

    /** @return whether the peer is a voter or a learner. */
    public boolean isMember(final long id) {
        return isVoter(id) || isLearner(id);
    }

    /**
     * The membership after {@code change}. A change sets one peer's standing (voter, learner or absent) whatever it
     * was, so replaying a change that is already included gives the same membership: drivers and the core may
     * replay configuration entries over a membership taken at any index before them.
     *
     * @param change the change to apply.
     * @return the new membership (this one if nothing changes).
     */
    public ConfState apply(final ConfChange change) {
        final long peer = change.peerId();
        final boolean voter = isVoter(peer);
        final boolean learner = isLearner(peer);
        switch (change.type()) {
            case ADD_VOTER:
                return voter ? this : new ConfState(with(voters, peer), without(learners, peer));
            case ADD_LEARNER:
                return learner ? this : new ConfState(without(voters, peer), with(learners, peer));
            case REMOVE_PEER:
                return voter || learner ? new ConfState(without(voters, peer), without(learners, peer)) : this;
            default:
                throw new IllegalArgumentException("unknown conf change " + change);
        }
    }

    private static long[] with(final long[] ids, final long id) {
        if (Arrays.binarySearch(ids, id) >= 0) {
            return ids;
        }
        final long[] copy = Arrays.copyOf(ids, ids.length + 1);
        copy[ids.length] = id;
        return copy;
    }

    private static long[] without(final long[] ids, final long id) {
        final int at = Arrays.binarySearch(ids, id);
        if (at < 0) {
            return ids;
        }
        final long[] copy = new long[ids.length - 1];
        System.arraycopy(ids, 0, copy, 0, at);
        System.arraycopy(ids, at + 1, copy, at, ids.length - at - 1);
        return copy;
    }

    private static long[] sortedCopy(final long[] ids) {
        final long[] copy = ids == null ? new long[0] : ids.clone();
        Arrays.sort(copy);
        for (int i = 0; i < copy.length; i++) {
            if (copy[i] <= 0 || (i > 0 && copy[i] == copy[i - 1])) {
                throw new IllegalArgumentException("bad or duplicate peer id " + copy[i]);
            }
        }
        return copy;
    }

    @Override
    public boolean equals(final Object other) {
        return other instanceof ConfState c && Arrays.equals(c.voters, voters) && Arrays.equals(c.learners, learners);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(voters) * 31 + Arrays.hashCode(learners);
    }

    @Override
    public String toString() {
        return "ConfState{voters=" + Arrays.toString(voters) + ", learners=" + Arrays.toString(learners) + "}";
    }
}
