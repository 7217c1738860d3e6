package io.tkv.server.txn;

import io.tkv.codec.BooleanType;
import io.tkv.codec.KvBatchGetDecoder;
import io.tkv.codec.KvBatchRollbackDecoder;
import io.tkv.codec.KvCheckSecondaryLocksDecoder;
import io.tkv.codec.KvCheckTxnStatusDecoder;
import io.tkv.codec.KvCleanupDecoder;
import io.tkv.codec.KvCommitDecoder;
import io.tkv.codec.KvGetDecoder;
import io.tkv.codec.KvPessimisticLockDecoder;
import io.tkv.codec.KvPessimisticRollbackDecoder;
import io.tkv.codec.KvPrewriteDecoder;
import io.tkv.codec.KvResolveLockDecoder;
import io.tkv.codec.KvScanDecoder;
import io.tkv.codec.KvScanLockDecoder;
import io.tkv.codec.KvTxnHeartBeatDecoder;
import io.tkv.codec.MessageHeaderDecoder;
import io.tkv.codec.MutationOp;
import io.tkv.codec.RegionContextDecoder;
import io.tkv.codec.Status;
import io.tkv.codec.keys.TxnKeyCodec;
import io.tkv.storage.RegionDescriptor;
import io.tkv.txn.Mutation;
import io.tkv.txn.command.AcquirePessimisticLockCommand;
import io.tkv.txn.command.BatchGetCommand;
import io.tkv.txn.command.CheckSecondaryLocksCommand;
import io.tkv.txn.command.CheckTxnStatusCommand;
import io.tkv.txn.command.CleanupCommand;
import io.tkv.txn.command.CommitCommand;
import io.tkv.txn.command.GetCommand;
import io.tkv.txn.command.PessimisticRollbackCommand;
import io.tkv.txn.command.PrewriteCommand;
import io.tkv.txn.command.ResolveLockCommand;
import io.tkv.txn.command.ResolveLockScanCommand;
import io.tkv.txn.command.RollbackCommand;
import io.tkv.txn.command.ScanCommand;
import io.tkv.txn.command.ScanLockCommand;
import io.tkv.txn.command.TxnCommand;
import io.tkv.txn.command.TxnHeartBeatCommand;
import io.tkv.txn.lockwait.LockWaitConfig;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Reads a validated transactional request frame (layout checked by the ingress validator) into a {@link TxnRequest}:
 * every key against the store's limits (non-empty, at most max-key-bytes; values at most max-value-bytes; a scan limit
 * in {@code (0, max-scan-limit]}), every enum and boolean against its values, every key's stored form ({@code 'x'
 * mc(key)}) inside the region, and the command's own rules (its constructor). The ingress reads each request so before
 * it asks Raft for a read point, and the apply agent again where it runs, against the region as applied there. A cold
 * path next to the Percolator work it starts: it allocates. Not thread-safe: one per agent.
 */
public final class TxnRequests {
    private final int maxKeyBytes;
    private final int maxValueBytes;
    private final int maxScanLimit;
    private final MessageHeaderDecoder header = new MessageHeaderDecoder();
    private final KvGetDecoder get = new KvGetDecoder();
    private final KvBatchGetDecoder batchGet = new KvBatchGetDecoder();
    private final KvScanDecoder scan = new KvScanDecoder();
    private final KvPrewriteDecoder prewrite = new KvPrewriteDecoder();
    private final KvPessimisticLockDecoder lock = new KvPessimisticLockDecoder();
    private final KvPessimisticRollbackDecoder pessimisticRollback = new KvPessimisticRollbackDecoder();
    private final KvCommitDecoder commit = new KvCommitDecoder();
    private final KvBatchRollbackDecoder rollback = new KvBatchRollbackDecoder();
    private final KvCleanupDecoder cleanup = new KvCleanupDecoder();
    private final KvCheckTxnStatusDecoder checkTxnStatus = new KvCheckTxnStatusDecoder();
    private final KvCheckSecondaryLocksDecoder checkSecondaries = new KvCheckSecondaryLocksDecoder();
    private final KvResolveLockDecoder resolve = new KvResolveLockDecoder();
    private final KvTxnHeartBeatDecoder heartBeat = new KvTxnHeartBeatDecoder();
    private final KvScanLockDecoder scanLock = new KvScanLockDecoder();
    private final UnsafeBuffer view = new UnsafeBuffer(0, 0);
    private long maxWaitTimeoutMs = LockWaitConfig.DEFAULT_MAX_WAIT_TIMEOUT_MS;
    private RegionDescriptor region;
    private Status status = Status.OK;
    private String reason = "";

