package io.tkv.client;

import io.tkv.codec.BooleanType;
import io.tkv.codec.KvBatchGetEncoder;
import io.tkv.codec.KvBatchRollbackEncoder;
import io.tkv.codec.KvCheckSecondaryLocksEncoder;
import io.tkv.codec.KvCheckTxnStatusEncoder;
import io.tkv.codec.KvCleanupEncoder;
import io.tkv.codec.KvCommitEncoder;
import io.tkv.codec.KvGetEncoder;
import io.tkv.codec.KvPessimisticLockEncoder;
import io.tkv.codec.KvPessimisticRollbackEncoder;
import io.tkv.codec.KvPrewriteEncoder;
import io.tkv.codec.KvResolveLockEncoder;
import io.tkv.codec.KvScanEncoder;
import io.tkv.codec.KvScanLockEncoder;
import io.tkv.codec.KvTxnHeartBeatEncoder;
import io.tkv.codec.MessageHeaderEncoder;
import io.tkv.codec.MutationOp;
import io.tkv.codec.RegionContextEncoder;
import org.agrona.ExpandableArrayBuffer;

import java.util.List;

/**
 * Encodes the transactional request frames (schema version 6, templates 250-276): each method returns the whole frame
 * as a fresh array, with correlation id and session token 0 (stamped when the request is registered and sent, as
 * {@link IngressEncoder}'s frames). Keys are user keys. Not thread-safe: {@link #current()} gives each thread its own.
 */
final class TxnFrames {
    private static final ThreadLocal<TxnFrames> FRAMES = ThreadLocal.withInitial(TxnFrames::new);

    private final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer(4096);
    private final MessageHeaderEncoder header = new MessageHeaderEncoder();
    private final KvGetEncoder get = new KvGetEncoder();
    private final KvBatchGetEncoder batchGet = new KvBatchGetEncoder();
    private final KvScanEncoder scan = new KvScanEncoder();
    private final KvPrewriteEncoder prewrite = new KvPrewriteEncoder();
    private final KvPessimisticLockEncoder lock = new KvPessimisticLockEncoder();
    private final KvPessimisticRollbackEncoder pessimisticRollback = new KvPessimisticRollbackEncoder();
    private final KvCommitEncoder commit = new KvCommitEncoder();
    private final KvBatchRollbackEncoder rollback = new KvBatchRollbackEncoder();
    private final KvCleanupEncoder cleanup = new KvCleanupEncoder();
    private final KvCheckTxnStatusEncoder checkTxnStatus = new KvCheckTxnStatusEncoder();
    private final KvCheckSecondaryLocksEncoder checkSecondaries = new KvCheckSecondaryLocksEncoder();
    private final KvResolveLockEncoder resolve = new KvResolveLockEncoder();
    private final KvTxnHeartBeatEncoder heartBeat = new KvTxnHeartBeatEncoder();
    private final KvScanLockEncoder scanLock = new KvScanLockEncoder();

    static TxnFrames current() {
        return FRAMES.get();
    }

    byte[] get(final RegionEpoch epoch, final byte[] key, final long version) {
        get.wrapAndApplyHeader(buffer, 0, header).correlationId(0).sessionToken(0).version(version);
        region(get.region(), epoch);
        get.putKey(key, 0, key.length);
        return frame(get.encodedLength());
    }

    byte[] batchGet(final RegionEpoch epoch, final List<byte[]> keys, final long version) {
        batchGet.wrapAndApplyHeader(buffer, 0, header).correlationId(0).sessionToken(0).version(version);
        region(batchGet.region(), epoch);
        final KvBatchGetEncoder.KeysEncoder group = batchGet.keysCount(keys.size());
        for (final byte[] key : keys) {
            group.next().putKey(key, 0, key.length);
        }
        return frame(batchGet.encodedLength());
    }

    byte[] scan(final RegionEpoch epoch, final byte[] start, final byte[] end, final long version, final int limit,
        final boolean reverse, final boolean keyOnly) {
        scan.wrapAndApplyHeader(buffer, 0, header).correlationId(0).sessionToken(0).version(version)
            .scanLimit(limit).reverse(bool(reverse)).keyOnly(bool(keyOnly));
        region(scan.region(), epoch);
        scan.putStartKey(start, 0, start.length).putEndKey(end, 0, end.length);
        return frame(scan.encodedLength());
    }

