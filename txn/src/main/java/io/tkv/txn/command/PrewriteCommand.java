package io.tkv.txn.command;

import io.tkv.txn.MvccTxn;
import io.tkv.txn.Mutation;
import io.tkv.txn.Prewrite;
import io.tkv.txn.TxnException;
import io.tkv.txn.TxnProps;

import java.util.ArrayList;
import java.util.List;

/**
 * Prewrite of the keys of one transaction in one region, as TiKV's {@code commands/prewrite.rs}: every key is
 * prewritten; keys locked by other transactions are all reported (KEY_LOCKED each) and then nothing is written; any
 * other error (WRITE_CONFLICT, ...) fails the command. With {@code tryOnePc} the keys commit at once (1PC); with
 * {@code secondaries} the transaction uses async commit. Latches every key.
 *
 * @param mutations        the keys and what to write, at least one.
 * @param primary          the transaction's primary user key.
 * @param startTs          the start ts.
 * @param lockTtl          the locks' ttl in milliseconds.
 * @param txnSize          the number of keys of the whole transaction.
 * @param forUpdateTs      a pessimistic transaction's for-update ts; 0 for an optimistic one.
 * @param pessimisticLocks for a pessimistic transaction, per mutation, whether it holds a pessimistic lock on the key;
 *                         {@code null} for none.
 * @param secondaries      async commit, on the request holding the primary: the secondaries' user keys; an empty list
 *                         on the other requests; {@code null} for no async commit.
 * @param tryOnePc         commit the keys in this one prewrite (the whole transaction is in this request).
 * @param minCommitTs      the client's lower bound for the commit ts (0: none).
 * @param maxCommitTs      async commit and 1PC: the largest commit ts the client accepts (0: no limit).
 * @param skipConstraintCheck optimistic only: skip the check against newer commits.
 */
public record PrewriteCommand(
    List<Mutation> mutations,
    byte[] primary,
    long startTs,
    long lockTtl,
    long txnSize,
    long forUpdateTs,
    boolean[] pessimisticLocks,
    List<byte[]> secondaries,
    boolean tryOnePc,
    long minCommitTs,
    long maxCommitTs,
    boolean skipConstraintCheck) implements TxnCommand {

    /** Checks the request. */
    public PrewriteCommand {
        if (mutations.isEmpty()) {
            throw new IllegalArgumentException("prewrite of no keys");
        }
        if (pessimisticLocks != null && pessimisticLocks.length != mutations.size()) {
            throw new IllegalArgumentException("prewrite has " + pessimisticLocks.length + " pessimistic flags for " +
                mutations.size() + " mutations");
        }
        if (tryOnePc && secondaries != null) {
            throw new IllegalArgumentException("prewrite asks for both 1PC and async commit");
        }
        if (startTs <= 0) {
            throw new IllegalArgumentException("prewrite start ts must be positive: " + startTs);
        }
    }

    /** @return an optimistic 2PC prewrite. */
    public static PrewriteCommand optimistic(
        final List<Mutation> mutations, final byte[] primary, final long startTs, final long lockTtl) {
        return new PrewriteCommand(mutations, primary, startTs, lockTtl, mutations.size(), 0, null, null, false, 0, 0,
            false);
    }

    @Override
    public boolean isRead() {
        return false;
    }

    @Override
    public List<byte[]> latchKeys() {
        final List<byte[]> keys = new ArrayList<>(mutations.size());
        for (final Mutation mutation : mutations) {
            keys.add(mutation.key());
        }
        return keys;
    }

    @Override
    public CommandResult process(final CommandContext context) {
        final TxnProps.CommitKind kind = tryOnePc ? TxnProps.CommitKind.ONE_PC
            : secondaries != null ? TxnProps.CommitKind.ASYNC : TxnProps.CommitKind.TWO_PC;
        final TxnProps props = new TxnProps(primary, startTs, forUpdateTs, lockTtl, txnSize, minCommitTs, kind,
            maxCommitTs, skipConstraintCheck);
        final MvccTxn txn = context.newTxn(startTs);
        final List<TxnException.KeyLocked> locked = new ArrayList<>();
        final Prewrite.Outcome outcome = Prewrite.prewriteAll(
            txn, context.reader(), props, mutations, secondaries, pessimisticLocks, locked);
        if (!locked.isEmpty()) {
            return CommandResult.respond(new TxnResponse.Prewrite(List.copyOf(locked), 0, 0));
        }
        return CommandResult.writeThenRespond(
            new TxnResponse.Prewrite(List.of(), outcome.minCommitTs(), outcome.onePcCommitTs()));
    }
}