    /**
     * @param maxKeyBytes   largest key.
     * @param maxValueBytes largest value.
     * @param maxScanLimit  largest scan limit.
     */
    public TxnRequests(final int maxKeyBytes, final int maxValueBytes, final int maxScanLimit) {
        this.maxKeyBytes = maxKeyBytes;
        this.maxValueBytes = maxValueBytes;
        this.maxScanLimit = maxScanLimit;
    }

    /**
     * @param maxWaitTimeoutMs the longest lock wait a KvPessimisticLock gets (the store's
     *                         {@link LockWaitConfig#maxWaitTimeoutMs}); a longer one asked for is cut to it.
     * @return this.
     */
    public TxnRequests maxWaitTimeoutMs(final long maxWaitTimeoutMs) {
        if (maxWaitTimeoutMs < 0) {
            throw new IllegalArgumentException("negative max wait timeout " + maxWaitTimeoutMs);
        }
        this.maxWaitTimeoutMs = maxWaitTimeoutMs;
        return this;
    }

    /** Thrown inside the reader for a request it refuses; never leaves it. */
    private static final class Refused extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final Status status;

        Refused(final Status status, final String message) {
            super(message, null, false, false);
            this.status = status;
        }
    }

    /**
     * @param buffer holding the frame at {@code offset} (message header first), validated.
     * @param target the region the request names, as the caller knows it (epoch already checked).
     * @return the request, or null if refused: {@link #status()} (MALFORMED, TOO_LARGE, KEY_NOT_IN_REGION) and
     *     {@link #reason()} say why.
     */
    public TxnRequest read(final DirectBuffer buffer, final int offset, final RegionDescriptor target) {
        region = target;
        header.wrap(buffer, offset);
        final int body = offset + MessageHeaderDecoder.ENCODED_LENGTH;
        final int blockLength = header.blockLength();
        final int version = header.version();
        final int templateId = header.templateId();
        try {
            return switch (templateId) {
                case KvGetDecoder.TEMPLATE_ID -> {
                    get.wrap(buffer, body, blockLength, version);
                    final long ts = positive(get.version(), "version");
                    yield request(get.correlationId(), templateId, get.region(),
                        new GetCommand(key(bytes(get::wrapKey)), ts));
                }
                case KvBatchGetDecoder.TEMPLATE_ID -> {
                    batchGet.wrap(buffer, body, blockLength, version);
                    final long ts = positive(batchGet.version(), "version");
                    final List<byte[]> keys = new ArrayList<>();
                    for (final KvBatchGetDecoder.KeysDecoder entry : batchGet.keys()) {
                        keys.add(key(bytes(entry::wrapKey)));
                    }
                    yield request(batchGet.correlationId(), templateId, batchGet.region(),
                        new BatchGetCommand(keys, ts));
                }
                case KvScanDecoder.TEMPLATE_ID -> readScan(buffer, body, blockLength, version);
                case KvPrewriteDecoder.TEMPLATE_ID -> readPrewrite(buffer, body, blockLength, version);
                case KvPessimisticLockDecoder.TEMPLATE_ID -> {
                    lock.wrap(buffer, body, blockLength, version);
                    final List<byte[]> keys = new ArrayList<>();
                    for (final KvPessimisticLockDecoder.KeysDecoder entry : lock.keys()) {
                        keys.add(key(bytes(entry::wrapKey)));
                    }
                    final byte[] primary = nonEmpty(anyKey(bytes(lock::wrapPrimary)));
                    yield request(lock.correlationId(), templateId, lock.region(), new AcquirePessimisticLockCommand(
                        keys, primary, positive(lock.startTs(), "start ts"), lock.forUpdateTs(), lock.lockTtl(),
                        lock.minCommitTs(), waitTimeout(lock.waitTimeoutMs())));
                }
                case KvPessimisticRollbackDecoder.TEMPLATE_ID -> {
                    pessimisticRollback.wrap(buffer, body, blockLength, version);
                    final List<byte[]> keys = new ArrayList<>();
                    for (final KvPessimisticRollbackDecoder.KeysDecoder entry : pessimisticRollback.keys()) {
                        keys.add(key(bytes(entry::wrapKey)));
                    }
                    yield request(pessimisticRollback.correlationId(), templateId, pessimisticRollback.region(),
                        new PessimisticRollbackCommand(keys, positive(pessimisticRollback.startTs(), "start ts"),
                            pessimisticRollback.forUpdateTs()));
                }
                case KvCommitDecoder.TEMPLATE_ID -> {
                    commit.wrap(buffer, body, blockLength, version);
                    final List<byte[]> keys = new ArrayList<>();
                    for (final KvCommitDecoder.KeysDecoder entry : commit.keys()) {
                        keys.add(key(bytes(entry::wrapKey)));
                    }
                    yield request(commit.correlationId(), templateId, commit.region(),
                        new CommitCommand(keys, positive(commit.startTs(), "start ts"), commit.commitTs()));
                }
                case KvBatchRollbackDecoder.TEMPLATE_ID -> {
                    rollback.wrap(buffer, body, blockLength, version);
                    final List<byte[]> keys = new ArrayList<>();
                    for (final KvBatchRollbackDecoder.KeysDecoder entry : rollback.keys()) {
                        keys.add(key(bytes(entry::wrapKey)));
                    }
                    yield request(rollback.correlationId(), templateId, rollback.region(),
                        new RollbackCommand(keys, positive(rollback.startTs(), "start ts")));
                }
                case KvCleanupDecoder.TEMPLATE_ID -> {
                    cleanup.wrap(buffer, body, blockLength, version);
                    final long startTs = positive(cleanup.startTs(), "start ts");
                    yield request(cleanup.correlationId(), templateId, cleanup.region(),
                        new CleanupCommand(key(bytes(cleanup::wrapKey)), startTs, cleanup.currentTs()));
                }
                case KvCheckTxnStatusDecoder.TEMPLATE_ID -> readCheckTxnStatus(buffer, body, blockLength, version);
                case KvCheckSecondaryLocksDecoder.TEMPLATE_ID -> {
                    checkSecondaries.wrap(buffer, body, blockLength, version);
                    final List<byte[]> keys = new ArrayList<>();
                    for (final KvCheckSecondaryLocksDecoder.KeysDecoder entry : checkSecondaries.keys()) {
                        keys.add(key(bytes(entry::wrapKey)));
                    }
                    yield request(checkSecondaries.correlationId(), templateId, checkSecondaries.region(),
                        new CheckSecondaryLocksCommand(keys, positive(checkSecondaries.startTs(), "start ts")));
                }
                case KvResolveLockDecoder.TEMPLATE_ID -> readResolveLock(buffer, body, blockLength, version);
                case KvTxnHeartBeatDecoder.TEMPLATE_ID -> {
                    heartBeat.wrap(buffer, body, blockLength, version);
                    final long startTs = positive(heartBeat.startTs(), "start ts");
                    yield request(heartBeat.correlationId(), templateId, heartBeat.region(),
                        new TxnHeartBeatCommand(key(bytes(heartBeat::wrapPrimaryKey)), startTs,
                            heartBeat.adviseLockTtl()));
                }
                case KvScanLockDecoder.TEMPLATE_ID -> {
                    scanLock.wrap(buffer, body, blockLength, version);
                    final int limit = scanLimit(scanLock.scanLimit());
                    final long maxTs = positive(scanLock.maxVersion(), "max version");
                    final byte[] start = anyKey(bytes(scanLock::wrapStartKey));
                    final byte[] end = userEnd(start, anyKey(bytes(scanLock::wrapEndKey)));
                    yield request(scanLock.correlationId(), templateId, scanLock.region(),
                        new ScanLockCommand(start, end, maxTs, limit));
                }
                default -> throw new Refused(Status.MALFORMED, "not a transactional request: " + templateId);
            };
        } catch (final Refused ex) {
            return refuse(ex.status, ex.getMessage());
        } catch (final IllegalArgumentException | IndexOutOfBoundsException ex) {
            return refuse(Status.MALFORMED, ex.getMessage());
        }
    }

    private TxnRequest readScan(final DirectBuffer buffer, final int body, final int blockLength, final int version) {
        scan.wrap(buffer, body, blockLength, version);
        final long ts = positive(scan.version(), "version");
        final int limit = scanLimit(scan.scanLimit());
        final boolean reverse = flag(scan.reverse());
        final boolean keyOnly = flag(scan.keyOnly());
        final byte[] start = anyKey(bytes(scan::wrapStartKey));
        final byte[] end = userEnd(start, anyKey(bytes(scan::wrapEndKey)));
        return new TxnRequest(scan.correlationId(), KvScanDecoder.TEMPLATE_ID, scan.region().regionId(),
            scan.region().version(), new ScanCommand(start, end, ts, limit, reverse), keyOnly, false);
    }

    private TxnRequest readPrewrite(
        final DirectBuffer buffer, final int body, final int blockLength, final int version) {
        prewrite.wrap(buffer, body, blockLength, version);
        final long startTs = positive(prewrite.startTs(), "start ts");
        final boolean asyncCommit = flag(prewrite.useAsyncCommit());
        final boolean onePc = flag(prewrite.tryOnePc());
        final boolean skipCheck = flag(prewrite.skipConstraintCheck());
        final List<Mutation> mutations = new ArrayList<>();
        final KvPrewriteDecoder.MutationsDecoder group = prewrite.mutations();
        final boolean[] pessimistic = new boolean[group.count()];
        boolean anyPessimistic = false;
        for (final KvPrewriteDecoder.MutationsDecoder entry : group) {
            final MutationOp op = entry.op();
            pessimistic[mutations.size()] = flag(entry.isPessimisticLock());
            anyPessimistic |= pessimistic[mutations.size()];
            final byte[] key = key(bytes(entry::wrapKey));
            final byte[] value = value(bytes(entry::wrapValue));
            mutations.add(switch (op) {
                case PUT -> Mutation.put(key, value);
                case DELETE -> Mutation.delete(key);
                case LOCK -> Mutation.lock(key);
                case INSERT -> Mutation.insert(key, value);
                case CHECK_NOT_EXISTS -> Mutation.checkNotExists(key);
                default -> throw new Refused(Status.MALFORMED, "unknown mutation op");
            });
        }
        final List<byte[]> secondaries = new ArrayList<>();
        for (final KvPrewriteDecoder.SecondariesDecoder entry : prewrite.secondaries()) {
            secondaries.add(anyKey(bytes(entry::wrapKey)));
        }
        if (!asyncCommit && !secondaries.isEmpty()) {
            throw new Refused(Status.MALFORMED, "secondaries without async commit");
        }
        // The primary may live in another region: only its size is checked.
        final byte[] primary = nonEmpty(anyKey(bytes(prewrite::wrapPrimary)));
        final PrewriteCommand command = new PrewriteCommand(mutations, primary, startTs, prewrite.lockTtl(),
            prewrite.txnSize(), prewrite.forUpdateTs(), anyPessimistic || prewrite.forUpdateTs() != 0 ? pessimistic
                : null, asyncCommit ? secondaries : null, onePc, prewrite.minCommitTs(), prewrite.maxCommitTs(),
            skipCheck);
        return new TxnRequest(prewrite.correlationId(), KvPrewriteDecoder.TEMPLATE_ID, prewrite.region().regionId(),
            prewrite.region().version(), command, false, asyncCommit || onePc);
    }

    private TxnRequest readCheckTxnStatus(
        final DirectBuffer buffer, final int body, final int blockLength, final int version) {
        final KvCheckTxnStatusDecoder d = checkTxnStatus.wrap(buffer, body, blockLength, version);
        final long lockTs = positive(d.lockTs(), "lock ts");
        final boolean rollbackIfNotExist = flag(d.rollbackIfNotExist());
        final boolean forceSyncCommit = flag(d.forceSyncCommit());
        final boolean resolvingPessimistic = flag(d.resolvingPessimisticLock());
        return request(d.correlationId(), KvCheckTxnStatusDecoder.TEMPLATE_ID, d.region(),
            new CheckTxnStatusCommand(key(bytes(d::wrapPrimaryKey)), lockTs, d.callerStartTs(), d.currentTs(),
                rollbackIfNotExist, forceSyncCommit, resolvingPessimistic));
    }

    private TxnRequest readResolveLock(
        final DirectBuffer buffer, final int body, final int blockLength, final int version) {
        resolve.wrap(buffer, body, blockLength, version);
        final long startTs = positive(resolve.startTs(), "start ts");
        final long commitTs = resolve.commitTs();
        final List<byte[]> keys = new ArrayList<>();
        for (final KvResolveLockDecoder.KeysDecoder entry : resolve.keys()) {
            keys.add(key(bytes(entry::wrapKey)));
        }
        final TxnCommand command;
        if (keys.isEmpty()) {
            // The whole region, as TiKV's resolve-lock without keys: its range in user keys.
            final byte[] start = TxnKeyCodec.userStart(region.start());
            final byte[] end = TxnKeyCodec.userEnd(region.end());
            command = new ResolveLockScanCommand(Map.of(startTs, commitTs), start, end,
                ResolveLockScanCommand.DEFAULT_BATCH_SIZE);
        } else {
            command = new ResolveLockCommand(keys, startTs, commitTs);
        }
        return request(resolve.correlationId(), KvResolveLockDecoder.TEMPLATE_ID, resolve.region(), command);
    }

    /** Copies the next var-length field, read by its {@code wrapXxx} method. */
    private byte[] bytes(final Consumer<DirectBuffer> wrap) {
        wrap.accept(view);
        final byte[] out = new byte[view.capacity()];
        view.getBytes(0, out);
        return out;
    }

    private static TxnRequest request(
        final long correlationId, final int templateId, final RegionContextDecoder context, final TxnCommand command) {
        return new TxnRequest(correlationId, templateId, context.regionId(), context.version(), command, false, false);
    }

    private TxnRequest refuse(final Status why, final String message) {
        status = why;
        reason = message == null ? "malformed transactional request" : message;
        return null;
    }

    /** A key naming one entry: not empty, within the limit, inside the region. */
    private byte[] key(final byte[] key) {
        if (key.length == 0) {
            throw new Refused(Status.MALFORMED, "empty key");
        }
        final byte[] checked = anyKey(key);
        if (!inRegion(TxnKeyCodec.encode(checked))) {
            throw new Refused(Status.KEY_NOT_IN_REGION, "a key of the request is not in " + region);
        }
        return checked;
    }

    /** A key that need not be in the region (a primary, a secondary, a range bound): only its size is checked. */
    private byte[] anyKey(final byte[] key) {
        if (key.length > maxKeyBytes) {
            throw new Refused(Status.TOO_LARGE, "key over max-key-bytes");
        }
        return key;
    }

    private static byte[] nonEmpty(final byte[] key) {
        if (key.length == 0) {
            throw new Refused(Status.MALFORMED, "empty primary key");
        }
        return key;
    }

    private byte[] value(final byte[] value) {
        if (value.length > maxValueBytes) {
            throw new Refused(Status.TOO_LARGE, "value over max-value-bytes");
        }
        return value;
    }

    /**
     * The end of a scan: the range must lie in the region. An empty end means the region's end: the user key its end
     * stands for, or {@code null} (the end of the transactional space).
     */
    private byte[] userEnd(final byte[] start, final byte[] end) {
        if (!inRegion(TxnKeyCodec.encode(start))) {
            throw new Refused(Status.KEY_NOT_IN_REGION, "the range starts outside " + region);
        }
        if (end.length == 0) {
            return TxnKeyCodec.userEnd(region.end());
        }
        final byte[] storedEnd = TxnKeyCodec.encode(end);
        if (region.end().length != 0 && Arrays.compareUnsigned(storedEnd, region.end()) > 0) {
            throw new Refused(Status.KEY_NOT_IN_REGION, "the range ends past " + region);
        }
        return end;
    }

    private boolean inRegion(final byte[] stored) {
        return Arrays.compareUnsigned(stored, region.start()) >= 0 &&
            (region.end().length == 0 || Arrays.compareUnsigned(stored, region.end()) < 0);
    }

    /** @return the wait asked for, cut to the store's longest: a client does not pin a parked request longer. */
    private long waitTimeout(final long waitTimeoutMs) {
        if (waitTimeoutMs < 0) {
            throw new Refused(Status.MALFORMED, "negative wait timeout");
        }
        return Math.min(waitTimeoutMs, maxWaitTimeoutMs);
    }

    private int scanLimit(final int limit) {
        if (limit <= 0) {
            throw new Refused(Status.MALFORMED, "scan limit must be > 0");
        }
        if (limit > maxScanLimit) {
            throw new Refused(Status.TOO_LARGE, "scan limit over max-scan-limit");
        }
        return limit;
    }

    private static long positive(final long ts, final String what) {
        if (ts <= 0) {
            throw new Refused(Status.MALFORMED, what + " must be positive");
        }
        return ts;
    }

    private static boolean flag(final BooleanType value) {
        return switch (value) {
            case TRUE -> true;
            case FALSE -> false;
            default -> throw new Refused(Status.MALFORMED, "boolean field out of range");
        };
    }

    /** @return why the last {@link #read} refused. */
    public Status status() {
        return status;
    }

    /** @return why the last {@link #read} refused, for the reply. */
    public String reason() {
        return reason;
    }
}
