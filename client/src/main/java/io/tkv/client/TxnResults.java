package io.tkv.client;

import java.util.List;

/** The typed answers of {@link TxnRpc}'s requests that answer more than done. */
public final class TxnResults {
    private TxnResults() {
    }

    /**
     * A prewrite's answer (over every region of the request).
     *
     * @param minCommitTs   async commit: the largest min commit ts the regions computed (the commit ts once all
     *                      keys are prewritten); 0 for 2PC.
     * @param onePcCommitTs 1PC: the commit ts the keys committed at; 0 if not committed by 1PC.
     */
    public record Prewrite(long minCommitTs, long onePcCommitTs) {
    }

    /**
     * Check-txn-status's answer.
     *
     * @param action            what the store found or did: ROLLED_BACK, TTL_EXPIRED, LOCK_NOT_EXIST, COMMITTED,
     *                          UNCOMMITTED, PESSIMISTIC_ROLLED_BACK, LOCK_NOT_EXIST_DO_NOTHING.
     * @param commitTs          the commit ts if COMMITTED, else 0.
     * @param lockTtl           the primary lock's ttl if UNCOMMITTED, else 0.
     * @param minCommitTsPushed UNCOMMITTED: whether the lock's min commit ts is now above the caller's start ts.
     * @param primaryLock       the primary's lock if UNCOMMITTED, else null.
     */
    public record TxnStatus(String action, long commitTs, long lockTtl, boolean minCommitTsPushed,
        TxnLockInfo primaryLock) {
        /** @return whether the transaction committed. */
        public boolean committed() {
            return commitTs != 0;
        }

        /** @return whether the transaction is still locked and alive. */
        public boolean uncommitted() {
            return "UNCOMMITTED".equals(action);
        }
    }

    /**
     * Check-secondary-locks' answer, over every region asked.
     *
     * @param locks      when neither committed nor rolled back: the locks found (keys not named).
     * @param commitTs   the commit ts if a key was committed, else 0.
     * @param rolledBack whether a key was rolled back.
     */
    public record SecondaryLocks(List<TxnLockInfo> locks, long commitTs, boolean rolledBack) {
    }
}
