package io.tkv.txn.history;

import java.util.List;

/**
 * One transaction of a history.
 *
 * @param id         unique in its history.
 * @param process    the client (process, thread) that ran it; each runs one transaction at a time.
 * @param invokeNs   monotonic time it was invoked.
 * @param completeNs monotonic time its outcome was known ({@link Long#MAX_VALUE} if never).
 * @param outcome    how it ended.
 * @param ops        its micro-ops in program order; reads carry results for {@link Outcome#OK} only.
 */
public record Txn(int id, int process, long invokeNs, long completeNs, Outcome outcome, List<MicroOp> ops) {
    public Txn {
        ops = List.copyOf(ops);
    }

    public boolean isOk() {
        return outcome == Outcome.OK;
    }

    @Override
    public String toString() {
        return "T" + id + "(p" + process + " " + outcome + " " + ops + ")";
    }
}
