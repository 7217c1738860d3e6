package io.tkv.client;

import io.aeron.logbuffer.FragmentHandler;
import io.aeron.logbuffer.Header;
import io.tkv.codec.ChallengeDecoder;
import io.tkv.codec.ConnectedDecoder;
import io.tkv.codec.ErrorResponseDecoder;
import io.tkv.codec.MessageHeaderDecoder;
import io.tkv.codec.RawBatchDeleteResponseDecoder;
import io.tkv.codec.RawBatchGetResponseDecoder;
import io.tkv.codec.RawBatchPutResponseDecoder;
import io.tkv.codec.RawCompareAndSwapResponseDecoder;
import io.tkv.codec.RawDeleteRangeResponseDecoder;
import io.tkv.codec.RawDeleteResponseDecoder;
import io.tkv.codec.InjectFaultResponseDecoder;
import io.tkv.codec.RawGetResponseDecoder;
import io.tkv.codec.RegionChecksumResponseDecoder;
import io.tkv.codec.StoreStatusResponseDecoder;
import io.tkv.codec.ChangePeerResponseDecoder;
import io.tkv.codec.SplitRegionResponseDecoder;
import io.tkv.codec.LocateRegionResponseDecoder;
import io.tkv.codec.TransferLeaderResponseDecoder;
import io.tkv.codec.RawPutResponseDecoder;
import io.tkv.codec.RawScanResponseDecoder;
import io.tkv.codec.Status;
import io.tkv.codec.frame.FrameValidator;
import io.tkv.codec.frame.Protocol;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Reads the client's egress stream, where every store it talks to replies (behind a FragmentAssembler, since
 * replies may span several MTUs): validates each frame before any decoder touches it, hands handshake frames to the
 * {@link EgressListener}, and completes the request each reply's correlation id names. Replies to requests that
 * already completed, and replies the listener does not take (from a store or session the request's copy did not
 * go to), are dropped. NOT_LEADER, SERVER_BUSY and UNAUTHENTICATED in an ErrorResponse (the request was rejected
 * before it ran) go to the listener, which routes and resends; so do EPOCH_NOT_MATCH, KEY_NOT_IN_REGION and
 * REGION_NOT_FOUND for a request routed by key, with the regions the refusal carries; any other status fails the
 * request. Poller thread only.
 */
final class EgressAdapter implements FragmentHandler {
    private static final short OK = Status.OK.value();
    private static final short TRUE = 1;
    private static final short UNAUTHENTICATED = Status.UNAUTHENTICATED.value();
    private static final short NOT_LEADER = Status.NOT_LEADER.value();
    private static final short SERVER_BUSY = Status.SERVER_BUSY.value();
    private static final short EPOCH_NOT_MATCH = Status.EPOCH_NOT_MATCH.value();
    private static final short KEY_NOT_IN_REGION = Status.KEY_NOT_IN_REGION.value();
    private static final short REGION_NOT_FOUND = Status.REGION_NOT_FOUND.value();

    private final FrameValidator validator = Protocol.clientEgressValidator();
    private final InFlightRequests inFlight;
    private final AdminReplies admin;
    private final PdReplies pd;
    private final PdClusterReplies pdCluster;
    private final EgressListener listener;
    private final ChallengeDecoder challenge = new ChallengeDecoder();
    private final ConnectedDecoder connected = new ConnectedDecoder();
    private final ErrorResponseDecoder error = new ErrorResponseDecoder();
    private final RegionListReader regionLists = new RegionListReader();
    private final UnsafeBuffer regionsView = new UnsafeBuffer(0, 0);
    private final RawGetResponseDecoder get = new RawGetResponseDecoder();
    private final RawBatchGetResponseDecoder batchGet = new RawBatchGetResponseDecoder();
    private final RawPutResponseDecoder put = new RawPutResponseDecoder();
    private final RawBatchPutResponseDecoder batchPut = new RawBatchPutResponseDecoder();
    private final RawDeleteResponseDecoder delete = new RawDeleteResponseDecoder();
    private final RawBatchDeleteResponseDecoder batchDelete = new RawBatchDeleteResponseDecoder();
    private final RawDeleteRangeResponseDecoder deleteRange = new RawDeleteRangeResponseDecoder();
    private final RawScanResponseDecoder scan = new RawScanResponseDecoder();
    private final RawCompareAndSwapResponseDecoder cas = new RawCompareAndSwapResponseDecoder();
    private long framesRejected;
    private long lateReplies;
    private volatile long foreignReplies;

