package io.tkv.txn;

import java.util.List;

/**
 * Prewrite: lock a key for a transaction and stage its value, as TiKV's {@code actions/prewrite.rs}.
 *
 * <p>Rules, per key:
 * <ul>
 * <li>A lock of another transaction refuses with KEY_LOCKED (a pessimistic prewrite: PessimisticLockNotFound, its
 * lock is gone). The transaction's own prewrite lock means a retried request: nothing is written again and the
 * lock's min commit ts is returned (async commit).</li>
 * <li>The transaction's own pessimistic lock is replaced by the prewrite lock, keeping the larger ttl and min commit
 * ts; an optimistic prewrite that meets one refuses (LockTypeNotMatch). A pessimistic prewrite that finds no lock
 * refuses with PessimisticLockNotFound (tkv does not pipeline pessimistic locks, so TiKV's amend is not needed).</li>
 * <li>An optimistic prewrite refuses with WRITE_CONFLICT if a commit newer than its start ts exists, or if the
 * transaction was rolled back on the key (a rollback record at its start ts): a rollback must win over a late
 * prewrite. A pessimistic prewrite checks the rollback record only; newer commits were checked when it locked.</li>
 * <li>Values of at most 255 bytes are inlined in the lock, longer ones go to the default CF at the start ts.</li>
 * <li>Async commit and 1PC: {@code min_commit_ts = max(max_ts, start_ts, for_update_ts) + 1} (and at least the
 * client's and the pessimistic lock's), computed under a memory lock ({@link ConcurrencyManager}). Above the
 * client's max commit ts the key falls back to a plain 2PC lock, and the result says so.</li>
 * </ul>
 */
public final class Prewrite {
    private Prewrite() {
    }

    /**
     * The outcome of prewriting one key.
     *
     * @param minCommitTs for async commit and 1PC: the key's min commit ts; 0 for 2PC.
     * @param fellBack    whether async commit or 1PC fell back to 2PC on this key (commit ts too large).
     */
    public record Result(long minCommitTs, boolean fellBack) {
        static final Result TWO_PC = new Result(0, false);
    }

    /**
     * Prewrites one key.
     *
     * @param secondaries        for async commit, on the primary only: the secondaries' user keys; else {@code null}
     *                           (an async-commit secondary passes an empty list).
     * @param isPessimisticLock  whether the transaction holds a pessimistic lock on the key.
     * @throws TxnException if the key cannot be prewritten; nothing staged by this call is valid then.
     */
    public static Result prewrite(
        final MvccTxn txn, final MvccReader reader, final TxnProps props, final Mutation mutation,
        final List<byte[]> secondaries, final boolean isPessimisticLock) {
        final byte[] key = TxnKeys.encode(mutation.key());
        long lockTtl = props.lockTtl();
        long minCommitTs = props.minCommitTs();
        boolean hasPessimisticLock = false;

        final Lock existing = reader.loadLock(key);
        if (existing != null) {
            if (existing.startTs() != props.startTs()) {
                if (isPessimisticLock) {
                    throw new TxnException.PessimisticLockNotFound(props.startTs(), mutation.key());
                }
                throw new TxnException.KeyLocked(mutation.key(), existing);
            }
            if (existing.type() != LockType.PESSIMISTIC) {
                // A retried prewrite: the lock is in place already.
                return existing.useAsyncCommit() ? new Result(existing.minCommitTs(), false) : Result.TWO_PC;
            }
            if (!props.isPessimistic()) {
                throw new TxnException.LockTypeNotMatch(props.startTs(), mutation.key(), true);
            }
            // Check-txn-status or a heartbeat may have pushed these forward on the pessimistic lock.
            lockTtl = Math.max(lockTtl, existing.ttl());
            minCommitTs = Math.max(minCommitTs, existing.minCommitTs());
            hasPessimisticLock = true;
        } else if (isPessimisticLock) {
            throw new TxnException.PessimisticLockNotFound(props.startTs(), mutation.key());
        }

        if (!props.isPessimistic() && !props.skipConstraintCheck()) {
            checkForNewerVersion(reader, props, key, mutation.key());
        } else if (!hasPessimisticLock) {
            checkNotRolledBack(reader, props, key, mutation.key());
        }
        if (mutation.shouldNotExist() && !props.skipConstraintCheck()) {
            checkNotExists(reader, key, mutation.key());
        }
        if (mutation.op() == Mutation.Op.CHECK_NOT_EXISTS) {
            // TiKV writes no lock for it: the check is all it asks (a pessimistic lock on the key stays as it is).
            return Result.TWO_PC;
        }
        return writeLock(txn, props, mutation, key, secondaries, lockTtl, minCommitTs, hasPessimisticLock);
    }

