package io.tkv.server.session;

import io.aeron.Publication;

/**
 * One client connection: where its replies go and how far its handshake got. The ingress agent owns every
 * mutable field; the apply agent only reads the final ones ({@link #slot()}, {@link #generation()},
 * {@link #publication()}) through {@link SessionRegistry#activeSession(int, int)}.
 */
public final class ClientSession {
    /** Handshake progress. */
    public enum State {
        /** Connect received; the Challenge may not have gone out yet (the egress may still be connecting). */
        CHALLENGE_PENDING,
        /** Challenge sent; waiting for Authenticate. */
        AWAITING_AUTH,
        /** Authenticated: requests carrying the token are served. */
        ACTIVE,
        /** Closed; replies are no longer sent. */
        CLOSED
    }

    private final int slot;
    private final int generation;
    private final Publication publication;
    private final int imageSessionId;
    private final long connectCorrelationId;
    private final long handshakeId;
    private final byte[] nonce;
    private final String clientName;
    private State state = State.CHALLENGE_PENDING;
    private long token;
    private long deadlineMs;
    private long disconnectedSinceMs = -1;
    private boolean admin;
    private long clientId;

    ClientSession(
        final int slot, final int generation, final Publication publication, final int imageSessionId,
        final long connectCorrelationId, final long handshakeId, final byte[] nonce, final String clientName,
        final long deadlineMs) {
        this.slot = slot;
        this.generation = generation;
        this.publication = publication;
        this.imageSessionId = imageSessionId;
        this.connectCorrelationId = connectCorrelationId;
        this.handshakeId = handshakeId;
        this.nonce = nonce;
        this.clientName = clientName;
        this.deadlineMs = deadlineMs;
    }

    public int slot() {
        return slot;
    }

    public int generation() {
        return generation;
    }

    public Publication publication() {
        return publication;
    }

    public int imageSessionId() {
        return imageSessionId;
    }

    public long connectCorrelationId() {
        return connectCorrelationId;
    }

    public long handshakeId() {
        return handshakeId;
    }

    byte[] nonce() {
        return nonce;
    }

    public String clientName() {
        return clientName;
    }

    public State state() {
        return state;
    }

    void state(final State state) {
        this.state = state;
    }

    public long token() {
        return token;
    }

    void token(final long token) {
        this.token = token;
    }

    /** @return whether the session proved the admin secret: admin requests are served for it alone. */
    public boolean isAdmin() {
        return admin;
    }

    void admin(final boolean admin) {
        this.admin = admin;
    }

    /**
     * @return the client id this session's writes must carry: from its client key at the handshake, or (a version 2
     *     client) the first one it wrote with; 0 while unbound.
     */
    public long clientId() {
        return clientId;
    }

    /** Binds the session to a client id (ingress agent only). */
    public void bindClientId(final long clientId) {
        this.clientId = clientId;
    }

    long deadlineMs() {
        return deadlineMs;
    }

    void deadlineMs(final long deadlineMs) {
        this.deadlineMs = deadlineMs;
    }

    long disconnectedSinceMs() {
        return disconnectedSinceMs;
    }

    void disconnectedSinceMs(final long disconnectedSinceMs) {
        this.disconnectedSinceMs = disconnectedSinceMs;
    }

    @Override
    public String toString() {
        return "ClientSession{slot=" + slot + ", generation=" + generation + ", client=" + clientName
            + ", state=" + state + (admin ? ", admin" : "") + '}';
    }
}
