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