    EgressAdapter(final InFlightRequests inFlight, final EgressListener listener) {
        this.inFlight = inFlight;
        this.admin = new AdminReplies(inFlight);
        this.pd = new PdReplies(inFlight);
        this.pdCluster = new PdClusterReplies(inFlight);
        this.listener = listener;
    }

    /** @return frames that failed validation (a buggy or hostile peer). */
    long framesRejected() {
        return framesRejected;
    }

    /** @return replies that came after their request completed (timed out, or closed). */
    long lateReplies() {
        return lateReplies;
    }

    /** @return replies dropped because the request's copy on the wire went elsewhere (another store or session). */
    long foreignReplies() {
        return foreignReplies;
    }

    @Override
    public void onFragment(final DirectBuffer buffer, final int offset, final int length, final Header header) {
        final long correlationId = Protocol.correlationId(buffer, offset, length);
        if (validator.validate(buffer, offset, length) != FrameValidator.VALID) {
            framesRejected++;
            final PendingRequest<?> request = inFlight.get(correlationId);
            if (request != null) {
                inFlight.fail(request, new TkvException(ErrorCode.MALFORMED,
                    "bad reply frame to " + request + ": " + validator.lastError()));
            }
            return;
        }
        final int templateId = validator.templateId();
        final int bodyOffset = offset + MessageHeaderDecoder.ENCODED_LENGTH;
        final int blockLength = validator.blockLength();
        final int version = validator.version();
        if (templateId == ChallengeDecoder.TEMPLATE_ID) {
            onChallenge(buffer, bodyOffset, blockLength, version);
        } else if (templateId == ConnectedDecoder.TEMPLATE_ID) {
            onConnected(buffer, bodyOffset, blockLength, version, header.sessionId());
        } else {
            final PendingRequest<?> request = inFlight.get(correlationId);
            if (request == null) {
                lateReplies++;
                return;
            }
            if (!listener.onReply(request, header == null ? 0 : header.sessionId())) {
                foreignReplies++;
                return;
            }
            if (Protocol.isTxnResponse(templateId) && templateId == request.responseTemplateId()) {
                // Decoded by the caller (TxnReplyReader), off the poller: the frame as it came.
                final byte[] frame = new byte[length];
                buffer.getBytes(offset, frame);
                inFlight.complete(request, frame);
                return;
            }
            try {
                onReply(request, templateId, buffer, bodyOffset, blockLength, version);
            } catch (final RuntimeException ex) {
                inFlight.fail(request, new TkvException(ErrorCode.MALFORMED, "undecodable reply to " + request, ex));
            }
        }
    }

    private void onChallenge(final DirectBuffer buffer, final int offset, final int blockLength, final int version) {
        challenge.wrap(buffer, offset, blockLength, version);
        final long correlationId = challenge.correlationId();
        final long handshakeId = challenge.handshakeId();
        final byte[] nonce = new byte[challenge.nonceLength()];
        challenge.getNonce(nonce, 0, nonce.length);
        listener.onChallenge(correlationId, handshakeId, nonce);
    }

    private void onConnected(
        final DirectBuffer buffer, final int offset, final int blockLength, final int version, final int imageSession) {
        connected.wrap(buffer, offset, blockLength, version);
        final int maxRequestBytes = connected.maxRequestBytes();
        final SessionLimits limits = new SessionLimits(connected.maxKeyBytes(), connected.maxValueBytes(),
            connected.maxBatchSize(), connected.maxScanLimit(),
            maxRequestBytes == ConnectedDecoder.maxRequestBytesNullValue() ? 0 : maxRequestBytes);
        final long correlationId = connected.correlationId();
        final short status = connected.statusRaw();
        final long token = connected.sessionToken();
        final long storeId = connected.storeId();
        listener.onConnected(correlationId, status, token, limits, connected.errorMessage(), imageSession,
            storeId == ConnectedDecoder.storeIdNullValue() ? 0 : storeId);
    }