    /**
     * The outcome of prewriting every key of a request.
     *
     * @param minCommitTs   async commit and 1PC: the largest min commit ts (the commit ts); 0 if 2PC or fallen back.
     * @param onePcCommitTs the ts the request committed at by 1PC, or 0 if it did not commit.
     */
    public record Outcome(long minCommitTs, long onePcCommitTs) {
    }

    /**
     * Prewrites the keys of one request, as TiKV's prewrite command: for 1PC, commits them all at the largest min
     * commit ts, or writes them all as 2PC locks if any key fell back.
     *
     * @param secondaries        for async commit: the secondaries' user keys, given to the primary's lock; else
     *                           {@code null}.
     * @param pessimisticLocks   per mutation, whether the transaction holds a pessimistic lock on it; {@code null}
     *                           for none.
     * @throws TxnException on the first key that cannot be prewritten; discard the txn then.
     */
    public static Outcome prewriteAll(
        final MvccTxn txn, final MvccReader reader, final TxnProps props, final List<Mutation> mutations,
        final List<byte[]> secondaries, final boolean[] pessimisticLocks) {
        return prewriteAll(txn, reader, props, mutations, secondaries, pessimisticLocks, null);
    }

    /**
     * Prewrites the keys of one request as TiKV's prewrite command does: a key locked by another transaction does not
     * stop the others; every such KEY_LOCKED is collected in {@code lockedOut}, and if any is, the request must write
     * nothing (the client resolves the locks and retries the whole request). Any other error stops at once.
     *
     * @param lockedOut where to collect KEY_LOCKED errors; {@code null} to throw the first one instead.
     * @return the outcome; {@code (0, 0)} if a key was locked (nothing committed by 1PC, nothing to write).
     * @throws TxnException on the first key that cannot be prewritten for another reason; discard the txn then.
     */
    public static Outcome prewriteAll(
        final MvccTxn txn, final MvccReader reader, final TxnProps props, final List<Mutation> mutations,
        final List<byte[]> secondaries, final boolean[] pessimisticLocks,
        final List<TxnException.KeyLocked> lockedOut) {
        long maxMinCommitTs = 0;
        boolean fellBack = false;
        for (int i = 0; i < mutations.size(); i++) {
            final Mutation mutation = mutations.get(i);
            List<byte[]> keySecondaries = null;
            if (props.commitKind() == TxnProps.CommitKind.ASYNC) {
                keySecondaries = java.util.Arrays.equals(mutation.key(), props.primary()) ? secondaries : List.of();
            }
            final Result result;
            try {
                result = prewrite(txn, reader, props, mutation, keySecondaries,
                    pessimisticLocks != null && pessimisticLocks[i]);
            } catch (final TxnException.KeyLocked | TxnException.WriteConflict
                | TxnException.PessimisticLockNotFound refused) {
                // A prewrite resent after its transaction committed (a 1PC whose answer was lost, an async commit a
                // reader resolved) meets its own commit record: answered as committed, writing nothing (TiKV's
                // check_committed_record_on_err), so a retry cannot turn a commit into a reported failure.
                final TxnCommitRecord record = reader.getTxnCommitRecord(TxnKeys.encode(mutation.key()),
                    props.startTs());
                if (record.isCommitted()) {
                    txn.clear();
                    if (lockedOut != null) {
                        lockedOut.clear();
                    }
                    return committed(props, record.record().commitTs());
                }
                if (refused instanceof TxnException.KeyLocked locked && lockedOut != null) {
                    lockedOut.add(locked);
                    continue;
                }
                throw refused;
            }
            maxMinCommitTs = Math.max(maxMinCommitTs, result.minCommitTs());
            fellBack |= result.fellBack();
        }
        if (lockedOut != null && !lockedOut.isEmpty()) {
            return new Outcome(0, 0);
        }
        if (props.commitKind() == TxnProps.CommitKind.ONE_PC) {
            if (fellBack) {
                txn.fallBackFromOnePc();
                return new Outcome(0, 0);
            }
            txn.commitOnePc(maxMinCommitTs);
            return new Outcome(maxMinCommitTs, maxMinCommitTs);
        }
        return new Outcome(fellBack ? 0 : maxMinCommitTs, 0);
    }

