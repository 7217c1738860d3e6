package io.tkv.txn;

import java.util.Arrays;
import java.util.List;

/**
 * Why a transactional action refused: one subclass per error of TiKV's MVCC layer that a client acts on. The server
 * maps each to a response status (KEY_LOCKED, WRITE_CONFLICT, TXN_NOT_FOUND, ...) with its fields. An action that
 * throws leaves its {@link MvccTxn} to be discarded: nothing it staged may be written.
 */
public abstract class TxnException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    TxnException(final String message) {
        super(message, null, false, false);
    }

    /** A lock of another transaction (or a live one of a read's own view) is on the key. */
    public static final class KeyLocked extends TxnException {
        private static final long serialVersionUID = 1L;
        private final byte[] key;
        private final transient Lock lock;

        /**
         * @param key  the locked user key.
         * @param lock the lock: primary, start ts, ttl, type, min commit ts, ... for the client's resolver.
         */
        public KeyLocked(final byte[] key, final Lock lock) {
            super("key " + Arrays.toString(key) + " locked by " + lock);
            this.key = key;
            this.lock = lock;
        }

        /** @return the locked user key. */
        public byte[] key() {
            return key;
        }

        /** @return the lock. */
        public Lock lock() {
            return lock;
        }
    }

    /** Another transaction committed the key after this one's start ts (or this one was rolled back there). */
    public static final class WriteConflict extends TxnException {
        private static final long serialVersionUID = 1L;
        private final long startTs;
        private final long conflictStartTs;
        private final long conflictCommitTs;
        private final byte[] key;
        private final byte[] primary;

        /**
         * @param startTs          this transaction's start ts.
         * @param conflictStartTs  the start ts of the conflicting write.
         * @param conflictCommitTs its commit ts.
         * @param key              the user key.
         * @param primary          this transaction's primary user key.
         */
        public WriteConflict(
            final long startTs, final long conflictStartTs, final long conflictCommitTs, final byte[] key,
            final byte[] primary) {
            super("write conflict on " + Arrays.toString(key) + ": txn " + startTs + " meets a write of txn " +
                conflictStartTs + " committed at " + conflictCommitTs);
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

        /** @return the commit ts of the conflicting write. */
        public long conflictCommitTs() {
            return conflictCommitTs;
        }

        /** @return the user key. */
        public byte[] key() {
            return key;
        }

        /** @return this transaction's primary user key. */
        public byte[] primary() {
            return primary;
        }
    }

    /** Commit found neither the transaction's lock nor its commit record: it was rolled back (or never prewritten). */
    public static final class TxnLockNotFound extends TxnException {
        private static final long serialVersionUID = 1L;

        /**
         * @param startTs  the transaction's start ts.
         * @param commitTs the commit ts asked for.
         * @param key      the user key.
         */
        public TxnLockNotFound(final long startTs, final long commitTs, final byte[] key) {
            super("txn " + startTs + " has no lock on " + Arrays.toString(key) + " to commit at " + commitTs +
                ": rolled back or never prewritten");
        }
    }

    /** Check-txn-status found no trace of the transaction and was told not to roll it back. */
    public static final class TxnNotFound extends TxnException {
        private static final long serialVersionUID = 1L;

        /**
         * @param startTs the transaction's start ts.
         * @param key     the primary user key.
         */
        public TxnNotFound(final long startTs, final byte[] key) {
            super("txn " + startTs + " not found on primary " + Arrays.toString(key));
        }
    }

    /** A rollback (cleanup) met a transaction that is already committed. */
    public static final class Committed extends TxnException {
        private static final long serialVersionUID = 1L;
        private final long commitTs;

        /**
         * @param startTs  the transaction's start ts.
         * @param commitTs its commit ts.
         * @param key      the user key.
         */
        public Committed(final long startTs, final long commitTs, final byte[] key) {
            super("txn " + startTs + " already committed at " + commitTs + " on " + Arrays.toString(key));
            this.commitTs = commitTs;
        }

        /** @return the transaction's commit ts. */
        public long commitTs() {
            return commitTs;
        }
    }

    /** Commit at a ts below the lock's min commit ts (a reader pushed it, or async commit computed it). */
    public static final class CommitTsExpired extends TxnException {
        private static final long serialVersionUID = 1L;
        private final long minCommitTs;

        /**
         * @param startTs     the transaction's start ts.
         * @param commitTs    the commit ts asked for.
         * @param minCommitTs the lock's min commit ts.
         * @param key         the user key.
         */
        public CommitTsExpired(final long startTs, final long commitTs, final long minCommitTs, final byte[] key) {
            super("txn " + startTs + " cannot commit " + Arrays.toString(key) + " at " + commitTs +
                " < min commit ts " + minCommitTs);
            this.minCommitTs = minCommitTs;
        }

        /** @return the lock's min commit ts: the client retries with a commit ts above it. */
        public long minCommitTs() {
            return minCommitTs;
        }
    }

    /** An INSERT or CHECK_NOT_EXISTS met a key that has a value (TiKV's {@code AlreadyExist}). */
    public static final class AlreadyExist extends TxnException {
        private static final long serialVersionUID = 1L;
        private final byte[] key;

        /** @param key the user key. */
        public AlreadyExist(final byte[] key) {
            super("key " + Arrays.toString(key) + " already exists");
            this.key = key;
        }

        /** @return the user key. */
        public byte[] key() {
            return key;
        }
    }

    /** A pessimistic prewrite or lock update found no pessimistic lock of its transaction. */
    public static final class PessimisticLockNotFound extends TxnException {
        private static final long serialVersionUID = 1L;

        /**
         * @param startTs the transaction's start ts.
         * @param key     the user key.
         */
        public PessimisticLockNotFound(final long startTs, final byte[] key) {
            super("txn " + startTs + " holds no pessimistic lock on " + Arrays.toString(key));
        }
    }

    /** A pessimistic lock was asked for by a transaction already rolled back on the key. */
    public static final class PessimisticLockRolledBack extends TxnException {
        private static final long serialVersionUID = 1L;

        /**
         * @param startTs the transaction's start ts.
         * @param key     the user key.
         */
        public PessimisticLockRolledBack(final long startTs, final byte[] key) {
            super("txn " + startTs + " was rolled back on " + Arrays.toString(key));
        }
    }

    /** The transaction's own lock on the key is of the other kind (optimistic prewrite over a pessimistic lock). */
    public static final class LockTypeNotMatch extends TxnException {
        private static final long serialVersionUID = 1L;

        /**
         * @param startTs     the transaction's start ts.
         * @param key         the user key.
         * @param pessimistic whether the existing lock is pessimistic.
         */
        public LockTypeNotMatch(final long startTs, final byte[] key, final boolean pessimistic) {
            super("txn " + startTs + " finds its own " + (pessimistic ? "pessimistic" : "prewrite") + " lock on " +
                Arrays.toString(key) + " where it expected the other kind");
        }
    }

    /**
     * A pessimistic lock request would wait for a transaction that (through others) waits for it, as TiKV's
     * {@code Deadlock} key error: the client aborts this transaction. Only the request whose wait would close the cycle
     * gets it; the others keep waiting and are woken once the aborted transaction rolls back.
     */
    public static final class Deadlock extends TxnException {
        private static final long serialVersionUID = 1L;
        private final long startTs;
        private final long lockTs;
        private final byte[] lockKey;
        private final long deadlockKeyHash;
        private final transient List<WaitFor> waitChain;

        /**
         * @param startTs         the start ts of the transaction refused.
         * @param lockTs          the start ts of the lock it met.
         * @param lockKey         the user key of that lock.
         * @param deadlockKeyHash the hash of the key on which the cycle comes back to this transaction.
         * @param waitChain       the cycle, from the lock's transaction around to this one; the last entry is this
         *                        request's own wait, the edge that closed it.
         */
        public Deadlock(
            final long startTs, final long lockTs, final byte[] lockKey, final long deadlockKeyHash,
            final List<WaitFor> waitChain) {
            super("deadlock: txn " + startTs + " would wait for txn " + lockTs + " on " + Arrays.toString(lockKey) +
                ", wait chain " + waitChain);
            this.startTs = startTs;
            this.lockTs = lockTs;
            this.lockKey = lockKey;
            this.deadlockKeyHash = deadlockKeyHash;
            this.waitChain = List.copyOf(waitChain);
        }

        /** @return the start ts of the transaction refused. */
        public long startTs() {
            return startTs;
        }

        /** @return the start ts of the lock it met. */
        public long lockTs() {
            return lockTs;
        }

        /** @return the user key of that lock. */
        public byte[] lockKey() {
            return lockKey;
        }

        /** @return the hash of the key on which the cycle comes back to this transaction. */
        public long deadlockKeyHash() {
            return deadlockKeyHash;
        }

        /** @return the cycle, ending with this request's own wait. */
        public List<WaitFor> waitChain() {
            return waitChain;
        }
    }

    /**
     * One edge of a wait chain: transaction {@code txnTs} waits for a lock of {@code waitForTs} on the key of
     * {@code keyHash}.
     *
     * @param txnTs     the waiting transaction's start ts.
     * @param waitForTs the lock holder's start ts.
     * @param keyHash   the hash of the locked key.
     */
    public record WaitFor(long txnTs, long waitForTs, long keyHash) {
    }
}
