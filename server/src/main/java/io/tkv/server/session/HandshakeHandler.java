package io.tkv.server.session;

import io.aeron.Aeron;
import io.aeron.ChannelUri;
import io.aeron.CommonContext;
import io.tkv.codec.AuthenticateDecoder;
import io.tkv.codec.ConnectDecoder;
import io.tkv.codec.DisconnectDecoder;
import io.tkv.codec.MessageHeaderDecoder;
import io.tkv.codec.Status;
import io.tkv.codec.auth.ClientIds;
import io.tkv.server.StoreCounters;
import io.tkv.server.config.HostPort;
import io.tkv.server.config.ServerConfig;
import org.agrona.DirectBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.TimeUnit;
import java.util.function.IntPredicate;
import java.util.regex.Pattern;

/**
 * The store's side of the session handshake (Connect, Challenge, Authenticate, Connected, Disconnect) and the upkeep
 * of sessions whose client went away. It runs on the ingress agent, on the raft thread, so nothing here waits for
 * anyone, and what an unauthenticated sender can make it do is bounded:
 * <ul>
 *   <li>Messages of senders without a session are read at a bounded rate ({@link #mayRead}); the rest wait in the
 *   sender's own Aeron window, so flow control holds the sender back.</li>
 *   <li>A Connect first takes a token of a bucket refilled at {@code max-handshakes-per-second} (holding a second's
 *   worth); over the rate it is dropped with no reply and no publication, and counted.</li>
 *   <li>It then takes an entry of {@link PendingHandshakes} ({@code max-pending-handshakes}, apart from the
 *   {@code max-sessions} of {@link SessionRegistry}; when full, the oldest handshake gives way) and asks the media
 *   driver for its egress publication without waiting ({@link HandshakeEgress}); the Challenge goes out once the
 *   publication exists and is connected, looked at every millisecond while handshakes are in progress.</li>
 *   <li>A Connect from an egress that is already handshaking starts that handshake over on the same publication:
 *   a client retrying (its Challenge lost or late) answers only the Challenge to its latest Connect.</li>
 *   <li>Authenticate ends the handshake either way: a bad proof is answered and its publication closed at once; a
 *   good one opens a session, which takes the publication over. One proof per Challenge.</li>
 *   <li>A handshake not done within {@code handshake-timeout-ms} is dropped.</li>
 * </ul>
 * So an unauthenticated sender holds at most {@code max-pending-handshakes} publications, each for at most the
 * handshake timeout, and makes at most {@code max-handshakes-per-second} new ones; established sessions are not
 * touched. Refusals are logged at most once per 10 s each, so a flood does not become log I/O on the raft thread.
 */
