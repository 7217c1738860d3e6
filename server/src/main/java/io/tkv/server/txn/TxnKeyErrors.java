package io.tkv.server.txn;

import io.tkv.codec.BooleanType;
import io.tkv.codec.MessageHeaderEncoder;
import io.tkv.codec.Status;
import io.tkv.codec.TxnErrorKind;
import io.tkv.codec.TxnKeyErrorListEncoder;
import io.tkv.codec.TxnLockType;
import io.tkv.txn.Lock;
import io.tkv.txn.TxnException;
import org.agrona.ExpandableDirectByteBuffer;
import org.agrona.MutableDirectBuffer;

import java.util.List;

/**
 * Writes the TxnKeyErrorList frame a transactional response carries: its key errors, one entry per
 * {@link TxnException} with the fields the client acts on, or a list of locks (all KEY_LOCKED entries). Reused per
 * reply: {@link #begin}, entries, then {@link #buffer()} holds {@link #length()} bytes. Not thread-safe.
 */
final class TxnKeyErrors {
    private static final byte[] EMPTY = new byte[0];

    private final ExpandableDirectByteBuffer buffer = new ExpandableDirectByteBuffer(1024);
    private final MessageHeaderEncoder header = new MessageHeaderEncoder();
    private final TxnKeyErrorListEncoder list = new TxnKeyErrorListEncoder();
    private Status firstStatus;

    /**
     * Writes a whole list of the given errors (perhaps none).
     *
     * @return the frame's length in {@link #buffer()}.
     */
    int errors(final List<? extends TxnException> errors) {
        firstStatus = Status.OK;
        final TxnKeyErrorListEncoder.ErrorsEncoder group = list.wrapAndApplyHeader(buffer, 0, header)
            .errorsCount(errors.size());
        for (final TxnException error : errors) {
            group.next();
            entry(group, error);
        }
        return length();
    }

    /** Writes a list of one error of a kind the store found itself (not a {@link TxnException}). */
    int error(final TxnErrorKind kind, final String message) {
        firstStatus = Status.OK;
        final TxnKeyErrorListEncoder.ErrorsEncoder group = list.wrapAndApplyHeader(buffer, 0, header)
            .errorsCount(1).next();
        fill(group, kind, null, 0, 0, 0);
        group.secondariesCount(0);
        group.waitChainCount(0);
        group.putKey(EMPTY, 0, 0).putPrimary(EMPTY, 0, 0).message(message);
        return length();
    }

    /** Writes a list of locks: KEY_LOCKED entries, {@code keys[i]} locked by {@code locks[i]} (empty keys allowed). */
    int locks(final List<byte[]> keys, final List<Lock> locks) {
        firstStatus = Status.OK;
        final TxnKeyErrorListEncoder.ErrorsEncoder group = list.wrapAndApplyHeader(buffer, 0, header)
            .errorsCount(locks.size());
        for (int i = 0; i < locks.size(); i++) {
            lock(group.next(), keys.get(i), locks.get(i), "");
        }
        return length();
    }

    /** @return the status the response names: that of its first key error where a Status exists, else OK. */
    Status status() {
        return firstStatus;
    }

    MutableDirectBuffer buffer() {
        return buffer;
    }

    int length() {
        return MessageHeaderEncoder.ENCODED_LENGTH + list.encodedLength();
    }

