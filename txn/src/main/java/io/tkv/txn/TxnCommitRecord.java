package io.tkv.txn;

/**
 * What the write CF says about one transaction on one key, as TiKV's {@code TxnCommitRecord}.
 *
 * @param kind            which case holds.
 * @param record          for {@link Kind#SINGLE_RECORD}: the transaction's record (a commit or a rollback).
 * @param overlappedWrite for {@link Kind#NONE}: another transaction's record at the commit ts equal to this one's
 *                        start ts, which a rollback must mark instead of overwriting; else {@code null}.
 */
public record TxnCommitRecord(Kind kind, WriteAt record, WriteAt overlappedWrite) {
    /** The cases. */
    public enum Kind {
        /** No record of the transaction. */
        NONE,
        /** The transaction's own record: committed, or rolled back if it is a ROLLBACK. */
        SINGLE_RECORD,
        /** Another transaction's commit at this one's start ts carries its rollback. */
        OVERLAPPED_ROLLBACK
    }

    /** @return whether the transaction committed on the key. */
    public boolean isCommitted() {
        return kind == Kind.SINGLE_RECORD && record.write().type() != WriteType.ROLLBACK;
    }

    /** @return whether the transaction was rolled back on the key. */
    public boolean isRolledBack() {
        return kind == Kind.OVERLAPPED_ROLLBACK ||
            kind == Kind.SINGLE_RECORD && record.write().type() == WriteType.ROLLBACK;
    }
}
