package io.tkv.client;

import io.tkv.codec.BooleanType;
import io.tkv.codec.KvBatchGetResponseDecoder;
import io.tkv.codec.KvCheckSecondaryLocksResponseDecoder;
import io.tkv.codec.KvCheckTxnStatusResponseDecoder;
import io.tkv.codec.KvCleanupResponseDecoder;
import io.tkv.codec.KvCommitResponseDecoder;
import io.tkv.codec.KvGetResponseDecoder;
import io.tkv.codec.KvPrewriteResponseDecoder;
import io.tkv.codec.KvScanLockResponseDecoder;
import io.tkv.codec.KvScanResponseDecoder;
import io.tkv.codec.KvTxnHeartBeatResponseDecoder;
import io.tkv.codec.MessageHeaderDecoder;
import io.tkv.codec.TxnErrorKind;
import io.tkv.codec.TxnKeyErrorListDecoder;
import io.tkv.codec.frame.FrameValidator;
import io.tkv.codec.frame.Protocol;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Decodes the transactional response frames (validated by the client's egress validator) into {@link TxnRpc}'s typed
 * results, and their key errors (a nested TxnKeyErrorList, validated here) into {@link TxnKeyException}s, thrown: any
 * error other than KEY_LOCKED first, else every lock met in one {@link TxnKeyException.KeyLocked}. Runs on the
 * caller's side of the future (a cold path: it allocates); stateless.
 */
final class TxnReplyReader {
    private static final byte[] EMPTY = new byte[0];

    private TxnReplyReader() {
    }

    /** A response frame: its header read, its body ready to wrap. */
    private record Frame(UnsafeBuffer buffer, int blockLength, int version) {
        static Frame of(final byte[] bytes) {
            final UnsafeBuffer buffer = new UnsafeBuffer(bytes);
            final MessageHeaderDecoder header = new MessageHeaderDecoder().wrap(buffer, 0);
            return new Frame(buffer, header.blockLength(), header.version());
        }
    }

    static byte[] get(final byte[] bytes) {
        final Frame f = Frame.of(bytes);
        final KvGetResponseDecoder d = new KvGetResponseDecoder().wrap(f.buffer(), MessageHeaderDecoder.ENCODED_LENGTH,
            f.blockLength(), f.version());
        final boolean found = d.found() == BooleanType.TRUE;
        final byte[] value = bytes(d::wrapValue);
        d.skipErrorMessage();
        throwErrors(bytes(d::wrapKeyErrors));
        return found ? value : null;
    }

    static List<KvPair> batchGet(final byte[] bytes) {
        final Frame f = Frame.of(bytes);
        final KvBatchGetResponseDecoder d = new KvBatchGetResponseDecoder().wrap(f.buffer(),
            MessageHeaderDecoder.ENCODED_LENGTH, f.blockLength(), f.version());
        final List<KvPair> pairs = new ArrayList<>();
        for (final KvBatchGetResponseDecoder.PairsDecoder pair : d.pairs()) {
            final byte[] key = bytes(pair::wrapKey);
            pairs.add(new KvPair(key, bytes(pair::wrapValue)));
        }
        d.skipErrorMessage();
        throwErrors(bytes(d::wrapKeyErrors));
        return pairs;
    }

    static List<KvPair> scan(final byte[] bytes) {
        final Frame f = Frame.of(bytes);
        final KvScanResponseDecoder d = new KvScanResponseDecoder().wrap(f.buffer(),
            MessageHeaderDecoder.ENCODED_LENGTH, f.blockLength(), f.version());
        final List<KvPair> pairs = new ArrayList<>();
        for (final KvScanResponseDecoder.PairsDecoder pair : d.pairs()) {
            final byte[] key = bytes(pair::wrapKey);
            pairs.add(new KvPair(key, bytes(pair::wrapValue)));
        }
        d.skipErrorMessage();
        throwErrors(bytes(d::wrapKeyErrors));
        return pairs;
    }

    static TxnResults.Prewrite prewrite(final byte[] bytes) {
        final Frame f = Frame.of(bytes);
        final KvPrewriteResponseDecoder d = new KvPrewriteResponseDecoder().wrap(f.buffer(),
            MessageHeaderDecoder.ENCODED_LENGTH, f.blockLength(), f.version());
        final TxnResults.Prewrite result = new TxnResults.Prewrite(d.minCommitTs(), d.onePcCommitTs());
        d.skipErrorMessage();
        throwErrors(bytes(d::wrapKeyErrors));
        return result;
    }

    /**
     * A response of nothing but key errors (pessimistic lock and rollback, commit, batch rollback, resolve lock): they
     * share the layout of KvCommitResponse (correlationId, status, errorMessage, keyErrors).
     */
    static Void done(final byte[] bytes) {
        final Frame f = Frame.of(bytes);
        final KvCommitResponseDecoder d = new KvCommitResponseDecoder().wrap(f.buffer(),
            MessageHeaderDecoder.ENCODED_LENGTH, f.blockLength(), f.version());
        d.skipErrorMessage();
        throwErrors(bytes(d::wrapKeyErrors));
        return null;
    }

    static Void cleanup(final byte[] bytes) {
        final Frame f = Frame.of(bytes);
        final KvCleanupResponseDecoder d = new KvCleanupResponseDecoder().wrap(f.buffer(),
            MessageHeaderDecoder.ENCODED_LENGTH, f.blockLength(), f.version());
        d.skipErrorMessage();
        throwErrors(bytes(d::wrapKeyErrors));
        return null;
    }

    static TxnResults.TxnStatus checkTxnStatus(final byte[] bytes) {
        final Frame f = Frame.of(bytes);
        final KvCheckTxnStatusResponseDecoder d = new KvCheckTxnStatusResponseDecoder().wrap(f.buffer(),
            MessageHeaderDecoder.ENCODED_LENGTH, f.blockLength(), f.version());
        final String action = d.action().name();
        final long commitTs = d.commitTs();
        final long lockTtl = d.lockTtl();
        final boolean pushed = d.minCommitTsPushed() == BooleanType.TRUE;
        final List<TxnLockInfo> locks = locks(bytes(d::wrapPrimaryLock));
        d.skipErrorMessage();
        throwErrors(bytes(d::wrapKeyErrors));
        return new TxnResults.TxnStatus(action, commitTs, lockTtl, pushed, locks.isEmpty() ? null : locks.get(0));
    }

    static TxnResults.SecondaryLocks checkSecondaryLocks(final byte[] bytes) {
        final Frame f = Frame.of(bytes);
        final KvCheckSecondaryLocksResponseDecoder d = new KvCheckSecondaryLocksResponseDecoder().wrap(f.buffer(),
            MessageHeaderDecoder.ENCODED_LENGTH, f.blockLength(), f.version());
        final long commitTs = d.commitTs();
        final boolean rolledBack = d.rolledBack() == BooleanType.TRUE;
        final List<TxnLockInfo> locks = locks(bytes(d::wrapLocks));
        d.skipErrorMessage();
        throwErrors(bytes(d::wrapKeyErrors));
        return new TxnResults.SecondaryLocks(locks, commitTs, rolledBack);
    }

    static long txnHeartBeat(final byte[] bytes) {
        final Frame f = Frame.of(bytes);
        final KvTxnHeartBeatResponseDecoder d = new KvTxnHeartBeatResponseDecoder().wrap(f.buffer(),
            MessageHeaderDecoder.ENCODED_LENGTH, f.blockLength(), f.version());
        final long ttl = d.lockTtl();
        d.skipErrorMessage();
        throwErrors(bytes(d::wrapKeyErrors));
        return ttl;
    }

    static List<TxnLockInfo> scanLock(final byte[] bytes) {
        final Frame f = Frame.of(bytes);
        final KvScanLockResponseDecoder d = new KvScanLockResponseDecoder().wrap(f.buffer(),
            MessageHeaderDecoder.ENCODED_LENGTH, f.blockLength(), f.version());
        final List<TxnLockInfo> locks = locks(bytes(d::wrapLocks));
        d.skipErrorMessage();
        throwErrors(bytes(d::wrapKeyErrors));
        return locks;
    }

    /** Throws the key errors of a nested TxnKeyErrorList, if any. */
    private static void throwErrors(final byte[] list) {
        final List<TxnLockInfo> locks = new ArrayList<>();
        final TxnKeyException first = read(list, locks);
        if (first != null) {
            throw first;
        }
        if (!locks.isEmpty()) {
            throw new TxnKeyException.KeyLocked(locks, locks.size() + " key(s) locked");
        }
    }

    /** @return the locks of a nested TxnKeyErrorList of KEY_LOCKED entries. */
    private static List<TxnLockInfo> locks(final byte[] list) {
        final List<TxnLockInfo> locks = new ArrayList<>();
        read(list, locks);
        return locks;
    }

    /** @return the first error that is not KEY_LOCKED, or null; the KEY_LOCKED entries' locks go to {@code locks}. */
    private static TxnKeyException read(final byte[] list, final List<TxnLockInfo> locks) {
        if (list.length == 0) {
            return null;
        }
        final UnsafeBuffer buffer = new UnsafeBuffer(list);
        final FrameValidator validator = Protocol.txnKeyErrorListValidator();
        if (validator.validate(buffer, 0, list.length) != FrameValidator.VALID) {
            throw new TkvException(ErrorCode.MALFORMED, "bad key error list: " + validator.lastError());
        }
        TxnKeyException first = null;
        final TxnKeyErrorListDecoder decoder = new TxnKeyErrorListDecoder().wrap(buffer,
            MessageHeaderDecoder.ENCODED_LENGTH, validator.blockLength(), validator.version());
        for (final TxnKeyErrorListDecoder.ErrorsDecoder e : decoder.errors()) {
            final TxnErrorKind kind = e.kind();
            final String type = e.lockType().name();
            final long startTs = e.startTs();
            final long ttl = e.lockTtl();
            final long txnSize = e.txnSize();
            final long forUpdateTs = e.forUpdateTs();
            final long minCommitTs = e.minCommitTs();
            final boolean async = e.useAsyncCommit() == BooleanType.TRUE;
            final long conflictStartTs = e.conflictStartTs();
            final long conflictCommitTs = e.conflictCommitTs();
            final long commitTs = e.commitTs();
            final long deadlockKeyHash = e.deadlockKeyHash();
            final List<byte[]> secondaries = new ArrayList<>();
            for (final TxnKeyErrorListDecoder.ErrorsDecoder.SecondariesDecoder secondary : e.secondaries()) {
                secondaries.add(bytes(secondary::wrapKey));
            }
            final List<TxnKeyException.WaitFor> waitChain = new ArrayList<>();
            for (final TxnKeyErrorListDecoder.ErrorsDecoder.WaitChainDecoder edge : e.waitChain()) {
                waitChain.add(new TxnKeyException.WaitFor(edge.txnTs(), edge.waitForTs(), edge.keyHash()));
            }
            final byte[] key = bytes(e::wrapKey);
            final byte[] primary = bytes(e::wrapPrimary);
            final String message = e.message();
            if (kind == TxnErrorKind.KEY_LOCKED) {
                locks.add(new TxnLockInfo(key, primary, startTs, ttl, type, txnSize, forUpdateTs, minCommitTs, async,
                    List.copyOf(secondaries)));
            } else if (first == null) {
                first = switch (kind) {
                    case WRITE_CONFLICT -> new TxnKeyException.WriteConflict(startTs, conflictStartTs,
                        conflictCommitTs, key, primary, message);
                    case TXN_NOT_FOUND -> new TxnKeyException.TxnNotFound(message);
                    case TXN_LOCK_NOT_FOUND -> new TxnKeyException.TxnLockNotFound(message);
                    case COMMITTED -> new TxnKeyException.Committed(commitTs, message);
                    case COMMIT_TS_EXPIRED -> new TxnKeyException.CommitTsExpired(minCommitTs, message);
                    case MAX_TIMESTAMP_NOT_SYNCED -> new TxnKeyException.MaxTimestampNotSynced(message);
                    case ALREADY_EXIST -> new TxnKeyException.AlreadyExist(key, message);
                    case DEADLOCK -> new TxnKeyException.Deadlock(startTs, key, deadlockKeyHash, waitChain, message);
                    default -> new TxnKeyException(ErrorCode.WRITE_CONFLICT, kind.name(), message);
                };
            }
        }
        return first;
    }

    private static byte[] bytes(final Consumer<DirectBuffer> wrap) {
        final UnsafeBuffer view = new UnsafeBuffer(EMPTY);
        wrap.accept(view);
        final byte[] out = new byte[view.capacity()];
        view.getBytes(0, out);
        return out;
    }
}
