package io.tkv.server.txn;

import io.tkv.codec.BooleanType;
import io.tkv.codec.KvBatchGetDecoder;
import io.tkv.codec.KvBatchGetResponseEncoder;
import io.tkv.codec.KvBatchRollbackDecoder;
import io.tkv.codec.KvBatchRollbackResponseEncoder;
import io.tkv.codec.KvCheckSecondaryLocksDecoder;
import io.tkv.codec.KvCheckSecondaryLocksResponseEncoder;
import io.tkv.codec.KvCheckTxnStatusDecoder;
import io.tkv.codec.KvCheckTxnStatusResponseEncoder;
import io.tkv.codec.KvCleanupDecoder;
import io.tkv.codec.KvCleanupResponseEncoder;
import io.tkv.codec.KvCommitDecoder;
import io.tkv.codec.KvCommitResponseEncoder;
import io.tkv.codec.KvGetDecoder;
import io.tkv.codec.KvGetResponseEncoder;
import io.tkv.codec.KvPessimisticLockDecoder;
import io.tkv.codec.KvPessimisticLockResponseEncoder;
import io.tkv.codec.KvPessimisticRollbackDecoder;
import io.tkv.codec.KvPessimisticRollbackResponseEncoder;
import io.tkv.codec.KvPrewriteDecoder;
import io.tkv.codec.KvPrewriteResponseEncoder;
import io.tkv.codec.KvResolveLockDecoder;
import io.tkv.codec.KvResolveLockResponseEncoder;
import io.tkv.codec.KvScanDecoder;
import io.tkv.codec.KvScanLockDecoder;
import io.tkv.codec.KvScanLockResponseEncoder;
import io.tkv.codec.KvScanResponseEncoder;
import io.tkv.codec.KvTxnHeartBeatDecoder;
import io.tkv.codec.KvTxnHeartBeatResponseEncoder;
import io.tkv.codec.MessageHeaderEncoder;
import io.tkv.codec.Status;
import io.tkv.codec.TxnErrorKind;
import io.tkv.codec.TxnStatusKind;
import io.tkv.txn.CheckSecondaryLocks;
import io.tkv.txn.Lock;
import io.tkv.txn.TxnException;
import io.tkv.txn.TxnStatus;
import io.tkv.txn.command.TxnResponse;
import org.agrona.MutableDirectBuffer;

import java.util.ArrayList;
import java.util.List;

/**
 * Encodes a {@link TxnResponse} as the response frame of its request's template (the request id + 1), the one place
 * the transaction layer's answers become wire frames: values and fields of a success, key errors in the nested
 * TxnKeyErrorList ({@link TxnKeyErrors}). {@link TxnResponse.Busy} is not encoded here: the caller answers it with an
 * ErrorResponse SERVER_BUSY, as any request refused before it ran. Not thread-safe: one per agent.
 */
public final class TxnReplies {
    private static final byte[] EMPTY = new byte[0];

    private final MessageHeaderEncoder header = new MessageHeaderEncoder();
    private final TxnKeyErrors errors = new TxnKeyErrors();
    private final TxnKeyErrors nested = new TxnKeyErrors();
    private final KvGetResponseEncoder get = new KvGetResponseEncoder();
    private final KvBatchGetResponseEncoder batchGet = new KvBatchGetResponseEncoder();
    private final KvScanResponseEncoder scan = new KvScanResponseEncoder();
    private final KvPrewriteResponseEncoder prewrite = new KvPrewriteResponseEncoder();
    private final KvPessimisticLockResponseEncoder lock = new KvPessimisticLockResponseEncoder();
    private final KvPessimisticRollbackResponseEncoder pessimisticRollback =
        new KvPessimisticRollbackResponseEncoder();
    private final KvCommitResponseEncoder commit = new KvCommitResponseEncoder();
    private final KvBatchRollbackResponseEncoder rollback = new KvBatchRollbackResponseEncoder();
    private final KvCleanupResponseEncoder cleanup = new KvCleanupResponseEncoder();
    private final KvCheckTxnStatusResponseEncoder checkTxnStatus = new KvCheckTxnStatusResponseEncoder();
    private final KvCheckSecondaryLocksResponseEncoder checkSecondaries = new KvCheckSecondaryLocksResponseEncoder();
    private final KvResolveLockResponseEncoder resolve = new KvResolveLockResponseEncoder();
    private final KvTxnHeartBeatResponseEncoder heartBeat = new KvTxnHeartBeatResponseEncoder();
    private final KvScanLockResponseEncoder scanLock = new KvScanLockResponseEncoder();

    /**
     * Encodes the answer of a request that ran.
     *
     * @param request  the request.
     * @param response its answer (not {@link TxnResponse.Busy}).
     * @param out      where to encode, at {@code offset} (an expandable buffer: the frame may be large).
     * @return the frame's length, header included.
     */
    public int encode(
        final TxnRequest request, final TxnResponse response, final MutableDirectBuffer out, final int offset) {
        final List<TxnException> keyErrors = new ArrayList<>();
        if (response instanceof TxnResponse.Error error) {
            keyErrors.add(error.error());
        }
        return encode(request, response, keyErrors, out, offset);
    }

