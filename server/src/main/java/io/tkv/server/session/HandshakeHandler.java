package io.tkv.server.session;

import io.aeron.Aeron;
import io.aeron.ChannelUri;
import io.aeron.CommonContext;
import io.aeron.Publication;
import io.tkv.codec.AuthenticateDecoder;
import io.tkv.codec.ConnectDecoder;
import io.tkv.codec.DisconnectDecoder;
import io.tkv.codec.MessageHeaderDecoder;
import io.tkv.codec.Status;
import io.tkv.codec.auth.ClientIds;
import io.tkv.server.StoreCounters;
import io.tkv.server.config.ServerConfig;
import org.agrona.DirectBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.function.IntPredicate;

/**
 * The store's side of the session handshake (Connect, Challenge, Authenticate, Connected, Disconnect) and the
 * sweep that retires sessions whose handshake stalled or whose client went away. Runs on the ingress agent.
 */
public final class HandshakeHandler {
    private static final Logger LOG = LoggerFactory.getLogger(HandshakeHandler.class);

    private final Aeron aeron;
    private final ServerConfig config;
    private final SessionRegistry registry;
    private final ReplySender replies;
    private final StoreCounters counters;
    private final ConnectDecoder connect = new ConnectDecoder();
    private final AuthenticateDecoder authenticate = new AuthenticateDecoder();
    private final DisconnectDecoder disconnect = new DisconnectDecoder();

    public HandshakeHandler(
        final Aeron aeron, final ServerConfig config, final SessionRegistry registry, final ReplySender replies,
        final StoreCounters counters) {
        this.aeron = aeron;
        this.config = config;
        this.registry = registry;
        this.replies = replies;
        this.counters = counters;
    }

    /** Connect: open the egress publication the client named and send it a Challenge. */
    public void onConnect(
        final DirectBuffer buffer, final int offset, final int blockLength, final int version,
        final int imageSessionId, final long nowMs) {
        connect.wrap(buffer, offset + MessageHeaderDecoder.ENCODED_LENGTH, blockLength, version);
        final long correlationId = connect.correlationId();
        final int streamId = connect.egressStreamId();
        final String requested = connect.egressChannel();
        final String clientName = connect.clientName();
        if (!registry.hasRoom()) {
            counters.serverBusy().increment();
            LOG.warn("refusing connect from {}: max-sessions ({}) reached", clientName, config.maxSessions());
            return;
        }
        final String channel;
        final Publication publication;
        try {
            channel = egressChannel(requested);
            publication = aeron.addPublication(channel, streamId);
        } catch (final RuntimeException ex) {
            counters.malformed().increment();
            LOG.warn("refusing connect from {}: bad egress channel '{}': {}", clientName, requested, ex.getMessage());
            return;
        }
        final ClientSession session = registry.begin(
            publication, imageSessionId, correlationId, clientName, nowMs + config.handshakeTimeoutMs());
        trySendChallenge(session);
    }

    /** Authenticate: check the proof and answer Connected. */
    public void onAuthenticate(final DirectBuffer buffer, final int offset, final int blockLength, final int version) {
        authenticate.wrap(buffer, offset + MessageHeaderDecoder.ENCODED_LENGTH, blockLength, version);
        final long correlationId = authenticate.correlationId();
        final ClientSession session = registry.awaitingAuth(authenticate.handshakeId());
        if (session == null) {
            counters.unauthenticated().increment();
            return;
        }
        final byte[] proof = new byte[authenticate.hmacLength()];
        authenticate.getHmac(proof, 0, proof.length);
        final byte[] clientKey = new byte[authenticate.clientKeyLength()];
        authenticate.getClientKey(clientKey, 0, clientKey.length);
        if (clientKey.length != 0 && clientKey.length != ClientIds.KEY_LENGTH) {
            counters.malformed().increment();
            replies.sendConnected(session, correlationId, Status.MALFORMED, config.storeId(), 0, 0, 0, 0, 0,
                "a client key has " + ClientIds.KEY_LENGTH + " bytes");
            registry.close(session);
            return;
        }
        if (registry.authenticate(session, proof, clientKey)) {
            counters.sessions().setOrdered(registry.size());
            replies.sendConnected(session, correlationId, Status.OK, config.storeId(), config.maxKeyBytes(),
                config.maxValueBytes(), config.maxBatchSize(), config.maxScanLimit(), config.maxRequestBytes(), "");
            LOG.info("session opened: {}", session);
        } else {
            counters.unauthenticated().increment();
            replies.sendConnected(session, correlationId, Status.UNAUTHENTICATED, config.storeId(), 0, 0, 0, 0, 0,
                "authentication failed: wrong secret");
            LOG.warn("authentication failed for client {}", session.clientName());
            registry.close(session);
        }
    }