    private void onReply(
        final PendingRequest<?> request, final int templateId, final DirectBuffer buffer, final int offset,
        final int blockLength, final int version) {
        if (templateId == ErrorResponseDecoder.TEMPLATE_ID) {
            onError(request, buffer, offset, blockLength, version);
            return;
        }
        if (templateId != request.responseTemplateId()) {
            inFlight.fail(request, new TkvException(ErrorCode.MALFORMED,
                "reply template " + templateId + " to " + request + ", expected " + request.responseTemplateId()));
            return;
        }
        switch (templateId) {
            case RawGetResponseDecoder.TEMPLATE_ID:
                onGet(request, buffer, offset, blockLength, version);
                break;
            case RawBatchGetResponseDecoder.TEMPLATE_ID:
                onBatchGet(request, buffer, offset, blockLength, version);
                break;
            case RawPutResponseDecoder.TEMPLATE_ID:
                put.wrap(buffer, offset, blockLength, version);
                onWrite(request, put.statusRaw(), put.errorMessage());
                break;
            case RawBatchPutResponseDecoder.TEMPLATE_ID:
                batchPut.wrap(buffer, offset, blockLength, version);
                onWrite(request, batchPut.statusRaw(), batchPut.errorMessage());
                break;
            case RawDeleteResponseDecoder.TEMPLATE_ID:
                delete.wrap(buffer, offset, blockLength, version);
                onWrite(request, delete.statusRaw(), delete.errorMessage());
                break;
            case RawBatchDeleteResponseDecoder.TEMPLATE_ID:
                batchDelete.wrap(buffer, offset, blockLength, version);
                onWrite(request, batchDelete.statusRaw(), batchDelete.errorMessage());
                break;
            case RawDeleteRangeResponseDecoder.TEMPLATE_ID:
                deleteRange.wrap(buffer, offset, blockLength, version);
                onWrite(request, deleteRange.statusRaw(), deleteRange.errorMessage());
                break;
            case RawScanResponseDecoder.TEMPLATE_ID:
                onScan(request, buffer, offset, blockLength, version);
                break;
            case RawCompareAndSwapResponseDecoder.TEMPLATE_ID:
                onCompareAndSwap(request, buffer, offset, blockLength, version);
                break;
            case StoreStatusResponseDecoder.TEMPLATE_ID:
                admin.onStoreStatus(request, buffer, offset, blockLength, version);
                break;
            case InjectFaultResponseDecoder.TEMPLATE_ID:
                admin.onInjectFault(request, buffer, offset, blockLength, version);
                break;
            case TransferLeaderResponseDecoder.TEMPLATE_ID:
                admin.onTransferLeader(request, buffer, offset, blockLength, version);
                break;
            case RegionChecksumResponseDecoder.TEMPLATE_ID:
                admin.onRegionChecksum(request, buffer, offset, blockLength, version);
                break;
            case LocateRegionResponseDecoder.TEMPLATE_ID:
                admin.onLocateRegion(request, buffer, offset, blockLength, version);
                break;
            case SplitRegionResponseDecoder.TEMPLATE_ID:
                admin.onSplitRegion(request, buffer, offset, blockLength, version);
                break;
            case ChangePeerResponseDecoder.TEMPLATE_ID:
                admin.onChangePeer(request, buffer, offset, blockLength, version);
                break;
            default:
                if (!pd.onReply(request, templateId, buffer, offset, blockLength, version)
                    && !pdCluster.onReply(request, templateId, buffer, offset, blockLength, version)) {
                    inFlight.fail(request, new TkvException(ErrorCode.MALFORMED,
                        "unexpected reply template " + templateId + " to " + request));
                }
                break;
        }
    }

    private void onError(
        final PendingRequest<?> request, final DirectBuffer buffer, final int offset, final int blockLength,
        final int version) {
        error.wrap(buffer, offset, blockLength, version);
        final short status = error.statusRaw();
        final long leaderStoreId = error.leaderStoreId();
        final String message = error.errorMessage();
        final String leaderEndpoint = error.leaderEndpoint();
        if (status == NOT_LEADER) {
            listener.onNotLeader(request, leaderStoreId == ErrorResponseDecoder.leaderStoreIdNullValue() ? 0 :
                leaderStoreId, leaderEndpoint == null ? "" : leaderEndpoint, message);
        } else if (status == SERVER_BUSY) {
            listener.onServerBusy(request, message);
        } else if (status == UNAUTHENTICATED) {
            listener.onUnauthenticated(request, message);
        } else if (status == OK) {
            inFlight.fail(request, new TkvException(ErrorCode.MALFORMED, "ErrorResponse with status OK: " + message));
        } else {
            List<RegionInfo> regions = List.of();
            if (error.regionsLength() > 0) {
                error.wrapRegions(regionsView);
                try {
                    regions = regionLists.read(regionsView, 0, regionsView.capacity());
                } catch (final TkvException ex) {
                    // The refusal stands; only the hint is unreadable, and the client asks again where the keys are.
                    regions = List.of();
                }
            } else {
                error.skipRegions();
            }
            final TkvException plain = Statuses.toException(status, message);
            final TkvException failure = regions.isEmpty() ? plain : new TkvException(plain.code(), message, null,
                regions);
            if (request.region() != null && isRegionError(status)) {
                listener.onRegionError(request, failure);
            } else {
                inFlight.fail(request, failure);
            }
        }
    }