    /**
     * Encodes the answer of a request refused with a key error the store found itself (MAX_TIMESTAMP_NOT_SYNCED).
     *
     * @return the frame's length, header included.
     */
    public int encodeError(
        final TxnRequest request, final TxnErrorKind kind, final String message, final MutableDirectBuffer out,
        final int offset) {
        errors.error(kind, message);
        return encodeWithErrors(request, TxnResponse.DONE, out, offset);
    }

    private int encode(
        final TxnRequest request, final TxnResponse response, final List<TxnException> keyErrors,
        final MutableDirectBuffer out, final int offset) {
        if (response instanceof TxnResponse.Pairs pairs) {
            for (final TxnResponse.KeyValue pair : pairs.pairs()) {
                if (pair.locked() != null) {
                    keyErrors.add(pair.locked());
                }
            }
        } else if (response instanceof TxnResponse.Prewrite result) {
            keyErrors.addAll(result.locked());
        }
        errors.errors(keyErrors);
        return encodeWithErrors(request, response, out, offset);
    }

    private int encodeWithErrors(
        final TxnRequest request, final TxnResponse response, final MutableDirectBuffer out, final int offset) {
        final Status status = errors.status();
        final long id = request.correlationId();
        final int body = switch (request.templateId()) {
            case KvGetDecoder.TEMPLATE_ID -> {
                final byte[] value = response instanceof TxnResponse.Value found ? found.value() : null;
                get.wrapAndApplyHeader(out, offset, header).correlationId(id).status(status)
                    .found(value != null ? BooleanType.TRUE : BooleanType.FALSE)
                    .putValue(value == null ? EMPTY : value, 0, value == null ? 0 : value.length).errorMessage("");
                get.putKeyErrors(errors.buffer(), 0, errors.length());
                yield get.encodedLength();
            }
            case KvBatchGetDecoder.TEMPLATE_ID -> {
                batchGet.wrapAndApplyHeader(out, offset, header).correlationId(id).status(status);
                final List<TxnResponse.KeyValue> found = found(response);
                final KvBatchGetResponseEncoder.PairsEncoder group = batchGet.pairsCount(found.size());
                for (final TxnResponse.KeyValue pair : found) {
                    group.next().putKey(pair.key(), 0, pair.key().length).putValue(pair.value(), 0,
                        pair.value().length);
                }
                batchGet.errorMessage("").putKeyErrors(errors.buffer(), 0, errors.length());
                yield batchGet.encodedLength();
            }
            case KvScanDecoder.TEMPLATE_ID -> {
                scan.wrapAndApplyHeader(out, offset, header).correlationId(id).status(status);
                final List<TxnResponse.KeyValue> found = found(response);
                final KvScanResponseEncoder.PairsEncoder group = scan.pairsCount(found.size());
                for (final TxnResponse.KeyValue pair : found) {
                    final byte[] value = request.keyOnly() ? EMPTY : pair.value();
                    group.next().putKey(pair.key(), 0, pair.key().length).putValue(value, 0, value.length);
                }
                scan.errorMessage("").putKeyErrors(errors.buffer(), 0, errors.length());
                yield scan.encodedLength();
            }
            case KvPrewriteDecoder.TEMPLATE_ID -> {
                final TxnResponse.Prewrite result = response instanceof TxnResponse.Prewrite p ? p : null;
                prewrite.wrapAndApplyHeader(out, offset, header).correlationId(id).status(status)
                    .minCommitTs(result == null ? 0 : result.minCommitTs())
                    .onePcCommitTs(result == null ? 0 : result.onePcCommitTs())
                    .errorMessage("").putKeyErrors(errors.buffer(), 0, errors.length());
                yield prewrite.encodedLength();
            }
            case KvPessimisticLockDecoder.TEMPLATE_ID -> {
                lock.wrapAndApplyHeader(out, offset, header).correlationId(id).status(status).errorMessage("")
                    .putKeyErrors(errors.buffer(), 0, errors.length());
                yield lock.encodedLength();
            }
            case KvPessimisticRollbackDecoder.TEMPLATE_ID -> {
                pessimisticRollback.wrapAndApplyHeader(out, offset, header).correlationId(id).status(status)
                    .errorMessage("").putKeyErrors(errors.buffer(), 0, errors.length());
                yield pessimisticRollback.encodedLength();
            }
            case KvCommitDecoder.TEMPLATE_ID -> {
                commit.wrapAndApplyHeader(out, offset, header).correlationId(id).status(status).errorMessage("")
                    .putKeyErrors(errors.buffer(), 0, errors.length());
                yield commit.encodedLength();
            }
            case KvBatchRollbackDecoder.TEMPLATE_ID -> {
                rollback.wrapAndApplyHeader(out, offset, header).correlationId(id).status(status).errorMessage("")
                    .putKeyErrors(errors.buffer(), 0, errors.length());
                yield rollback.encodedLength();
            }
            case KvCleanupDecoder.TEMPLATE_ID -> {
                final long commitTs = response instanceof TxnResponse.Error error &&
                    error.error() instanceof TxnException.Committed committed ? committed.commitTs() : 0;
                cleanup.wrapAndApplyHeader(out, offset, header).correlationId(id).status(status).commitTs(commitTs)
                    .errorMessage("").putKeyErrors(errors.buffer(), 0, errors.length());
                yield cleanup.encodedLength();
            }
            case KvCheckTxnStatusDecoder.TEMPLATE_ID -> encodeStatus(id, status, response, out, offset);
            case KvCheckSecondaryLocksDecoder.TEMPLATE_ID -> {
                final CheckSecondaryLocks.Result result =
                    response instanceof TxnResponse.SecondaryLocks locks ? locks.result() : null;
                nested.locks(result == null ? List.of() : result.keys(), result == null ? List.of() : result.locks());
                checkSecondaries.wrapAndApplyHeader(out, offset, header).correlationId(id).status(status)
                    .commitTs(result == null ? 0 : result.commitTs())
                    .rolledBack(result != null && result.rolledBack() ? BooleanType.TRUE : BooleanType.FALSE)
                    .putLocks(nested.buffer(), 0, nested.length()).errorMessage("")
                    .putKeyErrors(errors.buffer(), 0, errors.length());
                yield checkSecondaries.encodedLength();
            }
            case KvResolveLockDecoder.TEMPLATE_ID -> {
                resolve.wrapAndApplyHeader(out, offset, header).correlationId(id).status(status).errorMessage("")
                    .putKeyErrors(errors.buffer(), 0, errors.length());
                yield resolve.encodedLength();
            }
            case KvTxnHeartBeatDecoder.TEMPLATE_ID -> {
                heartBeat.wrapAndApplyHeader(out, offset, header).correlationId(id).status(status)
                    .lockTtl(response instanceof TxnResponse.HeartBeat beat ? beat.lockTtl() : 0).errorMessage("")
                    .putKeyErrors(errors.buffer(), 0, errors.length());
                yield heartBeat.encodedLength();
            }
            case KvScanLockDecoder.TEMPLATE_ID -> {
                final List<byte[]> keys = new ArrayList<>();
                final List<Lock> locks = new ArrayList<>();
                if (response instanceof TxnResponse.Locks found) {
                    for (final TxnResponse.LockInfo info : found.locks()) {
                        keys.add(info.key());
                        locks.add(info.lock());
                    }
                }
                nested.locks(keys, locks);
                scanLock.wrapAndApplyHeader(out, offset, header).correlationId(id).status(status)
                    .putLocks(nested.buffer(), 0, nested.length()).errorMessage("")
                    .putKeyErrors(errors.buffer(), 0, errors.length());
                yield scanLock.encodedLength();
            }
            default -> throw new IllegalArgumentException("not a transactional request: " + request.templateId());
        };
        return MessageHeaderEncoder.ENCODED_LENGTH + body;
    }