public final class HandshakeHandler implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(HandshakeHandler.class);
    private static final long PROGRESS_INTERVAL_NS = TimeUnit.MILLISECONDS.toNanos(1);
    private static final long SWEEP_INTERVAL_NS = TimeUnit.MILLISECONDS.toNanos(100);
    private static final long LOG_INTERVAL_NS = TimeUnit.SECONDS.toNanos(10);
    /** Messages a second that senders without a session may send, per handshake a second: two make a handshake. */
    private static final int SESSIONLESS_MESSAGES_PER_HANDSHAKE = 4;
    private static final Pattern ENDPOINT = Pattern.compile("([A-Za-z0-9.\\-]+|\\[[0-9A-Fa-f:.]+]):[0-9]{1,5}");

    private final HandshakeEgress egress;
    private final ServerConfig config;
    private final SessionRegistry registry;
    private final HmacAuthenticator authenticator;
    private final StoreCounters counters;
    private final TokenBucket connectRate;
    private final TokenBucket sessionlessReads;
    private final PendingHandshakes pending;
    private final long timeoutNs;
    private final ConnectDecoder connect = new ConnectDecoder();
    private final AuthenticateDecoder authenticate = new AuthenticateDecoder();
    private final DisconnectDecoder disconnect = new DisconnectDecoder();
    private final LogThrottle droppedLog = new LogThrottle();
    private final LogThrottle refusedLog = new LogThrottle();
    private final LogThrottle busyLog = new LogThrottle();
    private final LogThrottle badChannelLog = new LogThrottle();
    private long nextProgressNs;
    private long nextSweepNs;

    /**
     * @param aeron    the store's Aeron client: egress publications are added on it.
     * @param replies  the ingress agent's reply sender.
     * @param counters where refusals are counted.
     */
    public HandshakeHandler(
        final Aeron aeron, final ServerConfig config, final SessionRegistry registry, final ReplySender replies,
        final StoreCounters counters) {
        this(new AeronHandshakeEgress(aeron, replies, config), config, registry, counters);
    }

    HandshakeHandler(
        final HandshakeEgress egress, final ServerConfig config, final SessionRegistry registry,
        final StoreCounters counters) {
        this.egress = egress;
        this.config = config;
        this.registry = registry;
        this.authenticator = registry.authenticator();
        this.counters = counters;
        this.connectRate = new TokenBucket(config.maxHandshakesPerSecond(), config.maxHandshakesPerSecond());
        final int sessionlessPerSecond = (int)Math.min(Integer.MAX_VALUE,
            (long)SESSIONLESS_MESSAGES_PER_HANDSHAKE * config.maxHandshakesPerSecond());
        this.sessionlessReads = new TokenBucket(sessionlessPerSecond, sessionlessPerSecond);
        this.pending = new PendingHandshakes(config.maxPendingHandshakes());
        this.timeoutNs = TimeUnit.MILLISECONDS.toNanos(config.handshakeTimeoutMs());
    }

    /**
     * Whether the ingress may read the next message of an image now: always when a session came over it; for one
     * without (a sender that has not authenticated, or whose session ended), only within a budget shared by all such
     * images of {@value #SESSIONLESS_MESSAGES_PER_HANDSHAKE} messages per handshake a second. A message not read stays
     * in its sender's own Aeron window, so flow control holds an unauthenticated sender at that rate: a flood then
     * costs neither the store's media driver (receiving) nor the raft thread (reading) more than that, and the
     * frames of established sessions do not queue behind it.
     *
     * @param imageSessionId the Aeron session id of the image the message is on.
     * @param nowNs          the ingress agent's monotonic clock.
     * @return whether to read it now; if not, the ingress leaves it and polls the next image.
     */
    public boolean mayRead(final int imageSessionId, final long nowNs) {
        return registry.byImage(imageSessionId) != null || sessionlessReads.tryAcquire(nowNs);
    }

    /**
     * Connect: within the rate, start a handshake (or start over the one of the same egress); the Challenge follows
     * once the egress publication exists.
     *
     * @param imageSessionId the ingress image the Connect came on: the session's, if it authenticates.
     * @param nowNs          the ingress agent's monotonic clock.
     */
    public void onConnect(
        final DirectBuffer buffer, final int offset, final int blockLength, final int version,
        final int imageSessionId, final long nowNs) {
        if (!connectRate.tryAcquire(nowNs)) {
            // No reply and no publication: a reply needs a publication, which is the very cost being limited, and an
            // honest client retries its Connect after its handshake retry interval anyway.
            counters.handshakesDropped().increment();
            final long left = droppedLog.admit(nowNs);
            if (left >= 0) {
                LOG.warn("dropping Connects over max-handshakes-per-second ({}); {} more since the last warning",
                    config.maxHandshakesPerSecond(), left);
            }
            return;
        }
        connect.wrap(buffer, offset + MessageHeaderDecoder.ENCODED_LENGTH, blockLength, version);
        final long correlationId = connect.correlationId();
        final int streamId = connect.egressStreamId();
        final String requested = connect.egressChannel();
        final String clientName = connect.clientName();
        if (!registry.hasRoom()) {
            counters.serverBusy().increment();
            if (busyLog.admit(nowNs) >= 0) {
                LOG.warn("refusing Connects: max-sessions ({}) reached", config.maxSessions());
            }
            return;
        }
        final String channel;
        try {
            channel = egressChannel(requested, config.termLengthBytes());
        } catch (final RuntimeException ex) {
            badChannel(clientName, requested, ex.getMessage(), nowNs);
            return;
        }
        final String egressKey = streamId + " " + channel;
        PendingHandshake handshake = pending.byEgress(egressKey);
        if (handshake != null) {
            pending.restart(handshake, authenticator.newId(), authenticator.newNonce(), correlationId, clientName,
                imageSessionId, nowNs + timeoutNs);
        } else {
            if (pending.isFull()) {
                drop(pending.oldest());
                counters.handshakesExpired().increment();
            }
            final long registrationId;
            try {
                registrationId = egress.add(channel, streamId);
            } catch (final RuntimeException ex) {
                badChannel(clientName, requested, ex.getMessage(), nowNs);
                return;
            }
            handshake = new PendingHandshake(egressKey, registrationId);
            handshake.restart(authenticator.newId(), authenticator.newNonce(), correlationId, clientName,
                imageSessionId, nowNs + timeoutNs);
            pending.add(handshake);
            counters.pendingHandshakes().setOrdered(pending.size());
        }
        if (handshake.state() == PendingHandshake.State.CHALLENGE_PENDING) {
            onChallengePending(handshake);
        }
    }

    /**
     * Authenticate: check the proof; open a session and answer Connected, or refuse and close the handshake.
     *
     * @param nowNs the ingress agent's monotonic clock.
     */
    public void onAuthenticate(
        final DirectBuffer buffer, final int offset, final int blockLength, final int version, final long nowNs) {
        authenticate.wrap(buffer, offset + MessageHeaderDecoder.ENCODED_LENGTH, blockLength, version);
        final long correlationId = authenticate.correlationId();
        final PendingHandshake handshake = pending.awaitingAuth(authenticate.handshakeId());
        if (handshake == null) {
            counters.unauthenticated().increment();
            return;
        }
        // One proof per Challenge, whatever it proves: the handshake ends here.
        pending.remove(handshake);
        counters.pendingHandshakes().setOrdered(pending.size());
        final byte[] proof = new byte[authenticate.hmacLength()];
        authenticate.getHmac(proof, 0, proof.length);
        final byte[] clientKey = new byte[authenticate.clientKeyLength()];
        authenticate.getClientKey(clientKey, 0, clientKey.length);
        if (clientKey.length != 0 && clientKey.length != ClientIds.KEY_LENGTH) {
            counters.malformed().increment();
            counters.handshakesRefused().increment();
            refuse(handshake, correlationId, Status.MALFORMED, "a client key has " + ClientIds.KEY_LENGTH + " bytes");
            return;
        }
        final HmacAuthenticator.Role role = authenticator.verify(handshake.nonce(), clientKey, proof);
        if (role == HmacAuthenticator.Role.NONE) {
            counters.unauthenticated().increment();
            counters.handshakesRefused().increment();
            refuse(handshake, correlationId, Status.UNAUTHENTICATED, "authentication failed: wrong secret");
            final long left = refusedLog.admit(nowNs);
            if (left >= 0) {
                LOG.warn("authentication failed for client {}; {} more since the last warning",
                    handshake.clientName(), left);
            }
            return;
        }
        final long registrationId = handshake.registrationId();
        final ClientSession session = registry.open(egress.publication(registrationId), handshake.imageSessionId(),
            handshake.clientName(), role, clientKey);
        if (session == null) {
            counters.serverBusy().increment();
            refuse(handshake, correlationId, Status.SERVER_BUSY,
                "max-sessions (" + config.maxSessions() + ") reached");
            return;
        }
        egress.connected(registrationId, correlationId, Status.OK, session.token(), session.isAdmin(), "");
        egress.release(registrationId);
        counters.sessions().setOrdered(registry.size());
        LOG.info("session opened: {}", session);
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
     * Moves handshakes on (publications made, Challenges sent) every millisecond while there are any, and every
     * 100 ms drops handshakes past their deadline and retires sessions whose client went away (its ingress image
     * is gone, or its egress stayed unconnected past the handshake timeout).
     *
     * @param nowNs      the ingress agent's monotonic clock.
     * @param imageAlive tells whether the ingress image of a session still exists.
     * @return work done.
     */
    public int doWork(final long nowNs, final IntPredicate imageAlive) {
        int work = 0;
        if (pending.size() > 0 && nowNs - nextProgressNs >= 0) {
            nextProgressNs = nowNs + PROGRESS_INTERVAL_NS;
            work += progress(nowNs);
        }
        if (nowNs - nextSweepNs >= 0) {
            nextSweepNs = nowNs + SWEEP_INTERVAL_NS;
            work += expireHandshakes(nowNs);
            for (final ClientSession session : registry.snapshot()) {
                work += sweepActive(session, nowNs, imageAlive);
            }
        }
        return work;
    }

    /** @return handshakes in progress. */
    public int pendingHandshakes() {
        return pending.size();
    }

    /** Drops every handshake in progress, closing its publication. */
    @Override
    public void close() {
        for (int i = 0; i < pending.capacity(); i++) {
            final PendingHandshake handshake = pending.at(i);
            if (handshake != null) {
                drop(handshake);
            }
        }
    }

    private int progress(final long nowNs) {
        int work = 0;
        for (int i = 0; i < pending.capacity(); i++) {
            final PendingHandshake handshake = pending.at(i);
            if (handshake == null) {
                continue;
            }
            switch (handshake.state()) {
                case ADDING:
                    work += onAdding(handshake, nowNs);
                    break;
                case CHALLENGE_PENDING:
                    work += onChallengePending(handshake);
                    break;
                default:
                    break;
            }
        }
        return work;
    }

    private int onAdding(final PendingHandshake handshake, final long nowNs) {
        final int result = egress.poll(handshake.registrationId());
        if (result == HandshakeEgress.PENDING) {
            return 0;
        }
        if (result == HandshakeEgress.FAILED) {
            drop(handshake);
            badChannel(handshake.clientName(), handshake.egressKey(), egress.lastError(), nowNs);
            return 1;
        }
        handshake.state(PendingHandshake.State.CHALLENGE_PENDING);
        return 1 + onChallengePending(handshake);
    }

    private int onChallengePending(final PendingHandshake handshake) {
        if (egress.challenge(handshake.registrationId(), handshake.connectCorrelationId(), handshake.handshakeId(),
            handshake.nonce())) {
            handshake.state(PendingHandshake.State.AWAITING_AUTH);
            return 1;
        }
        return 0;
    }

    private int expireHandshakes(final long nowNs) {
        int work = 0;
        for (int i = 0; i < pending.capacity(); i++) {
            final PendingHandshake handshake = pending.at(i);
            if (handshake != null && nowNs - handshake.deadlineNs() > 0) {
                drop(handshake);
                counters.handshakesExpired().increment();
                work++;
            }
        }
        return work;
    }

    private int sweepActive(final ClientSession session, final long nowNs, final IntPredicate alive) {
        if (!alive.test(session.imageSessionId())) {
            retire(session, "client ingress image went away");
            return 1;
        }
        final boolean connected = session.publication() != null && session.publication().isConnected();
        if (session.egressDisconnectedFor(connected, nowNs) > timeoutNs) {
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

    private void refuse(
        final PendingHandshake handshake, final long correlationId, final Status status, final String message) {
        egress.connected(handshake.registrationId(), correlationId, status, 0, false, message);
        egress.close(handshake.registrationId());
    }

    private void drop(final PendingHandshake handshake) {
        pending.remove(handshake);
        egress.close(handshake.registrationId());
        counters.pendingHandshakes().setOrdered(pending.size());
    }

    private void badChannel(final String clientName, final String channel, final String why, final long nowNs) {
        counters.malformed().increment();
        final long left = badChannelLog.admit(nowNs);
        if (left >= 0) {
            LOG.warn("refusing Connect from {}: bad egress channel '{}': {}; {} more since the last warning",
                clientName, channel, why, left);
        }
    }

    /**
     * The channel the store publishes a client's replies on, made by the store: the client names only the media and
     * (UDP) the endpoint; everything else a client could ask for (a larger term, a log file that is not sparse, a
     * session id, a long linger) is the store's to set, or Aeron's default. The term length bounds reply sizes by the
     * store's config; a sparse log file costs the store the memory written to it, not three terms.
     *
     * @throws IllegalArgumentException when the channel is not UDP with a host:port endpoint, or IPC.
     */
    static String egressChannel(final String requested, final int termLengthBytes) {
        final ChannelUri uri = ChannelUri.parse(requested);
        final String params = "term-length=" + termLengthBytes + "|sparse=true";
        if (CommonContext.UDP_MEDIA.equals(uri.media())) {
            final String endpoint = uri.get(CommonContext.ENDPOINT_PARAM_NAME);
            if (endpoint == null || !ENDPOINT.matcher(endpoint).matches()) {
                throw new IllegalArgumentException("udp egress channel needs an endpoint host:port");
            }
            HostPort.parse(endpoint);
            return "aeron:udp?endpoint=" + endpoint + "|" + params;
        }
        if (CommonContext.IPC_MEDIA.equals(uri.media())) {
            return "aeron:ipc?" + params;
        }
        throw new IllegalArgumentException("egress media must be udp or ipc");
    }

    /** One log line per interval at most, saying how many were left out: a flood must not become log I/O. */
    private static final class LogThrottle {
        private boolean started;
        private long nextNs;
        private long leftOut;

        /** @return -1 to stay quiet, else how many were left out since the last line. */
        long admit(final long nowNs) {
            if (started && nowNs - nextNs < 0) {
                leftOut++;
                return -1;
            }
            started = true;
            nextNs = nowNs + LOG_INTERVAL_NS;
            final long left = leftOut;
            leftOut = 0;
            return left;
        }
    }
}
