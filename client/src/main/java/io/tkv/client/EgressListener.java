package io.tkv.client;

/** The session events the {@link EgressAdapter} decodes for the {@link SessionAgent}; all on the poller thread. */
interface EgressListener {
    /**
     * The store's challenge to a Connect.
     *
     * @param correlationId  of the Connect it answers.
     * @param handshakeId    to quote in Authenticate.
     * @param nonce          to prove the secret over.
     */
    void onChallenge(long correlationId, long handshakeId, byte[] nonce);

    /**
     * The store's verdict on an Authenticate.
     *
     * @param correlationId  of the Authenticate it answers.
     * @param statusRaw      OK (0) or why not.
     * @param sessionToken   to stamp on requests.
     * @param limits         the store's limits.
     * @param errorMessage   why it refused, if it did.
     * @param imageSessionId the Aeron session of the egress image it came on, to notice when that image goes.
     */
    void onConnected(long correlationId, short statusRaw, long sessionToken, SessionLimits limits,
        String errorMessage, int imageSessionId);

    /**
     * The store did not know the session a request carried: the request had no effect.
     *
     * @param request      the request.
     * @param errorMessage the store's message.
     */
    void onUnauthenticated(PendingRequest<?> request, String errorMessage);
}
