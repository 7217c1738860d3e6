package io.tkv.server.ingress;

import io.aeron.Subscription;
import io.aeron.logbuffer.ControlledFragmentHandler;
import io.aeron.logbuffer.Header;
import io.tkv.codec.AuthenticateDecoder;
import io.tkv.codec.ConnectDecoder;
import io.tkv.codec.DisconnectDecoder;
import io.tkv.codec.LocateRegionDecoder;
import io.tkv.codec.MessageHeaderDecoder;
import io.tkv.codec.RawGetDecoder;
import io.tkv.codec.RawPutDecoder;
import io.tkv.codec.Status;
import io.tkv.codec.frame.FrameValidator;
import io.tkv.codec.frame.Protocol;
import io.tkv.raft.transport.BoundedFragmentAssembler;
import io.tkv.server.StoreCounters;
import io.tkv.server.raft.AdminHandler;
import io.tkv.server.raft.RequestRouter;
import io.tkv.server.region.RegionListWriter;
import io.tkv.server.session.ClientSession;
import io.tkv.server.session.HandshakeHandler;
import io.tkv.server.session.ReplySender;
import io.tkv.server.session.SessionRegistry;
import io.tkv.server.txn.TxnRequests;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableDirectByteBuffer;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.EpochClock;
import org.agrona.concurrent.NanoClock;

import java.nio.ByteOrder;
import java.util.function.IntPredicate;

/**
 * Polls the store's client ingress channel: validates every frame, runs the session handshake, checks session
 * token, region, epoch and limits, and hands accepted requests to the {@link RequestRouter} — writes become Raft
 * proposals, reads ask Raft for a read point. Anything rejected is answered here with an ErrorResponse (when the
 * sender's reply address is known) and counted; nothing rejected reaches Raft or storage. Runs on the raft
 * agent's thread, with the {@code RaftAgent}, so nothing here waits: a sender without a session is read only as
 * fast as {@link HandshakeHandler#mayRead} allows (the rest stays in its own Aeron window), and a handshake never
 * waits for the media driver.
 */
public final class IngressAgent implements Agent {
    private static final int FRAGMENT_LIMIT = 64;
    private static final int TOKEN_OFFSET =
        MessageHeaderDecoder.ENCODED_LENGTH + RawGetDecoder.sessionTokenEncodingOffset();
    private static final int TEMPLATE_ID_OFFSET = 2;
    /** Fragmented requests assembled at once (one per client session). */
    private static final int MAX_PARTIAL_REQUESTS = 64;
    /** SBE's null for an int64: a write that carries no client id. */
    private static final long NO_CLIENT_ID = RawPutDecoder.clientIdNullValue();

    private final Subscription subscription;
    private final FrameValidator validator;
    private final RequestLimits limits;
    private final RegionGuard regions;
    private final SessionRegistry registry;
    private final HandshakeHandler handshake;
    private final ReplySender replies;
    private final RequestRouter router;
    private final AdminHandler admin;
    private final StoreCounters counters;
    private final EpochClock clock;
    private final NanoClock nanoClock;
    private final BoundedFragmentAssembler assembler;
    private final ControlledFragmentHandler gate = this::onFragmentGated;
    private final IntPredicate imageAlive;
    private final RegionListWriter regionList = new RegionListWriter();
    private final RegionLocator locator;
    private final ExpandableDirectByteBuffer regionFrame = new ExpandableDirectByteBuffer(512);
    private final TxnRequests txnRequests;
    private long nowMs;
    private long nowNs;

    public IngressAgent(
        final Subscription subscription, final FrameValidator validator, final RequestLimits limits,
        final RegionGuard regions, final SessionRegistry registry, final HandshakeHandler handshake,
        final ReplySender replies, final RequestRouter router, final AdminHandler admin, final StoreCounters counters,
        final EpochClock clock, final NanoClock nanoClock) {
        this.subscription = subscription;
        this.validator = validator;
        this.limits = limits;
        this.regions = regions;
        this.registry = registry;
        this.handshake = handshake;
        this.replies = replies;
        this.router = router;
        this.admin = admin;
        this.counters = counters;
        this.clock = clock;
        this.nanoClock = nanoClock;
        // A client picks its publication's term length, so its messages may be far larger than any request this
        // store takes: the assembler drops them as they arrive (answering TOO_LARGE) instead of buffering them.
        this.assembler = new BoundedFragmentAssembler(this::onFragment, this::onOversize, limits.maxRequestBytes(),
            MAX_PARTIAL_REQUESTS);
        this.imageAlive = sessionId -> subscription.imageBySessionId(sessionId) != null;
        this.locator = new RegionLocator(regions.registry(), router::leaderStoreId, replies);
        this.txnRequests = limits.txnRequests();
    }

