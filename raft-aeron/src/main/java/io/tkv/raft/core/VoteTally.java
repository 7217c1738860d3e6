package io.tkv.raft.core;

import java.util.Arrays;

/** The votes (or pre-votes) of one campaign, counted over the voters of the configuration in effect. */
final class VoteTally {
    /** Where a campaign stands. */
    enum Outcome {
        PENDING,
        WON,
        LOST
    }

    private static final byte NONE = 0;
    private static final byte GRANTED = 1;
    private static final byte REJECTED = 2;

    private long[] voters = new long[0];
    private byte[] results = new byte[0];
    private int granted;
    private int rejected;

    void reset(final ConfState conf) {
        voters = conf.voters();
        if (results.length < voters.length) {
            results = new byte[voters.length];
        }
        Arrays.fill(results, NONE);
        granted = 0;
        rejected = 0;
    }

    /** Counts the first answer of each voter; answers from non-voters are ignored. */
    void record(final long id, final boolean grant) {
        for (int i = 0; i < voters.length; i++) {
            if (voters[i] == id) {
                if (results[i] == NONE) {
                    results[i] = grant ? GRANTED : REJECTED;
                    if (grant) {
                        granted++;
                    } else {
                        rejected++;
                    }
                }
                return;
            }
        }
    }

    Outcome outcome() {
        final int quorum = voters.length / 2 + 1;
        if (granted >= quorum) {
            return Outcome.WON;
        }
        if (rejected > voters.length - quorum) {
            return Outcome.LOST;
        }
        return Outcome.PENDING;
    }
}
