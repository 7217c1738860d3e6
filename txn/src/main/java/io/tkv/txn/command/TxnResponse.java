package io.tkv.txn.command;

import io.tkv.txn.CheckSecondaryLocks;
import io.tkv.txn.Lock;
import io.tkv.txn.TxnException;
import io.tkv.txn.TxnStatus;

import java.util.List;

/**
 * What a transactional command answers, one record per shape of answer. The server maps each to its response frame:
 * {@link Error} by the exception's type (KEY_LOCKED, WRITE_CONFLICT, TXN_NOT_FOUND, ...), {@link Busy} to
 * SERVER_BUSY, the others to OK with their fields.
 */
public sealed interface TxnResponse {
    /** Success with nothing to report: commit, rollback, resolve-lock, pessimistic lock and rollback. */
    Done DONE = new Done();

    /** Success with nothing to report. */
    record Done() implements TxnResponse {
    }

    /**
     * The command failed as a whole and wrote nothing.
     *
     * @param error why, with the fields the client acts on.
     */
    record Error(TxnException error) implements TxnResponse {
    }

    /**
     * Refused before it ran: too many commands wait for latches (SERVER_BUSY). Nothing was read or written.
     *
     * @param reason for the log and the client.
     */
    record Busy(String reason) implements TxnResponse {
    }

    /**
     * A prewrite's answer. If {@code locked} is not empty the prewrite wrote nothing: the client resolves the locks
     * and retries the whole request, as with TiKV.
     *
     * @param locked        per key locked by another transaction, its KEY_LOCKED; else empty.
     * @param minCommitTs   async commit: the largest min commit ts (the transaction's commit ts once all regions
     *                      answer); 0 for 2PC or if it fell back to 2PC.
     * @param onePcCommitTs the commit ts if 1PC committed the keys, else 0.
     */
    record Prewrite(List<TxnException.KeyLocked> locked, long minCommitTs, long onePcCommitTs)
        implements TxnResponse {
    }

    /**
     * Check-txn-status's answer.
     *
     * @param status the transaction's state found (and perhaps changed) on its primary.
     */
    record Status(TxnStatus status) implements TxnResponse {
    }

    /**
     * Check-secondary-locks' answer.
     *
     * @param result locks, commit ts, or rolled back.
     */
    record SecondaryLocks(CheckSecondaryLocks.Result result) implements TxnResponse {
    }

    /**
     * Txn-heart-beat's answer.
     *
     * @param lockTtl the primary lock's ttl afterwards, in milliseconds.
     */
    record HeartBeat(long lockTtl) implements TxnResponse {
    }

    /**
     * A point get's answer.
     *
     * @param value the value at the read's ts, or {@code null} if the key has none.
     */
    record Value(byte[] value) implements TxnResponse {
    }

    /**
     * A batch get's or a scan's answer: pairs in key order (scan order for a scan).
     *
     * @param pairs the keys found; a batch get leaves out keys without a value and reports a locked key with its
     *              KEY_LOCKED instead of a value.
     */
    record Pairs(List<KeyValue> pairs) implements TxnResponse {
    }

    /**
     * One key of {@link Pairs}.
     *
     * @param key    the user key.
     * @param value  its value, or {@code null} when {@code locked}.
     * @param locked the lock that blocked the read of this key, or {@code null}.
     */
    record KeyValue(byte[] key, byte[] value, TxnException.KeyLocked locked) {
    }

    /**
     * Scan-lock's answer.
     *
     * @param locks the locks found, in key order.
     */
    record Locks(List<LockInfo> locks) implements TxnResponse {
    }

    /**
     * One lock of {@link Locks}.
     *
     * @param key  the user key.
     * @param lock the lock: primary, start ts, ttl, type, min commit ts, ...
     */
    record LockInfo(byte[] key, Lock lock) {
    }
}
