package io.tkv.server.session;

import io.aeron.Publication;

/**
 * One authenticated client connection: where its replies go and who it is. A session exists only once its
 * handshake proved a secret (before that, a {@link PendingHandshake} holds the handshake). The ingress agent owns
 * every mutable field; the apply agent only reads the final ones ({@link #slot()}, {@link #generation()},
 * {@link #publication()}) through {@link SessionRegistry#activeSession(int, int)}.
 */
public final class ClientSession {
    /** Where the session stands. */
    public enum State {
        /** Authenticated: requests carrying the token are served. */
        ACTIVE,
        /** Closed; replies are no longer sent. */
        CLOSED
    }

    private final int slot;
    private final int generation;
    private final Publication publication;
    private final int imageSessionId;
    private final long token;
    private final String clientName;
    private final boolean admin;
    private final boolean store;
    private State state = State.ACTIVE;
    private long disconnectedSinceNs;
    private boolean disconnected;
    private long clientId;

    ClientSession(
        final int slot, final int generation, final Publication publication, final int imageSessionId,
        final long token, final String clientName, final HmacAuthenticator.Role role) {
        this.slot = slot;
        this.generation = generation;
        this.publication = publication;
        this.imageSessionId = imageSessionId;
        this.token = token;
        this.clientName = clientName;
        this.admin = role == HmacAuthenticator.Role.ADMIN;
        this.store = role == HmacAuthenticator.Role.STORE;
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

    /** @return whether the session proved the admin secret: admin requests are served for it alone. */
    public boolean isAdmin() {
        return admin;
    }

    /**
     * @return whether the session proved the cluster secret (a store talking to PD): PD takes store registrations,
     *     heartbeats and split requests from such sessions alone.
     */
    public boolean isStore() {
        return store;
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

    /**
     * Notes whether the egress publication is connected.
     *
     * @return for how long it has been disconnected, in ns (0 while connected).
     */
    long egressDisconnectedFor(final boolean connected, final long nowNs) {
        if (connected) {
            disconnected = false;
            return 0;
        }
        if (!disconnected) {
            disconnected = true;
            disconnectedSinceNs = nowNs;
        }
        return nowNs - disconnectedSinceNs;
    }

    @Override
    public String toString() {
        return "ClientSession{slot=" + slot + ", generation=" + generation + ", client=" + clientName
            + ", state=" + state + (admin ? ", admin" : "") + (store ? ", store" : "") + '}';
    }
}
