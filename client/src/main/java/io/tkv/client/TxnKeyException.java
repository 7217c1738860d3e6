package io.tkv.client;

import java.util.List;

/**
 * A transactional request ran and met a key error (TiKV's {@code KeyError}): the store's answer, not a transport or
 * region failure (those are {@link TkvException}s the client retries or surfaces). One subclass per error a client
 * acts on; {@link #kind()} names the wire kind for the others.
 */
public class TxnKeyException extends TkvException {
    private static final long serialVersionUID = 1L;
    private final String kind;

    /**
     * @param code    the closest error code.
     * @param kind    the wire kind (io.tkv.codec.TxnErrorKind's name).
     * @param message the store's message.
     */
    public TxnKeyException(final ErrorCode code, final String kind, final String message) {
        super(code, kind + (message == null || message.isEmpty() ? "" : ": " + message));
        this.kind = kind;
    }

    /** @return the wire kind: KEY_LOCKED, WRITE_CONFLICT, TXN_NOT_FOUND, COMMIT_TS_EXPIRED, ... */
    public String kind() {
        return kind;
    }

    /** Keys are locked by other transactions: resolve the locks (check their primaries) and retry. */
    public static final class KeyLocked extends TxnKeyException {
        private static final long serialVersionUID = 1L;
        private final transient List<TxnLockInfo> locks;

        /** @param locks every lock met, at least one. */
        public KeyLocked(final List<TxnLockInfo> locks, final String message) {
            super(ErrorCode.KEY_LOCKED, "KEY_LOCKED", message);
            this.locks = List.copyOf(locks);
        }

        /** @return the locks met, with their keys. */
        public List<TxnLockInfo> locks() {
            return locks;
        }

        /** @return the first lock met. */
        public TxnLockInfo lock() {
            return locks.get(0);
        }
    }

    /** Another transaction committed a key after this one's start ts: restart the transaction. */
    public static final class WriteConflict extends TxnKeyException {
        private static final long serialVersionUID = 1L;
        private final long startTs;
        private final long conflictStartTs;
        private final long conflictCommitTs;
        private final byte[] key;
        private final byte[] primary;

        /** The conflict's fields, as the store names them. */
        public WriteConflict(final long startTs, final long conflictStartTs, final long conflictCommitTs,
            final byte[] key, final byte[] primary, final String message) {
            super(ErrorCode.WRITE_CONFLICT, "WRITE_CONFLICT", message);
            this.startTs = startTs;
            this.conflictStartTs = conflictStartTs;
            this.conflictCommitTs = conflictCommitTs;
            this.key = key;
            this.primary = primary;
        }

        /** @return this transaction's start ts. */
        public long startTs() {
            return startTs;
        }

        /** @return the start ts of the conflicting write. */
        public long conflictStartTs() {
            return conflictStartTs;
        }

        /** @return its commit ts. */
        public long conflictCommitTs() {
            return conflictCommitTs;
        }

        /** @return the user key. */
        public byte[] key() {
            return key;
        }

        /** @return this transaction's primary. */
        public byte[] primary() {
            return primary;
        }
    }

    /** An INSERT met a key that has a value. */
    public static final class AlreadyExist extends TxnKeyException {
        private static final long serialVersionUID = 1L;
        private final transient byte[] key;

        /**
         * @param key     the user key.
         * @param message the store's message.
         */
        public AlreadyExist(final byte[] key, final String message) {
            super(ErrorCode.WRITE_CONFLICT, "ALREADY_EXIST", message);
            this.key = key;
        }

        /** @return the user key. */
        public byte[] key() {
            return key;
        }
    }

    /** Check-txn-status found no trace of the transaction (and was told not to roll it back). */
    public static final class TxnNotFound extends TxnKeyException {
        private static final long serialVersionUID = 1L;

        /** @param message the store's message. */
        public TxnNotFound(final String message) {
            super(ErrorCode.TXN_NOT_FOUND, "TXN_NOT_FOUND", message);
        }
    }

