package io.tkv.server.pd;

import io.aeron.Subscription;
import io.aeron.logbuffer.ControlledFragmentHandler;
import io.aeron.logbuffer.Header;
import io.tkv.codec.AllocIdDecoder;
import io.tkv.codec.AuthenticateDecoder;
import io.tkv.codec.BootstrapDecoder;
import io.tkv.codec.ConnectDecoder;
import io.tkv.codec.DisconnectDecoder;
import io.tkv.codec.GetGcSafePointDecoder;
import io.tkv.codec.GetMembersDecoder;
import io.tkv.codec.IsBootstrappedDecoder;
import io.tkv.codec.MessageHeaderDecoder;
import io.tkv.codec.Status;
import io.tkv.codec.TsoDecoder;
import io.tkv.codec.UpdateGcSafePointDecoder;
import io.tkv.codec.frame.FrameValidator;
import io.tkv.codec.frame.Protocol;
import io.tkv.raft.transport.BoundedFragmentAssembler;
import io.tkv.server.StoreCounters;
import io.tkv.server.session.ClientSession;
import io.tkv.server.session.HandshakeHandler;
import io.tkv.server.session.ReplySender;
import io.tkv.server.session.SessionRegistry;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.NanoClock;

import java.nio.ByteOrder;
import java.util.function.IntPredicate;

/**
 * Polls a PD member's ingress (stream 1001 on its listen endpoint): validates every frame
 * ({@link Protocol#pdIngressValidator()}), runs the same session handshake as a store ({@link HandshakeHandler}:
 * client secret, admin secret for admin sessions, cluster secret for store sessions, the same bounds under a flood),
 * checks the session token and hands each PD request to the {@link PdService} with its fields read (the store band,
 * routing and operators to the {@link PdClusterRequests}). Rejected frames are answered with an ErrorResponse when
 * the sender's session is known, and counted.
 */
final class PdIngress implements Agent {
    /**
     * Every PD request is small but a region heartbeat, which carries its region's two boundary keys: a larger message
     * is dropped as it arrives.
     */
    static final int MAX_REQUEST_BYTES = 64 * 1024;
    private static final int FRAGMENT_LIMIT = 64;
    private static final int MAX_PARTIAL_REQUESTS = 64;
    /** Every PD request body starts with correlationId then sessionToken, as the store's requests do. */
    private static final int TOKEN_OFFSET = MessageHeaderDecoder.ENCODED_LENGTH + Long.BYTES;
    private static final int BODY_OFFSET = MessageHeaderDecoder.ENCODED_LENGTH;

    private final Subscription subscription;
    private final FrameValidator validator = Protocol.pdIngressValidator();
    private final SessionRegistry registry;
    private final HandshakeHandler handshake;
    private final ReplySender replies;
    private final PdService service;
    private final PdClusterRequests clusterRequests;
    private final StoreCounters counters;
    private final NanoClock nanoClock;
    private final BoundedFragmentAssembler assembler;
    private final ControlledFragmentHandler gate = this::onFragmentGated;
    private final IntPredicate imageAlive;
    private final TsoDecoder tso = new TsoDecoder();
    private final AllocIdDecoder allocId = new AllocIdDecoder();
    private final BootstrapDecoder bootstrap = new BootstrapDecoder();
    private final UpdateGcSafePointDecoder updateGcSafePoint = new UpdateGcSafePointDecoder();
    private long nowNs;

    PdIngress(
        final Subscription subscription, final SessionRegistry registry, final HandshakeHandler handshake,
        final ReplySender replies, final PdService service, final PdClusterRequests clusterRequests,
        final StoreCounters counters, final NanoClock nanoClock) {
        this.subscription = subscription;
        this.registry = registry;
        this.handshake = handshake;
        this.replies = replies;
        this.service = service;
        this.clusterRequests = clusterRequests;
        this.counters = counters;
        this.nanoClock = nanoClock;
        this.assembler = new BoundedFragmentAssembler(this::onFragment, (prefix, offset, length, header) -> {
            counters.tooLarge().increment();
            replyToImage(header.sessionId(), Protocol.correlationId(prefix, offset, length), Status.TOO_LARGE, 0,
                "request larger than a PD member's limit of " + MAX_REQUEST_BYTES + " bytes");
        }, MAX_REQUEST_BYTES, MAX_PARTIAL_REQUESTS);
        this.imageAlive = sessionId -> subscription.imageBySessionId(sessionId) != null;
    }

    @Override
    public int doWork() {
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
        return "tkv-pd-ingress";
    }

    /** A sender without a session is read only within the handshake's budget (as a store does, see IngressAgent). */
    private ControlledFragmentHandler.Action onFragmentGated(
        final DirectBuffer buffer, final int offset, final int length, final Header header) {
        if (!handshake.mayRead(header.sessionId(), nowNs)) {
            return ControlledFragmentHandler.Action.ABORT;
        }
        assembler.onFragment(buffer, offset, length, header);
        return ControlledFragmentHandler.Action.CONTINUE;
    }

    private void onFragment(final DirectBuffer buffer, final int offset, final int length, final Header header) {
        final int result = validator.validate(buffer, offset, length);
        final int templateId = validator.templateId();
        if (result != FrameValidator.VALID) {
            counters.malformed().increment();
            replyToImage(header.sessionId(), Protocol.correlationId(buffer, offset, length), Status.MALFORMED,
                templateId, validator.lastError());
            return;
        }
        final int blockLength = validator.blockLength();
        final int version = validator.version();
        switch (templateId) {
            case ConnectDecoder.TEMPLATE_ID -> handshake.onConnect(buffer, offset, blockLength, version,
                header.sessionId(), nowNs);
            case AuthenticateDecoder.TEMPLATE_ID -> handshake.onAuthenticate(buffer, offset, blockLength, version,
                nowNs);
            case DisconnectDecoder.TEMPLATE_ID -> handshake.onDisconnect(buffer, offset, blockLength, version);
            default -> onRequest(buffer, offset, length, header, templateId, blockLength, version);
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
        final int body = offset + BODY_OFFSET;
        switch (templateId) {
            case GetMembersDecoder.TEMPLATE_ID -> service.onGetMembers(session, correlationId);
            case TsoDecoder.TEMPLATE_ID -> service.onTso(session, correlationId,
                tso.wrap(buffer, body, blockLength, version).count());
            case AllocIdDecoder.TEMPLATE_ID -> service.onAllocId(session, correlationId,
                allocId.wrap(buffer, body, blockLength, version).count());
            case IsBootstrappedDecoder.TEMPLATE_ID -> service.onIsBootstrapped(session, correlationId);
            case BootstrapDecoder.TEMPLATE_ID -> service.onBootstrap(session, correlationId,
                bootstrap.wrap(buffer, body, blockLength, version).clusterId());
            case GetGcSafePointDecoder.TEMPLATE_ID -> service.onGetGcSafePoint(session, correlationId);
            case UpdateGcSafePointDecoder.TEMPLATE_ID -> service.onUpdateGcSafePoint(session, correlationId,
                updateGcSafePoint.wrap(buffer, body, blockLength, version).safePoint());
            default -> {
                if (!clusterRequests.onRequest(session, correlationId, templateId, buffer, body, blockLength,
                    version)) {
                    replies.sendError(session.publication(), correlationId, Status.MALFORMED, templateId,
                        "template " + templateId + " is not served by PD");
                }
            }
        }
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