    byte[] prewrite(final RegionEpoch epoch, final List<TxnMutation> mutations, final byte[] primary,
        final TxnRpc.PrewriteOptions options, final List<byte[]> secondaries) {
        prewrite.wrapAndApplyHeader(buffer, 0, header).correlationId(0).sessionToken(0)
            .startTs(options.startTs()).lockTtl(options.lockTtl()).txnSize(options.txnSize())
            .forUpdateTs(options.forUpdateTs()).minCommitTs(options.minCommitTs())
            .maxCommitTs(options.maxCommitTs()).useAsyncCommit(bool(options.useAsyncCommit()))
            .tryOnePc(bool(options.tryOnePc())).skipConstraintCheck(bool(options.skipConstraintCheck()));
        region(prewrite.region(), epoch);
        final KvPrewriteEncoder.MutationsEncoder group = prewrite.mutationsCount(mutations.size());
        for (final TxnMutation mutation : mutations) {
            final boolean writesValue = mutation.op() == TxnMutation.Op.PUT || mutation.op() == TxnMutation.Op.INSERT;
            final byte[] value = writesValue ? mutation.value() : new byte[0];
            group.next().op(switch (mutation.op()) {
                case PUT -> MutationOp.PUT;
                case INSERT -> MutationOp.INSERT;
                case DELETE -> MutationOp.DELETE;
                default -> MutationOp.LOCK;
            }).isPessimisticLock(bool(mutation.isPessimisticLock()))
                .putKey(mutation.key(), 0, mutation.key().length).putValue(value, 0, value.length);
        }
        final KvPrewriteEncoder.SecondariesEncoder list = prewrite.secondariesCount(secondaries.size());
        for (final byte[] key : secondaries) {
            list.next().putKey(key, 0, key.length);
        }
        prewrite.putPrimary(primary, 0, primary.length);
        return frame(prewrite.encodedLength());
    }

    byte[] pessimisticLock(final RegionEpoch epoch, final List<byte[]> keys, final byte[] primary, final long startTs,
        final long forUpdateTs, final long lockTtl, final long minCommitTs, final long waitTimeoutMs) {
        lock.wrapAndApplyHeader(buffer, 0, header).correlationId(0).sessionToken(0).startTs(startTs)
            .forUpdateTs(forUpdateTs).lockTtl(lockTtl).minCommitTs(minCommitTs).waitTimeoutMs(waitTimeoutMs);
        region(lock.region(), epoch);
        final KvPessimisticLockEncoder.KeysEncoder group = lock.keysCount(keys.size());
        for (final byte[] key : keys) {
            group.next().putKey(key, 0, key.length);
        }
        lock.putPrimary(primary, 0, primary.length);
        return frame(lock.encodedLength());
    }

    byte[] pessimisticRollback(final RegionEpoch epoch, final List<byte[]> keys, final long startTs,
        final long forUpdateTs) {
        pessimisticRollback.wrapAndApplyHeader(buffer, 0, header).correlationId(0).sessionToken(0).startTs(startTs)
            .forUpdateTs(forUpdateTs);
        region(pessimisticRollback.region(), epoch);
        final KvPessimisticRollbackEncoder.KeysEncoder group = pessimisticRollback.keysCount(keys.size());
        for (final byte[] key : keys) {
            group.next().putKey(key, 0, key.length);
        }
        return frame(pessimisticRollback.encodedLength());
    }

    byte[] commit(final RegionEpoch epoch, final List<byte[]> keys, final long startTs, final long commitTs) {
        commit.wrapAndApplyHeader(buffer, 0, header).correlationId(0).sessionToken(0).startTs(startTs)
            .commitTs(commitTs);
        region(commit.region(), epoch);
        final KvCommitEncoder.KeysEncoder group = commit.keysCount(keys.size());
        for (final byte[] key : keys) {
            group.next().putKey(key, 0, key.length);
        }
        return frame(commit.encodedLength());
    }

