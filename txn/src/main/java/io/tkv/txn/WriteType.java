package io.tkv.txn;

/**
 * What a record in the {@code write} column family says about a key at its commit timestamp.
 */
public enum WriteType {
    /** A committed value (inline or in the {@code default} CF at the start ts). */
    PUT(1),
    /** A committed delete. */
    DELETE(2),
    /** A committed read lock: no data change, readers look further back. */
    LOCK(3),
    /** The transaction whose start ts is this record's ts was rolled back: no data change, later prewrites refused. */
    ROLLBACK(4);

    private final int code;

    WriteType(final int code) {
        this.code = code;
    }

    /** @return the byte stored in a write record. */
    int code() {
        return code;
    }

    /**
     * @return the type of a stored code, or {@code null} if unknown.
     */
    static WriteType fromCode(final int code) {
        for (final WriteType type : values()) {
            if (type.code == code) {
                return type;
            }
        }
        return null;
    }

    /**
     * @return the write a committed lock of this type leaves ({@link LockType#PESSIMISTIC} commits as a LOCK).
     */
    static WriteType ofLock(final LockType lockType) {
        return switch (lockType) {
            case PUT -> PUT;
            case DELETE -> DELETE;
            case LOCK, PESSIMISTIC -> LOCK;
        };
    }

    /** @return whether the record changes the key's data (a reader at a later ts stops at it). */
    boolean isDataChange() {
        return this == PUT || this == DELETE;
    }
}
