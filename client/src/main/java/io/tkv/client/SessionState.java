package io.tkv.client;

/**
 * What callers need to know about the session with one store, published by the poller: the phase, the token to
 * stamp on requests, the store's limits, and why the store refused us if it did. Written by the poller thread
 * only (and by close, once the poller has stopped).
 */
final class SessionState {
    /** Where the connection to one store stands (the poller's state machine, see {@link StoreConnection}). */
    enum Phase {
        /** Waiting for the ingress publication to connect; then a Connect is sent. */
        DISCONNECTED,
        /** Connect sent, waiting for the Challenge. */
        AWAIT_CHALLENGE,
        /** Authenticate sent, waiting for Connected. */
        AWAIT_CONNECTED,
        /** Session open: requests flow. */
        ACTIVE,
        /** The store refused the secret; requests fail fast until a later handshake succeeds. */
        REFUSED,
        /** The client closed. */
        CLOSED;

        /** @return what being stuck in this phase at the connect deadline most likely means. */
        String explanation() {
            switch (this) {
                case DISCONNECTED:
                    return "the ingress publication never connected: is the store running?";
                case AWAIT_CHALLENGE:
                    return "no Challenge: the store did not answer, or could not reach the egress channel";
                case AWAIT_CONNECTED:
                    return "no Connected after Authenticate";
                default:
                    return "last phase " + this;
            }
        }
    }

    private volatile Phase phase = Phase.DISCONNECTED;
    private volatile long token;
    private volatile SessionLimits limits = SessionLimits.NONE;
    private volatile TkvException refusal;

    Phase phase() {
        return phase;
    }

    long token() {
        return token;
    }

    SessionLimits limits() {
        return limits;
    }

    TkvException refusal() {
        return refusal;
    }

    boolean isActive() {
        return phase == Phase.ACTIVE;
    }

    void phase(final Phase phase) {
        this.phase = phase;
    }

    void activate(final long token, final SessionLimits limits) {
        this.token = token;
        this.limits = limits;
        this.refusal = null;
        this.phase = Phase.ACTIVE;
    }

    void refuse(final TkvException refusal) {
        this.refusal = refusal;
        this.phase = Phase.REFUSED;
    }
}