    @Override
    public int doWork() {
        // Wall-clock time stamps proposals; the monotonic one times handshakes and the Connect rate.
        nowMs = clock.time();
        nowNs = nanoClock.nanoTime();
        int work = subscription.controlledPoll(gate, FRAGMENT_LIMIT);
        work += handshake.doWork(nowNs, imageAlive);
        return work;
    }

    @Override
    public void onClose() {
        handshake.close();
        registry.closeAll();
    }

    @Override
    public String roleName() {
        return "tkv-ingress";
    }

    /** A request over the store's limit, dropped while it arrived: answered from its first bytes. */
    private void onOversize(final DirectBuffer prefix, final int offset, final int length, final Header header) {
        counters.tooLarge().increment();
        final int templateId = length >= TEMPLATE_ID_OFFSET + Short.BYTES
            ? prefix.getShort(offset + TEMPLATE_ID_OFFSET, ByteOrder.LITTLE_ENDIAN) & 0xFFFF : 0;
        replyToImage(header.sessionId(), Protocol.correlationId(prefix, offset, length), Status.TOO_LARGE,
            templateId, "request larger than this store's limit of " + limits.maxRequestBytes()
                + " bytes (what it can replicate and apply)");
    }

    /**
     * Every fragment passes here before it is assembled: one of an image without a session is read only within
     * {@link HandshakeHandler#mayRead}'s budget (per fragment, so a large message of such a sender costs it more).
     */
    private ControlledFragmentHandler.Action onFragmentGated(
        final DirectBuffer buffer, final int offset, final int length, final Header header) {
        if (!handshake.mayRead(header.sessionId(), nowNs)) {
            // Left unread in the sender's own window: Aeron's flow control holds back a sender without a session
            // instead of the store reading (and its driver receiving) whatever it sends. The next image is polled.
            return ControlledFragmentHandler.Action.ABORT;
        }
        assembler.onFragment(buffer, offset, length, header);
        return ControlledFragmentHandler.Action.CONTINUE;
    }

    private void onFragment(final DirectBuffer buffer, final int offset, final int length, final Header header) {
        final int result = validator.validate(buffer, offset, length);
        final int templateId = validator.templateId();
        if (result != FrameValidator.VALID) {
            final boolean tooLarge = result == FrameValidator.TOO_MANY_ENTRIES;
            if (tooLarge) {
                counters.tooLarge().increment();
            } else {
                counters.malformed().increment();
            }
            replyToImage(header.sessionId(), Protocol.correlationId(buffer, offset, length),
                tooLarge ? Status.TOO_LARGE : Status.MALFORMED, templateId, validator.lastError());
            return;
        }
        final int blockLength = validator.blockLength();
        final int version = validator.version();
        switch (templateId) {
            case ConnectDecoder.TEMPLATE_ID:
                handshake.onConnect(buffer, offset, blockLength, version, header.sessionId(), nowNs);
                break;
            case AuthenticateDecoder.TEMPLATE_ID:
                handshake.onAuthenticate(buffer, offset, blockLength, version, nowNs);
                break;
            case DisconnectDecoder.TEMPLATE_ID:
                handshake.onDisconnect(buffer, offset, blockLength, version);
                break;
            default:
                onRequest(buffer, offset, length, header, templateId, blockLength, version);
                break;
        }
    }