    /** A commit met neither the lock nor a commit record: the transaction was rolled back. */
    public static final class TxnLockNotFound extends TxnKeyException {
        private static final long serialVersionUID = 1L;

        /** @param message the store's message. */
        public TxnLockNotFound(final String message) {
            super(ErrorCode.TXN_NOT_FOUND, "TXN_LOCK_NOT_FOUND", message);
        }
    }

    /** A rollback met a transaction already committed. */
    public static final class Committed extends TxnKeyException {
        private static final long serialVersionUID = 1L;
        private final long commitTs;

        /** @param commitTs the transaction's commit ts. */
        public Committed(final long commitTs, final String message) {
            super(ErrorCode.WRITE_CONFLICT, "COMMITTED", message);
            this.commitTs = commitTs;
        }

        /** @return the commit ts. */
        public long commitTs() {
            return commitTs;
        }
    }

    /** A commit ts below the lock's min commit ts: commit again above {@link #minCommitTs()}. */
    public static final class CommitTsExpired extends TxnKeyException {
        private static final long serialVersionUID = 1L;
        private final long minCommitTs;

        /** @param minCommitTs the lock's min commit ts. */
        public CommitTsExpired(final long minCommitTs, final String message) {
            super(ErrorCode.WRITE_CONFLICT, "COMMIT_TS_EXPIRED", message);
            this.minCommitTs = minCommitTs;
        }

        /** @return the lock's min commit ts. */
        public long minCommitTs() {
            return minCommitTs;
        }
    }

    /**
     * The region's leader has not synced its max ts from PD since it was elected (or the store runs without PD):
     * async commit and 1PC are refused there for now; retry later, or prewrite with 2PC.
     */
    public static final class MaxTimestampNotSynced extends TxnKeyException {
        private static final long serialVersionUID = 1L;

        /** @param message the store's message. */
        public MaxTimestampNotSynced(final String message) {
            super(ErrorCode.SERVER_BUSY, "MAX_TIMESTAMP_NOT_SYNCED", message);
        }
    }

    /**
     * Waiting for the lock would close a cycle of waiting transactions (TiKV's {@code Deadlock}): this transaction is
     * the victim; roll it back and restart it.
     */
    public static final class Deadlock extends TxnKeyException {
        private static final long serialVersionUID = 1L;
        private final long lockTs;
        private final byte[] lockKey;
        private final long deadlockKeyHash;
        private final transient List<WaitFor> waitChain;

        /**
         * @param lockTs          the start ts of the lock met.
         * @param lockKey         its user key.
         * @param deadlockKeyHash the hash of the key on which the cycle comes back to this transaction.
         * @param waitChain       the cycle, ending with this request's own wait.
         * @param message         the store's message.
         */
        public Deadlock(
            final long lockTs, final byte[] lockKey, final long deadlockKeyHash, final List<WaitFor> waitChain,
            final String message) {
            super(ErrorCode.WRITE_CONFLICT, "DEADLOCK", message);
            this.lockTs = lockTs;
            this.lockKey = lockKey;
            this.deadlockKeyHash = deadlockKeyHash;
            this.waitChain = List.copyOf(waitChain);
        }

        /** @return the start ts of the lock met. */
        public long lockTs() {
            return lockTs;
        }

        /** @return the lock's user key. */
        public byte[] lockKey() {
            return lockKey;
        }

        /** @return the hash of the key on which the cycle closes. */
        public long deadlockKeyHash() {
            return deadlockKeyHash;
        }

        /** @return the wait chain, ending with this request's own wait. */
        public List<WaitFor> waitChain() {
            return waitChain;
        }
    }

    /**
     * One edge of a deadlock's wait chain.
     *
     * @param txnTs     the waiting transaction's start ts.
     * @param waitForTs the lock holder's start ts.
     * @param keyHash   the hash of the locked key.
     */
    public record WaitFor(long txnTs, long waitForTs, long keyHash) {
    }
}
