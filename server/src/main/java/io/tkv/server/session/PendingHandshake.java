package io.tkv.server.session;

/**
 * A handshake that has not proved a secret yet: what the store keeps for it between Connect and Authenticate. It
 * owns one egress publication (by its registration id) and no session slot; it lives in {@link PendingHandshakes}
 * and is owned by the ingress agent.
 */
final class PendingHandshake {
    /** How far it got; one handler method per state in {@link HandshakeHandler}. */
    enum State {
        /** The egress publication was asked of the media driver and does not exist yet. */
        ADDING,
        /** The publication exists; the Challenge has not gone out (the egress may still be connecting). */
        CHALLENGE_PENDING,
        /** Challenge sent; waiting for Authenticate. */
        AWAITING_AUTH
    }

    private final String egressKey;
    private final long registrationId;
    private int slot = -1;
    private State state = State.ADDING;
    private long handshakeId;
    private byte[] nonce;
    private long connectCorrelationId;
    private String clientName;
    private int imageSessionId;
    private long deadlineNs;
    private long sequence;

    /**
     * @param egressKey      the egress stream and channel (as the store makes it): one handshake per egress.
     * @param registrationId the publication's registration with the media driver.
     */
    PendingHandshake(final String egressKey, final long registrationId) {
        this.egressKey = egressKey;
        this.registrationId = registrationId;
    }

    /** Starts (or starts over) the handshake for a Connect. */
    void restart(
        final long handshakeId, final byte[] nonce, final long connectCorrelationId, final String clientName,
        final int imageSessionId, final long deadlineNs) {
        this.handshakeId = handshakeId;
        this.nonce = nonce;
        this.connectCorrelationId = connectCorrelationId;
        this.clientName = clientName;
        this.imageSessionId = imageSessionId;
        this.deadlineNs = deadlineNs;
        if (state == State.AWAITING_AUTH) {
            state = State.CHALLENGE_PENDING;
        }
    }

    String egressKey() {
        return egressKey;
    }

    long registrationId() {
        return registrationId;
    }

    int slot() {
        return slot;
    }

    void slot(final int slot) {
        this.slot = slot;
    }

    State state() {
        return state;
    }

    void state(final State state) {
        this.state = state;
    }

    long handshakeId() {
        return handshakeId;
    }

    byte[] nonce() {
        return nonce;
    }

    long connectCorrelationId() {
        return connectCorrelationId;
    }

    String clientName() {
        return clientName;
    }

    int imageSessionId() {
        return imageSessionId;
    }

    long deadlineNs() {
        return deadlineNs;
    }

    /** @return when it was (re)started, in Connect order: the smallest is the oldest. */
    long sequence() {
        return sequence;
    }

    void sequence(final long sequence) {
        this.sequence = sequence;
    }

    @Override
    public String toString() {
        return "PendingHandshake{client=" + clientName + ", egress=" + egressKey + ", state=" + state + '}';
    }
}