    /** @return the outcome of a request whose transaction already committed at {@code commitTs}. */
    private static Outcome committed(final TxnProps props, final long commitTs) {
        return switch (props.commitKind()) {
            case ONE_PC -> new Outcome(commitTs, commitTs);
            case ASYNC -> new Outcome(commitTs, 0);
            default -> new Outcome(0, 0);
        };
    }

    private static void checkForNewerVersion(
        final MvccReader reader, final TxnProps props, final byte[] key, final byte[] userKey) {
        final WriteAt newest = reader.seekWrite(key, Long.MAX_VALUE);
        if (newest == null) {
            return;
        }
        if (newest.commitTs() > props.startTs()) {
            throw conflict(props, newest, userKey);
        }
        if (newest.commitTs() == props.startTs() &&
            (newest.write().type() == WriteType.ROLLBACK || newest.write().hasOverlappedRollback())) {
            throw conflict(props, newest, userKey);
        }
    }

    /**
     * The key must have no value: its newest PUT or DELETE record (rollback and lock records skipped) is not a PUT.
     * Optimistic: a record newer than the start ts was refused as a conflict above, so this is the value the
     * transaction read. Pessimistic: the transaction's lock keeps writers out since it was taken, so this is the key's
     * value now (TiKV checks at lock time instead; the answer is the same, given later).
     */
    private static void checkNotExists(final MvccReader reader, final byte[] key, final byte[] userKey) {
        final WriteAt newest = reader.getWrite(key, Long.MAX_VALUE);
        if (newest != null && newest.write().type() == WriteType.PUT) {
            throw new TxnException.AlreadyExist(userKey);
        }
    }

    private static void checkNotRolledBack(
        final MvccReader reader, final TxnProps props, final byte[] key, final byte[] userKey) {
        final WriteAt atStart = reader.seekWrite(key, props.startTs());
        if (atStart != null && atStart.commitTs() == props.startTs() &&
            (atStart.write().type() == WriteType.ROLLBACK || atStart.write().hasOverlappedRollback())) {
            throw conflict(props, atStart, userKey);
        }
    }

    private static TxnException.WriteConflict conflict(final TxnProps props, final WriteAt at, final byte[] userKey) {
        return new TxnException.WriteConflict(
            props.startTs(), at.write().startTs(), at.commitTs(), userKey, props.primary());
    }

    private static Result writeLock(
        final MvccTxn txn, final TxnProps props, final Mutation mutation, final byte[] key,
        final List<byte[]> secondaries, final long lockTtl, final long minCommitTs,
        final boolean hasPessimisticLock) {
        Lock lock = new Lock(mutation.lockType(), props.primary(), props.startTs(), lockTtl, props.forUpdateTs(),
            props.txnSize(), minCommitTs);
        if (mutation.writesValue()) {
            if (mutation.value().length <= Lock.SHORT_VALUE_MAX_LENGTH) {
                lock = lock.withShortValue(mutation.value());
            } else {
                txn.putValue(key, props.startTs(), mutation.value());
            }
        }
        final boolean asyncCommit = props.commitKind() == TxnProps.CommitKind.ASYNC && secondaries != null;
        if (asyncCommit) {
            lock = lock.withAsyncCommit(secondaries);
        }
        boolean onePc = props.commitKind() == TxnProps.CommitKind.ONE_PC;
        if (!asyncCommit && !onePc) {
            txn.putLock(key, lock);
            return Result.TWO_PC;
        }

        final ConcurrencyManager.KeyGuard guard =
            txn.concurrencyManager().lockKey(key, lock, props.forUpdateTs());
        txn.addGuard(guard);
        final long computed = guard.lock().minCommitTs();
        boolean fellBack = false;
        if (props.maxCommitTs() != 0 && computed > props.maxCommitTs()) {
            // Too late to commit within the client's bound: a plain 2PC lock, committed with a TSO ts.
            fellBack = true;
            onePc = false;
            lock = lock.withoutAsyncCommit().withMinCommitTs(minCommitTs);
        } else {
            lock = guard.lock();
        }
        if (onePc) {
            txn.putLockFor1pc(key, lock, hasPessimisticLock);
        } else {
            txn.putLock(key, lock);
        }
        return new Result(fellBack ? 0 : computed, fellBack);
    }
}