    private void entry(final TxnKeyErrorListEncoder.ErrorsEncoder group, final TxnException error) {
        if (error instanceof TxnException.KeyLocked locked) {
            note(Status.KEY_LOCKED);
            lock(group, locked.key(), locked.lock(), error.getMessage());
            return;
        }
        if (error instanceof TxnException.WriteConflict conflict) {
            note(Status.WRITE_CONFLICT);
            fill(group, TxnErrorKind.WRITE_CONFLICT, null, conflict.conflictStartTs(), conflict.conflictCommitTs(), 0);
            group.startTs(conflict.startTs());
            group.secondariesCount(0);
            group.waitChainCount(0);
            group.putKey(conflict.key(), 0, conflict.key().length)
                .putPrimary(conflict.primary(), 0, conflict.primary().length).message(error.getMessage());
            return;
        }
        if (error instanceof TxnException.AlreadyExist exists) {
            note(Status.OK);
            fill(group, TxnErrorKind.ALREADY_EXIST, null, 0, 0, 0);
            group.minCommitTs(0);
            group.secondariesCount(0);
            group.waitChainCount(0);
            group.putKey(exists.key(), 0, exists.key().length).putPrimary(EMPTY, 0, 0).message(error.getMessage());
            return;
        }
        if (error instanceof TxnException.Deadlock deadlock) {
            note(Status.OK);
            deadlock(group, deadlock);
            return;
        }
        final TxnErrorKind kind;
        long commitTs = 0;
        if (error instanceof TxnException.TxnNotFound) {
            note(Status.TXN_NOT_FOUND);
            kind = TxnErrorKind.TXN_NOT_FOUND;
        } else if (error instanceof TxnException.TxnLockNotFound) {
            kind = TxnErrorKind.TXN_LOCK_NOT_FOUND;
        } else if (error instanceof TxnException.Committed committed) {
            kind = TxnErrorKind.COMMITTED;
            commitTs = committed.commitTs();
        } else if (error instanceof TxnException.CommitTsExpired expired) {
            kind = TxnErrorKind.COMMIT_TS_EXPIRED;
            commitTs = expired.minCommitTs();
        } else if (error instanceof TxnException.PessimisticLockNotFound) {
            kind = TxnErrorKind.PESSIMISTIC_LOCK_NOT_FOUND;
        } else if (error instanceof TxnException.PessimisticLockRolledBack) {
            kind = TxnErrorKind.PESSIMISTIC_LOCK_ROLLED_BACK;
        } else if (error instanceof TxnException.LockTypeNotMatch) {
            kind = TxnErrorKind.LOCK_TYPE_NOT_MATCH;
        } else {
            kind = TxnErrorKind.OTHER;
        }
        note(Status.OK);
        // COMMIT_TS_EXPIRED carries the lock's min commit ts in minCommitTs, COMMITTED its commit ts in commitTs.
        fill(group, kind, null, 0, 0, kind == TxnErrorKind.COMMITTED ? commitTs : 0);
        group.minCommitTs(kind == TxnErrorKind.COMMIT_TS_EXPIRED ? commitTs : 0);
        group.secondariesCount(0);
        group.waitChainCount(0);
        group.putKey(EMPTY, 0, 0).putPrimary(EMPTY, 0, 0).message(error.getMessage());
    }

    /** DEADLOCK: startTs the lock met, its key, the deadlock key hash and the wait chain ending with this wait. */
    private static void deadlock(final TxnKeyErrorListEncoder.ErrorsEncoder group, final TxnException.Deadlock error) {
        fill(group, TxnErrorKind.DEADLOCK, null, 0, 0, 0);
        group.startTs(error.lockTs()).deadlockKeyHash(error.deadlockKeyHash());
        group.secondariesCount(0);
        final List<TxnException.WaitFor> chain = error.waitChain();
        final TxnKeyErrorListEncoder.ErrorsEncoder.WaitChainEncoder entries = group.waitChainCount(chain.size());
        for (final TxnException.WaitFor edge : chain) {
            entries.next().txnTs(edge.txnTs()).waitForTs(edge.waitForTs()).keyHash(edge.keyHash());
        }
        group.putKey(error.lockKey(), 0, error.lockKey().length).putPrimary(EMPTY, 0, 0).message(error.getMessage());
    }

    private void lock(
        final TxnKeyErrorListEncoder.ErrorsEncoder group, final byte[] key, final Lock lock, final String message) {
        fill(group, TxnErrorKind.KEY_LOCKED, lock, 0, 0, 0);
        final TxnKeyErrorListEncoder.ErrorsEncoder.SecondariesEncoder secondaries =
            group.secondariesCount(lock.secondaries().size());
        for (final byte[] secondary : lock.secondaries()) {
            secondaries.next().putKey(secondary, 0, secondary.length);
        }
        group.waitChainCount(0);
        group.putKey(key, 0, key.length).putPrimary(lock.primary(), 0, lock.primary().length).message(message);
    }

    private static void fill(
        final TxnKeyErrorListEncoder.ErrorsEncoder group, final TxnErrorKind kind, final Lock lock,
        final long conflictStartTs, final long conflictCommitTs, final long commitTs) {
        group.kind(kind)
            .lockType(lock == null ? TxnLockType.PUT : TxnLockType.get(lockCode(lock)))
            .startTs(lock == null ? 0 : lock.startTs())
            .lockTtl(lock == null ? 0 : lock.ttl())
            .txnSize(lock == null ? 0 : lock.txnSize())
            .forUpdateTs(lock == null ? 0 : lock.forUpdateTs())
            .minCommitTs(lock == null ? 0 : lock.minCommitTs())
            .useAsyncCommit(lock != null && lock.useAsyncCommit() ? BooleanType.TRUE : BooleanType.FALSE)
            .conflictStartTs(conflictStartTs)
            .conflictCommitTs(conflictCommitTs)
            .commitTs(commitTs)
            .deadlockKeyHash(0);
    }

    private static short lockCode(final Lock lock) {
        return switch (lock.type()) {
            case PUT -> 1;
            case DELETE -> 2;
            case LOCK -> 3;
            case PESSIMISTIC -> 4;
            default -> throw new IllegalStateException("unknown lock type " + lock.type());
        };
    }

    private void note(final Status status) {
        if (firstStatus == Status.OK && status != Status.OK) {
            firstStatus = status;
        }
    }
}
