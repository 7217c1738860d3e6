package io.tkv.client;

import io.aeron.Publication;
import io.tkv.codec.Status;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.concurrent.TimeUnit;

/**
 * The client's link to one store: the ingress publication to it and the authenticated session on top. Replies of
 * every store arrive on the client's one egress subscription; this keeps what tells this store's apart (the
 * correlation ids of its handshake, the egress image its session answers on) and when it last heard from the store.
 *
 * <p>Session state machine ({@link SessionState.Phase}), one method per phase, driven by the poller:
 * <pre>
 *   DISCONNECTED --ingress connected, send Connect--> AWAIT_CHALLENGE --Challenge, send Authenticate-->
 *   AWAIT_CONNECTED --Connected OK--> ACTIVE;  Connected refused --> REFUSED --retry interval--> DISCONNECTED
 *   AWAIT_* --no answer within handshakeRetryIntervalMs--> DISCONNECTED (a fresh Connect)
 *   ACTIVE --ingress not connected, the session's egress image gone, or silence (markLost)--> DISCONNECTED, lost
 *   ACTIVE --UNAUTHENTICATED to a request under the current token (restartSession)--> DISCONNECTED
 * </pre>
 * Requests sent under a session that ended are not failed here: the poller resends them (see {@link SessionAgent}).
 * Callers read the phase, token and publication (volatile); everything else is the poller's.
 */
final class StoreConnection {
    /** What the routing needs to hear about a connection; called on the poller thread. */
    interface Listener {
        /** A session opened. */
        void onActivated(StoreConnection connection);

        /** The store refused the handshake (the secret). */
        void onRefused(StoreConnection connection, TkvException refusal);

        /** An open session was lost: the store went away, restarted or fell silent. */
        void onLost(StoreConnection connection, String reason);
    }

    private static final long NO_CORRELATION_ID = Long.MIN_VALUE;

    private final String endpoint;
    private final String channel;
    private final boolean configured;
    private final ClientTransport transport;
    private final long registrationId;
    private final HandshakeFrames handshake;
    private final Listener listener;
    private final long handshakeRetryIntervalNs;
    private final SessionState session = new SessionState();
    private final UnsafeBuffer pollerBuffer = new UnsafeBuffer();
    private volatile Publication publication;
    private volatile long storeId;
    private volatile int activations;
    private String failure;
    private long connectCorrelationId = NO_CORRELATION_ID;
    private long authenticateCorrelationId = NO_CORRELATION_ID;
    private long phaseDeadlineNs;
    private long retryAtNs;
    private int imageSessionId;
    private boolean imageKnown;
    private boolean imageLost;
    private boolean terminated;
    private boolean lost;
    private long lastFrameNs;
    private long downSinceNs;

    /**
     * @param endpoint       the store's host:port.
     * @param channel        its ingress channel.
     * @param configured     whether it is one of the configured stores (else a leader hint named it).
     * @param transport      the client's Aeron resources.
     * @param publication    the ingress publication, or null while an asynchronous add is under way.
     * @param registrationId the asynchronous add's registration id, when {@code publication} is null.
     * @param handshake      the client's handshake frames.
     * @param listener       hears session changes.
     * @param ctx            the client's configuration.
     * @param nowNs          the poller's clock now: the connection counts as down since then.
     */
    StoreConnection(final String endpoint, final String channel, final boolean configured,
        final ClientTransport transport, final Publication publication, final long registrationId,
        final HandshakeFrames handshake, final Listener listener, final ClientConfig ctx, final long nowNs) {
        this.endpoint = endpoint;
        this.channel = channel;
        this.configured = configured;
        this.transport = transport;
        this.publication = publication;
        this.registrationId = registrationId;
        this.handshake = handshake;
        this.listener = listener;
        this.handshakeRetryIntervalNs = TimeUnit.MILLISECONDS.toNanos(ctx.handshakeRetryIntervalMs());
        this.downSinceNs = nowNs;
        this.retryAtNs = nowNs;
    }

    String endpoint() {
        return endpoint;
    }

    boolean isConfigured() {
        return configured;
    }

    /** @return the ingress publication, or null while it is being added. */
    Publication publication() {
        return publication;
    }

    SessionState session() {
        return session;
    }

    boolean isActive() {
        return session.isActive();
    }

    /** @return the store id its last session reported (Connected.storeId), or 0 if none yet. */
    long storeId() {
        return storeId;
    }

