package io.tkv.txn;

/**
 * What a lock in the {@code lock} column family will become when its transaction commits.
 */
public enum LockType {
    /** Prewritten put: commits to a {@link WriteType#PUT}. */
    PUT(1),
    /** Prewritten delete: commits to a {@link WriteType#DELETE}. */
    DELETE(2),
    /** Prewritten read lock (SELECT FOR UPDATE in an optimistic txn): commits to a {@link WriteType#LOCK}. */
    LOCK(3),
    /** A pessimistic transaction's lock before prewrite; never committed as such (only turned into a LOCK). */
    PESSIMISTIC(4);

    private final int code;

    LockType(final int code) {
        this.code = code;
    }

    /** @return the byte stored in a lock record. */
    int code() {
        return code;
    }

    /**
     * @return the type of a stored code, or {@code null} if unknown.
     */
    static LockType fromCode(final int code) {
        for (final LockType type : values()) {
            if (type.code == code) {
                return type;
            }
        }
        return null;
    }
}