    private void onRequest(
        final DirectBuffer buffer, final int offset, final int length, final Header header, final int templateId,
        final int blockLength, final int version) {
        final long correlationId = Protocol.correlationId(buffer, offset, length);
        final ClientSession session = registry.byToken(buffer.getLong(offset + TOKEN_OFFSET, ByteOrder.LITTLE_ENDIAN));
        if (session == null) {
            counters.unauthenticated().increment();
            replyToImage(header.sessionId(), correlationId, Status.UNAUTHENTICATED, templateId,
                "no session: connect and authenticate first");
            return;
        }
        if (templateId == LocateRegionDecoder.TEMPLATE_ID) {
            locator.onRequest(session, buffer, offset, blockLength, version);
            return;
        }
        if (AdminHandler.isAdmin(templateId)) {
            admin.onRequest(session, templateId, buffer, offset, blockLength, version);
            return;
        }
        if (!ownClientId(session, templateId, buffer, offset, version)) {
            counters.unauthenticated().increment();
            replies.sendError(session.publication(), correlationId, Status.UNAUTHENTICATED, templateId,
                "the write's client id is not this session's");
            return;
        }
        final Status regionStatus = regions.check(templateId, buffer, offset, blockLength, version);
        if (regionStatus != Status.OK) {
            onRegionError(session, correlationId, regionStatus, templateId);
            return;
        }
        if (Protocol.isTxnRequest(templateId)) {
            onTxnRequest(session, buffer, offset, length, templateId, correlationId);
            return;
        }
        final Status limitStatus = limits.check(templateId, buffer, offset, blockLength, version);
        if (limitStatus != Status.OK) {
            if (limitStatus == Status.TOO_LARGE) {
                counters.tooLarge().increment();
            } else {
                counters.malformed().increment();
            }
            replies.sendError(session.publication(), correlationId, limitStatus, templateId, limits.reason());
            return;
        }
        final long regionId = RegionGuard.regionId(buffer, offset);
        router.route(session, regionId, templateId, correlationId, buffer, offset, length, nowMs);
    }

    /**
     * A transactional request: every key, size and field read and checked ({@link TxnRequests}) before it takes a read
     * point through Raft like a read; the apply agent runs it once the point is applied.
     */
    private void onTxnRequest(
        final ClientSession session, final DirectBuffer buffer, final int offset, final int length,
        final int templateId, final long correlationId) {
        if (txnRequests.read(buffer, offset, regions.region()) == null) {
            final Status status = txnRequests.status();
            if (status == Status.KEY_NOT_IN_REGION) {
                onRegionError(session, correlationId, status, templateId, txnRequests.reason());
                return;
            }
            if (status == Status.TOO_LARGE) {
                counters.tooLarge().increment();
            } else {
                counters.malformed().increment();
            }
            replies.sendError(session.publication(), correlationId, status, templateId, txnRequests.reason());
            return;
        }
        router.route(session, RegionGuard.regionId(buffer, offset), templateId, correlationId, buffer, offset, length,
            nowMs);
    }

    /**
     * A request for a region that is not here, or that changed: EPOCH_NOT_MATCH and KEY_NOT_IN_REGION carry the region
     * as it is now and its neighbours on this store (after a split, its new siblings), with their leaders, so the
     * client corrects its cache at once. A cold path: it allocates.
     */
    private void onRegionError(
        final ClientSession session, final long correlationId, final Status status, final int templateId) {
        onRegionError(session, correlationId, status, templateId, regions.reason());
    }

    private void onRegionError(
        final ClientSession session, final long correlationId, final Status status, final int templateId,
        final String reason) {
        if (regions.region() == null) {
            replies.sendError(session.publication(), correlationId, status, templateId, reason);
            return;
        }
        final int length = regionList.write(regions.regionAndNeighbours(), router::leaderStoreId, regionFrame, 0);
        replies.sendRegionError(session.publication(), correlationId, status, templateId, reason, regionFrame,
            length);
    }

    /**
     * Writes are deduplicated by client id, so a session may write only under its own: the id its client key gives
     * (bound at the handshake), or for a version 2 client the first id it wrote with. A write without an id (version
     * 1) is applied as it comes and touches no client's records.
     *
     * @return whether the request may go on.
     */
    private static boolean ownClientId(
        final ClientSession session, final int templateId, final DirectBuffer buffer, final int offset,
        final int version) {
        final int clientIdOffset = Protocol.clientIdOffset(templateId);
        if (clientIdOffset < 0 || version < 2) {
            return true;
        }
        final long clientId = buffer.getLong(offset + MessageHeaderDecoder.ENCODED_LENGTH + clientIdOffset,
            ByteOrder.LITTLE_ENDIAN);
        if (clientId == 0 || clientId == NO_CLIENT_ID) {
            return true;
        }
        if (session.clientId() == 0) {
            session.bindClientId(clientId);
        }
        return session.clientId() == clientId;
    }

    private void replyToImage(
        final int imageSessionId, final long correlationId, final Status status, final int templateId,
        final String message) {
        final ClientSession session = registry.byImage(imageSessionId);
        if (session != null && session.state() != ClientSession.State.CLOSED) {
            replies.sendError(session.publication(), correlationId, status, Math.max(templateId, 0), message);
        }
    }
}