    /** @return sessions opened after the first. */
    long reconnects() {
        return Math.max(0, activations - 1);
    }

    /** @return whether a session was ever opened. */
    boolean wasEverActive() {
        return activations > 0;
    }

    /**
     * @param nowNs   the poller's clock.
     * @param graceNs how long a store may take to (re)open a session.
     * @return whether requests should wait for it: its session is open, or it is still coming up (a first
     *     connect, or a new session after the store forgot the old one) since less than {@code graceNs}. A store
     *     whose session was lost (gone, restarted, silent) is not waited for until it has a session again, however
     *     recently it went: followers keep naming a dead leader until they elect a new one.
     */
    boolean isUsable(final long nowNs, final long graceNs) {
        if (session.isActive()) {
            return true;
        }
        return !lost && failure == null && session.phase() != SessionState.Phase.REFUSED &&
            nowNs - downSinceNs < graceNs;
    }

    /** @return when the session was last lost (or the connection made), meaningful while not active. */
    long downSinceNs() {
        return downSinceNs;
    }

    /** A frame from this store arrived (a reply or a handshake frame). Poller thread only. */
    void frameReceived(final long nowNs) {
        lastFrameNs = nowNs;
    }

    /**
     * @return whether nothing arrived from this store after {@code sinceNs}. Poller thread only. A frame stamped with
     *     the very time a request was sent does not count: the poller stamps both with its duty cycle's clock, and it
     *     reads replies before it sends, so such a frame came before the request (a request the poller sends in the
     *     cycle that read the previous reply, as PD's TSO batcher does, was never taken for silence otherwise).
     */
    boolean isSilentSince(final long sinceNs) {
        return lastFrameNs - sinceNs <= 0;
    }

    /** @return whether a frame on this egress image belongs to the current session. Poller thread only. */
    boolean ownsImage(final int egressImageSessionId) {
        return imageKnown && egressImageSessionId == imageSessionId;
    }

    /** Aeron's unavailable-image callback, on the poller thread. */
    void onImageLost(final int egressImageSessionId) {
        if (session.isActive() && ownsImage(egressImageSessionId)) {
            imageLost = true;
        }
    }

    /**
     * Runs the session state machine one step. Poller thread only.
     *
     * @return work done.
     */
    int doWork(final long nowNs) {
        if (publication == null) {
            return resolvePublication();
        }
        switch (session.phase()) {
            case DISCONNECTED:
                return disconnected(nowNs);
            case AWAIT_CHALLENGE:
            case AWAIT_CONNECTED:
                return awaitingHandshake(nowNs);
            case ACTIVE:
                return active(nowNs);
            case REFUSED:
                return refused(nowNs);
            default:
                return 0;
        }
    }

    /** @return whether the Challenge answers this connection's Connect (and was acted on). Poller thread only. */
    boolean onChallenge(final long correlationId, final long handshakeId, final byte[] nonce, final long nowNs) {
        if (session.phase() != SessionState.Phase.AWAIT_CHALLENGE || correlationId != connectCorrelationId) {
            return false;
        }
        lastFrameNs = nowNs;
        authenticateCorrelationId = handshake.nextCorrelationId();
        if (offerOnce(handshake.authenticate(authenticateCorrelationId, handshakeId, nonce))) {
            phase(SessionState.Phase.AWAIT_CONNECTED, nowNs + handshakeRetryIntervalNs);
        } else {
            phase(SessionState.Phase.DISCONNECTED, nowNs);
        }
        return true;
    }

    /** @return whether the Connected answers this connection's Authenticate (and was acted on). Poller only. */
    boolean onConnected(final long correlationId, final short statusRaw, final long sessionToken,
        final SessionLimits limits, final String errorMessage, final int egressImageSessionId,
        final long reportedStoreId, final long nowNs) {
        if (session.phase() != SessionState.Phase.AWAIT_CONNECTED || correlationId != authenticateCorrelationId) {
            return false;
        }
        lastFrameNs = nowNs;
        if (statusRaw == Status.OK.value() && sessionToken != 0) {
            imageSessionId = egressImageSessionId;
            imageKnown = true;
            imageLost = false;
            storeId = Math.max(0, reportedStoreId);
            lost = false;
            activations++;
            session.activate(sessionToken, limits);
            listener.onActivated(this);
        } else {
            final TkvException refusal = statusRaw == Status.OK.value() ?
                new TkvException(ErrorCode.MALFORMED, "store " + endpoint + " opened a session with token 0") :
                Statuses.toException(statusRaw, errorMessage);
            session.refuse(refusal);
            retryAtNs = nowNs + handshakeRetryIntervalNs;
            listener.onRefused(this, refusal);
        }
        return true;
    }