    private int encodeStatus(
        final long id, final Status status, final TxnResponse response, final MutableDirectBuffer out,
        final int offset) {
        final TxnStatus txnStatus = response instanceof TxnResponse.Status found ? found.status() : null;
        final Lock primaryLock = txnStatus == null ? null : txnStatus.lock();
        if (primaryLock == null) {
            nested.locks(List.of(), List.of());
        } else {
            nested.locks(List.of(primaryLock.primary()), List.of(primaryLock));
        }
        checkTxnStatus.wrapAndApplyHeader(out, offset, header).correlationId(id).status(status)
            .action(txnStatus == null ? TxnStatusKind.NULL_VAL : TxnStatusKind.get((short)txnStatus.kind().ordinal()))
            .commitTs(txnStatus == null ? 0 : txnStatus.commitTs())
            .lockTtl(primaryLock == null ? 0 : primaryLock.ttl())
            .minCommitTsPushed(txnStatus != null && txnStatus.minCommitTsPushed() ? BooleanType.TRUE
                : BooleanType.FALSE)
            .putPrimaryLock(nested.buffer(), 0, nested.length()).errorMessage("")
            .putKeyErrors(errors.buffer(), 0, errors.length());
        return checkTxnStatus.encodedLength();
    }

    /** @return the pairs that have a value (a locked key is answered in the key errors). */
    private static List<TxnResponse.KeyValue> found(final TxnResponse response) {
        final List<TxnResponse.KeyValue> found = new ArrayList<>();
        if (response instanceof TxnResponse.Pairs pairs) {
            for (final TxnResponse.KeyValue pair : pairs.pairs()) {
                if (pair.locked() == null && pair.value() != null) {
                    found.add(pair);
                }
            }
        }
        return found;
    }
}