    /** Disconnect: close the session if the token is right. */
    public void onDisconnect(final DirectBuffer buffer, final int offset, final int blockLength, final int version) {
        disconnect.wrap(buffer, offset + MessageHeaderDecoder.ENCODED_LENGTH, blockLength, version);
        final ClientSession session = registry.byToken(disconnect.sessionToken());
        if (session != null) {
            registry.close(session);
            counters.sessions().setOrdered(registry.size());
            LOG.info("session closed by client: {}", session);
        }
    }

    /**
     * Retries Challenges whose egress was still connecting, drops stalled handshakes, and retires sessions whose
     * client went away (its ingress image is gone or its egress stayed unconnected past the handshake timeout).
     *
     * @param imageAlive tells whether the ingress image of a session still exists.
     * @return work done.
     */
    public int sweep(final long nowMs, final IntPredicate imageAlive) {
        int work = 0;
        for (final ClientSession session : registry.snapshot()) {
            switch (session.state()) {
                case CHALLENGE_PENDING:
                    if (nowMs > session.deadlineMs()) {
                        retire(session, "handshake timed out before the egress connected");
                    } else {
                        trySendChallenge(session);
                    }
                    work++;
                    break;
                case AWAITING_AUTH:
                    if (nowMs > session.deadlineMs()) {
                        retire(session, "no Authenticate before the handshake timeout");
                        work++;
                    }
                    break;
                case ACTIVE:
                    work += sweepActive(session, nowMs, imageAlive);
                    break;
                default:
                    break;
            }
        }
        return work;
    }

    private int sweepActive(final ClientSession session, final long nowMs, final IntPredicate alive) {
        if (!alive.test(session.imageSessionId())) {
            retire(session, "client ingress image went away");
            return 1;
        }
        if (session.publication().isConnected()) {
            session.disconnectedSinceMs(-1);
            return 0;
        }
        if (session.disconnectedSinceMs() < 0) {
            session.disconnectedSinceMs(nowMs);
        } else if (nowMs - session.disconnectedSinceMs() > config.handshakeTimeoutMs()) {
            retire(session, "client egress disconnected");
            return 1;
        }
        return 0;
    }

    private void retire(final ClientSession session, final String why) {
        registry.close(session);
        counters.sessions().setOrdered(registry.size());
        LOG.info("session closed ({}): {}", why, session);
    }

    private void trySendChallenge(final ClientSession session) {
        if (replies.tryChallenge(session, registry.nonceOf(session))) {
            registry.challengeSent(session);
        }
    }

    /**
     * Checks the client's egress channel and sets the store's term length on it, so reply sizes are bounded by
     * the store's config rather than the client's.
     */
    private String egressChannel(final String requested) {
        final ChannelUri uri = ChannelUri.parse(requested);
        final String media = uri.media();
        if (CommonContext.UDP_MEDIA.equals(media)) {
            if (uri.get(CommonContext.ENDPOINT_PARAM_NAME) == null) {
                throw new IllegalArgumentException("udp egress channel needs an endpoint");
            }
        } else if (!CommonContext.IPC_MEDIA.equals(media)) {
            throw new IllegalArgumentException("egress media must be udp or ipc");
        }
        uri.put(CommonContext.TERM_LENGTH_PARAM_NAME, Integer.toString(config.termLengthBytes()));
        return uri.toString();
    }
}
