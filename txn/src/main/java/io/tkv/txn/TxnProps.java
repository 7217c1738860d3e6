package io.tkv.txn;

/**
 * What a prewrite knows about its transaction, as TiKV's {@code TransactionProperties}.
 *
 * @param primary             the primary user key.
 * @param startTs             the start ts.
 * @param forUpdateTs         the pessimistic transaction's for-update ts; 0 for an optimistic transaction.
 * @param lockTtl             the locks' ttl in milliseconds.
 * @param txnSize             the number of keys in the transaction.
 * @param minCommitTs         the client's lower bound for the commit ts (0: none).
 * @param commitKind          2PC, async commit or 1PC.
 * @param maxCommitTs         for async commit and 1PC: the largest commit ts the client accepts (0: no limit);
 *                            a larger computed one makes the key fall back to 2PC.
 * @param skipConstraintCheck for an optimistic transaction: skip the check against newer commits (the client knows
 *                            the key is new); pessimistic transactions check when they lock.
 */
public record TxnProps(
    byte[] primary,
    long startTs,
    long forUpdateTs,
    long lockTtl,
    long txnSize,
    long minCommitTs,
    CommitKind commitKind,
    long maxCommitTs,
    boolean skipConstraintCheck) {

    /** How the transaction commits. */
    public enum CommitKind {
        /** Prewrite, then commit with a ts from the TSO. */
        TWO_PC,
        /** Committed once every key is prewritten; the commit ts is the largest min commit ts. */
        ASYNC,
        /** Prewrite commits at once (every key in one region). */
        ONE_PC
    }

    /** @return the properties of an optimistic 2PC transaction. */
    public static TxnProps optimistic(final byte[] primary, final long startTs, final long lockTtl) {
        return new TxnProps(primary, startTs, 0, lockTtl, 0, 0, CommitKind.TWO_PC, 0, false);
    }

    /** @return the properties of a pessimistic 2PC transaction. */
    public static TxnProps pessimistic(
        final byte[] primary, final long startTs, final long forUpdateTs, final long lockTtl) {
        return new TxnProps(primary, startTs, forUpdateTs, lockTtl, 0, 0, CommitKind.TWO_PC, 0, false);
    }

    /** @return a copy committing this way. */
    public TxnProps withCommitKind(final CommitKind kind, final long maxCommit) {
        return new TxnProps(primary, startTs, forUpdateTs, lockTtl, txnSize, minCommitTs, kind, maxCommit,
            skipConstraintCheck);
    }

    /** @return whether the transaction is pessimistic. */
    public boolean isPessimistic() {
        return forUpdateTs != 0;
    }
}
