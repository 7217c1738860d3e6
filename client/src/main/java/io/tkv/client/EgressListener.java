package io.tkv.client;

/**
 * What the {@link EgressAdapter} decodes for the {@link SessionAgent}: handshake frames, and the answers that are
 * not a request's result but a reason to route or resend it. All on the poller thread.
 */
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
     * @param storeId        the store's id (0 from a version 1 store).
     */
    void onConnected(long correlationId, short statusRaw, long sessionToken, SessionLimits limits,
        String errorMessage, int imageSessionId, long storeId);

    /**
     * A reply to a request in flight arrived, before it is decoded.
     *
     * @param request        the request its correlation id names.
     * @param imageSessionId the Aeron session of the egress image it came on.
     * @return whether to take it: it comes from the store, and the session, the request's copy on the wire went
     *     to. Otherwise (a late answer to a copy written off, from another store or an old session) it is dropped.
     */
    boolean onReply(PendingRequest<?> request, int imageSessionId);

    /**
     * The store is not the leader of the request's region.
     *
     * @param request      the request.
     * @param hintStoreId  the leader's store id, 0 if unknown.
     * @param hintEndpoint the leader's client endpoint, "" if unknown.
     * @param errorMessage the store's message.
     */
    void onNotLeader(PendingRequest<?> request, long hintStoreId, String hintEndpoint, String errorMessage);

    /**
     * The store is overloaded and rejected the request before running it.
     *
     * @param request      the request.
     * @param errorMessage the store's message.
     */
    void onServerBusy(PendingRequest<?> request, String errorMessage);

    /**
     * The store did not know the session a request carried: the request had no effect.
     *
     * @param request      the request.
     * @param errorMessage the store's message.
     */
    void onUnauthenticated(PendingRequest<?> request, String errorMessage);

    /**
     * A request the client routed by key was refused for its region (EPOCH_NOT_MATCH, KEY_NOT_IN_REGION,
     * REGION_NOT_FOUND): it ran nowhere, and may be resent to the region that holds its keys now.
     *
     * @param request the request, routed ({@link PendingRequest#region()} not null).
     * @param failure the refusal, with the regions the store sent ({@link TkvException#regions()}).
     */
    void onRegionError(PendingRequest<?> request, TkvException failure);
}