    byte[] batchRollback(final RegionEpoch epoch, final List<byte[]> keys, final long startTs) {
        rollback.wrapAndApplyHeader(buffer, 0, header).correlationId(0).sessionToken(0).startTs(startTs);
        region(rollback.region(), epoch);
        final KvBatchRollbackEncoder.KeysEncoder group = rollback.keysCount(keys.size());
        for (final byte[] key : keys) {
            group.next().putKey(key, 0, key.length);
        }
        return frame(rollback.encodedLength());
    }

    byte[] cleanup(final RegionEpoch epoch, final byte[] key, final long startTs, final long currentTs) {
        cleanup.wrapAndApplyHeader(buffer, 0, header).correlationId(0).sessionToken(0).startTs(startTs)
            .currentTs(currentTs);
        region(cleanup.region(), epoch);
        cleanup.putKey(key, 0, key.length);
        return frame(cleanup.encodedLength());
    }

    byte[] checkTxnStatus(final RegionEpoch epoch, final byte[] primary, final long lockTs, final long callerStartTs,
        final long currentTs, final boolean rollbackIfNotExist, final boolean forceSyncCommit,
        final boolean resolvingPessimisticLock) {
        checkTxnStatus.wrapAndApplyHeader(buffer, 0, header).correlationId(0).sessionToken(0).lockTs(lockTs)
            .callerStartTs(callerStartTs).currentTs(currentTs).rollbackIfNotExist(bool(rollbackIfNotExist))
            .forceSyncCommit(bool(forceSyncCommit)).resolvingPessimisticLock(bool(resolvingPessimisticLock));
        region(checkTxnStatus.region(), epoch);
        checkTxnStatus.putPrimaryKey(primary, 0, primary.length);
        return frame(checkTxnStatus.encodedLength());
    }

    byte[] checkSecondaryLocks(final RegionEpoch epoch, final List<byte[]> keys, final long startTs) {
        checkSecondaries.wrapAndApplyHeader(buffer, 0, header).correlationId(0).sessionToken(0).startTs(startTs);
        region(checkSecondaries.region(), epoch);
        final KvCheckSecondaryLocksEncoder.KeysEncoder group = checkSecondaries.keysCount(keys.size());
        for (final byte[] key : keys) {
            group.next().putKey(key, 0, key.length);
        }
        return frame(checkSecondaries.encodedLength());
    }

    byte[] resolveLock(final RegionEpoch epoch, final List<byte[]> keys, final long startTs, final long commitTs) {
        resolve.wrapAndApplyHeader(buffer, 0, header).correlationId(0).sessionToken(0).startTs(startTs)
            .commitTs(commitTs);
        region(resolve.region(), epoch);
        final KvResolveLockEncoder.KeysEncoder group = resolve.keysCount(keys.size());
        for (final byte[] key : keys) {
            group.next().putKey(key, 0, key.length);
        }
        return frame(resolve.encodedLength());
    }

    byte[] txnHeartBeat(final RegionEpoch epoch, final byte[] primary, final long startTs, final long adviseTtl) {
        heartBeat.wrapAndApplyHeader(buffer, 0, header).correlationId(0).sessionToken(0).startTs(startTs)
            .adviseLockTtl(adviseTtl);
        region(heartBeat.region(), epoch);
        heartBeat.putPrimaryKey(primary, 0, primary.length);
        return frame(heartBeat.encodedLength());
    }

    byte[] scanLock(final RegionEpoch epoch, final byte[] start, final byte[] end, final long maxVersion,
        final int limit) {
        scanLock.wrapAndApplyHeader(buffer, 0, header).correlationId(0).sessionToken(0).maxVersion(maxVersion)
            .scanLimit(limit);
        region(scanLock.region(), epoch);
        scanLock.putStartKey(start, 0, start.length).putEndKey(end, 0, end.length);
        return frame(scanLock.encodedLength());
    }

    private static void region(final RegionContextEncoder encoder, final RegionEpoch epoch) {
        encoder.regionId(epoch.regionId()).confVer(epoch.confVer()).version(epoch.version());
    }

    private static BooleanType bool(final boolean value) {
        return value ? BooleanType.TRUE : BooleanType.FALSE;
    }

    private byte[] frame(final int bodyLength) {
        final byte[] frame = new byte[MessageHeaderEncoder.ENCODED_LENGTH + bodyLength];
        buffer.getBytes(0, frame);
        return frame;
    }
}