    private static boolean isRegionError(final short status) {
        return status == EPOCH_NOT_MATCH || status == KEY_NOT_IN_REGION || status == REGION_NOT_FOUND;
    }

    private void onGet(
        final PendingRequest<?> request, final DirectBuffer buffer, final int offset, final int blockLength,
        final int version) {
        get.wrap(buffer, offset, blockLength, version);
        final short status = get.statusRaw();
        if (status != OK) {
            get.skipValue();
            inFlight.fail(request, Statuses.toException(status, get.errorMessage()));
            return;
        }
        if (get.foundRaw() == TRUE) {
            final byte[] value = new byte[get.valueLength()];
            get.getValue(value, 0, value.length);
            inFlight.complete(request, value);
        } else {
            inFlight.complete(request, null);
        }
    }

    private void onBatchGet(
        final PendingRequest<?> request, final DirectBuffer buffer, final int offset, final int blockLength,
        final int version) {
        batchGet.wrap(buffer, offset, blockLength, version);
        final short status = batchGet.statusRaw();
        final RawBatchGetResponseDecoder.PairsDecoder pairs = batchGet.pairs();
        final List<KvPair> found = new ArrayList<>(pairs.count());
        while (pairs.hasNext()) {
            pairs.next();
            final boolean isFound = pairs.foundRaw() == TRUE;
            final byte[] key = new byte[pairs.keyLength()];
            pairs.getKey(key, 0, key.length);
            final byte[] value = new byte[pairs.valueLength()];
            pairs.getValue(value, 0, value.length);
            if (isFound) {
                found.add(KvPair.wrap(key, value));
            }
        }
        final String message = batchGet.errorMessage();
        if (status != OK) {
            inFlight.fail(request, Statuses.toException(status, message));
        } else {
            inFlight.complete(request, Collections.unmodifiableList(found));
        }
    }

    private void onWrite(final PendingRequest<?> request, final short status, final String message) {
        if (status != OK) {
            inFlight.fail(request, Statuses.toException(status, message));
        } else {
            inFlight.complete(request, null);
        }
    }

    private void onScan(
        final PendingRequest<?> request, final DirectBuffer buffer, final int offset, final int blockLength,
        final int version) {
        scan.wrap(buffer, offset, blockLength, version);
        final short status = scan.statusRaw();
        final boolean hasMore = scan.hasMoreRaw() == TRUE;
        final RawScanResponseDecoder.PairsDecoder pairs = scan.pairs();
        final List<KvPair> page = new ArrayList<>(pairs.count());
        while (pairs.hasNext()) {
            pairs.next();
            final byte[] key = new byte[pairs.keyLength()];
            pairs.getKey(key, 0, key.length);
            final byte[] value = new byte[pairs.valueLength()];
            pairs.getValue(value, 0, value.length);
            page.add(KvPair.wrap(key, value));
        }
        final String message = scan.errorMessage();
        // Zero from a store of protocol version 2, which has no such field.
        final int resumeLength = scan.resumeKeyLength();
        byte[] resumeKey = null;
        if (resumeLength > 0) {
            resumeKey = new byte[resumeLength];
            scan.getResumeKey(resumeKey, 0, resumeLength);
        }
        if (status != OK) {
            inFlight.fail(request, Statuses.toException(status, message));
        } else {
            inFlight.complete(request, new ScanPage(page, hasMore, resumeKey));
        }
    }

    private void onCompareAndSwap(
        final PendingRequest<?> request, final DirectBuffer buffer, final int offset, final int blockLength,
        final int version) {
        cas.wrap(buffer, offset, blockLength, version);
        final short status = cas.statusRaw();
        final boolean swapped = cas.swappedRaw() == TRUE;
        final boolean previousFound = cas.previousFoundRaw() == TRUE;
        final byte[] previous = new byte[cas.previousValueLength()];
        cas.getPreviousValue(previous, 0, previous.length);
        final String message = cas.errorMessage();
        if (status != OK) {
            inFlight.fail(request, Statuses.toException(status, message));
        } else {
            inFlight.complete(request, CasResult.wrap(swapped, previousFound ? previous : null));
        }
    }
}