    /**
     * The open session is lost: start over with a fresh handshake, and tell the routing. Poller thread only.
     *
     * @param reason     for the routing and for messages.
     * @param sayGoodbye whether the store may still be there to close the old session (best effort).
     */
    void markLost(final long nowNs, final String reason, final boolean sayGoodbye) {
        if (!session.isActive()) {
            return;
        }
        final long lostToken = session.token();
        leave(nowNs);
        lost = true;
        if (sayGoodbye) {
            offerOnce(handshake.disconnect(lostToken));
        }
        listener.onLost(this, reason);
    }

    /** The store forgot the session (UNAUTHENTICATED): open a new one with the same store. Poller thread only. */
    void restartSession(final long nowNs) {
        if (session.isActive()) {
            leave(nowNs);
        }
    }

    /** The Aeron client is gone: no session can open any more. Poller thread only. */
    void terminate(final TkvException cause) {
        terminated = true;
        session.refuse(cause);
    }

    /** Best-effort Disconnect of an open session, on close. Any thread. */
    void sendDisconnect() {
        final Publication ingress = publication;
        if (session.isActive() && ingress != null) {
            final byte[] frame = handshake.disconnect(session.token());
            ingress.offer(new UnsafeBuffer(frame), 0, frame.length);
        }
    }

    /** @return where the connection stands, for a connect-timeout message. */
    String describe() {
        if (failure != null) {
            return endpoint + ": " + failure;
        }
        return endpoint + ": " + (publication == null ? "adding the ingress publication" :
            session.phase().explanation());
    }

    @Override
    public String toString() {
        return "store " + endpoint + (storeId > 0 ? " (id " + storeId + ")" : "");
    }

    private int resolvePublication() {
        if (failure != null) {
            return 0;
        }
        try {
            final Publication added = transport.ingressIfReady(registrationId);
            if (added == null) {
                return 0;
            }
            publication = added;
        } catch (final RuntimeException ex) {
            // The driver refused the channel (a hinted host that does not resolve, say): this store stays down.
            failure = "the media driver refused " + channel + ": " + ex.getMessage();
        }
        return 1;
    }

    private int disconnected(final long nowNs) {
        if (terminated || nowNs - retryAtNs < 0 || !publication.isConnected()) {
            return 0;
        }
        connectCorrelationId = handshake.nextCorrelationId();
        if (offerOnce(handshake.connect(connectCorrelationId))) {
            phase(SessionState.Phase.AWAIT_CHALLENGE, nowNs + handshakeRetryIntervalNs);
            return 1;
        }
        return 0;
    }

    private int awaitingHandshake(final long nowNs) {
        if (nowNs - phaseDeadlineNs >= 0) {
            // The store dropped our Connect (busy, or our egress was not reachable yet): start over.
            phase(SessionState.Phase.DISCONNECTED, nowNs);
            return 1;
        }
        return 0;
    }

    private int active(final long nowNs) {
        if (imageLost) {
            markLost(nowNs, "the store's egress image went away", false);
            return 1;
        }
        if (!publication.isConnected()) {
            markLost(nowNs, "the ingress publication lost its connection to the store", false);
            return 1;
        }
        return 0;
    }

    private int refused(final long nowNs) {
        if (!terminated && nowNs - retryAtNs >= 0) {
            phase(SessionState.Phase.DISCONNECTED, nowNs);
            return 1;
        }
        return 0;
    }

    private void leave(final long nowNs) {
        imageLost = false;
        downSinceNs = nowNs;
        phase(SessionState.Phase.DISCONNECTED, nowNs);
    }

    private boolean offerOnce(final byte[] frame) {
        pollerBuffer.wrap(frame);
        return publication.offer(pollerBuffer, 0, frame.length) > 0;
    }

    private void phase(final SessionState.Phase next, final long deadlineOrRetryNs) {
        if (next == SessionState.Phase.DISCONNECTED) {
            retryAtNs = deadlineOrRetryNs;
        } else {
            phaseDeadlineNs = deadlineOrRetryNs;
        }
        session.phase(next);
    }
}
