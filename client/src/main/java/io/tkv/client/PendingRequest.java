package io.tkv.client;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.concurrent.CompletableFuture;

/**
 * One request between {@code submit} and its reply (or failure): the encoded frame, kept so it can be resent
 * unchanged but for the session token (to another store, or after a reconnect) under the same correlation id, the
 * deadline, where its copy on the wire went, and the future the caller holds.
 *
 * <p>Only {@link InFlightRequests} completes the future, so each request is completed exactly once.
 *
 * <p>Who may send it: the thread that submits a request owns it until its first offer attempt is over
 * ({@link #isCallerOwned()}); from then on only the poller sends it again. So the frame is never stamped by one
 * thread while another offers it.
 *
 * @param <T> what the request's future yields.
 */
final class PendingRequest<T> {
    private static final VarHandle LONG_LE =
        MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private final String operation;
    private final long correlationId;
    private final int responseTemplateId;
    private final byte[] frame;
    private final long deadlineNs;
    private final boolean holdsPermit;
    private final CompletableFuture<T> future = new CompletableFuture<>();
    /** Where the copy last offered went; plain, published by the volatile write of {@link #sentToken}. */
    private StoreConnection sentTo;
    /** When the copy last offered was sent; plain, published like {@link #sentTo}. */
    private long sentAtNs;
    /** The session token of the copy last offered, 0 while unsent; read by the poller to tell stale copies. */
    private volatile long sentToken;
    private volatile boolean callerOwned = true;
    // Poller thread only, from here on.
    /** Set when it is resent after UNAUTHENTICATED; a second UNAUTHENTICATED fails the request. */
    private boolean resent;
    private int retries;
    private long backoffNs;
    private long retryAtNs;
    private String lastProblem;
    private int regionRetries;
    /**
     * The cache entry of the region the frame names, for a request routed by key; null for one sent to the store
     * the client talks to by default (a pinned region, admin and handshake requests). Written by the caller before
     * the first send, then by the poller only, which re-routes it on a region error.
     */
    private volatile CachedRegion region;
    /**
     * The one store a request must go to (a LocateRegion asked of a particular store), or null to route it as usual.
     * Written by the submitting thread before the first send.
     */
    private volatile StoreConnection pinnedTo;
    /** The keys the request touches (user keys): the first and last of a batch, or a range's bounds. */
    private byte[] routeFirst;
    private byte[] routeLast;
    private boolean routeRange;
    /** Whether the route's keys are stored keys (transactional requests) rather than RawKV user keys. */
    private boolean routeStored;

    /**
     * @param operation          name for messages ("get", "scan", ...).
     * @param correlationId      unique per client.
     * @param responseTemplateId the reply template expected (an ErrorResponse may come instead).
     * @param frame              the encoded request, session token still 0.
     * @param deadlineNs         on the {@link System#nanoTime()} clock.
     * @param holdsPermit        whether completing it returns an in-flight permit.
     */
    PendingRequest(final String operation, final long correlationId, final int responseTemplateId,
        final byte[] frame, final long deadlineNs, final boolean holdsPermit) {
        this.operation = operation;
        this.correlationId = correlationId;
        this.responseTemplateId = responseTemplateId;
        this.frame = frame;
        this.deadlineNs = deadlineNs;
        this.holdsPermit = holdsPermit;
    }

    /**
     * Routes the request by key. Called by the submitting thread before the first send.
     *
     * @param cached the region the frame names.
     * @param first  the lowest user key it touches, or its range's start.
     * @param last   the highest user key it touches, or its range's exclusive end (empty: the end of the keys).
     * @param range  whether {@code first} and {@code last} are a range's bounds.
     */
    void route(final CachedRegion cached, final byte[] first, final byte[] last, final boolean range) {
        this.routeFirst = first;
        this.routeLast = last;
        this.routeRange = range;
        this.region = cached;
    }

    /**
     * Routes the request by stored keys (a transactional request: {@code 'x' mc(k)}, see
     * {@link io.tkv.codec.keys.TxnKeyCodec}), as {@link #route} does by RawKV user keys.
     *
     * @param last the highest stored key, or a range's exclusive end (empty: to the end of the region).
     */
    void routeStored(final CachedRegion cached, final byte[] first, final byte[] last, final boolean range) {
        route(cached, first, last, range);
        this.routeStored = true;
    }

    /** @return whether {@link #routeFirst()} is a stored key rather than a RawKV user key. */
    boolean routedByStoredKey() {
        return routeStored;
    }

    /** Sends it to this store only, however the routing moves. The submitting thread, before the first send. */
    void pin(final StoreConnection store) {
        this.pinnedTo = store;
    }

    /** @return the one store it goes to, or null when it is routed as usual. */
    StoreConnection pinnedTo() {
        return pinnedTo;
    }

    /** @return the region it is routed to, or null if not routed by key. */
    CachedRegion region() {
        return region;
    }

    /** Moves it to another region: the frame's region context is rewritten. Poller thread only. */
    void reroute(final CachedRegion cached) {
        IngressEncoder.patchRegion(frame, cached.epoch());
        this.region = cached;
    }

    /** @return whether all its keys lie in the region. */
    boolean fitsIn(final CachedRegion cached) {
        if (routeStored) {
            return cached.containsStored(routeFirst) && (routeRange
                ? routeLast.length == 0 || cached.end().length == 0
                    || java.util.Arrays.compareUnsigned(routeLast, cached.end()) <= 0
                : cached.containsStored(routeLast));
        }
        return routeRange ? cached.containsRawRange(routeFirst, routeLast)
            : cached.containsRaw(routeFirst) && cached.containsRaw(routeLast);
    }

    /** @return the first user key it touches (where to locate its region). */
    byte[] routeFirst() {
        return routeFirst;
    }

    /** @return resends for region errors so far, counting this one. Poller thread only. */
    int countRegionRetry() {
        return ++regionRetries;
    }

    String operation() {
        return operation;
    }

    long correlationId() {
        return correlationId;
    }

    int responseTemplateId() {
        return responseTemplateId;
    }

    byte[] frame() {
        return frame;
    }

    long deadlineNs() {
        return deadlineNs;
    }

    boolean holdsPermit() {
        return holdsPermit;
    }

    CompletableFuture<T> future() {
        return future;
    }

    boolean isDone() {
        return future.isDone();
    }

    /**
     * Records where the copy about to be offered goes and writes its session token into the frame. Called by the
     * one thread about to offer the frame.
     *
     * @param connection the store it goes to.
     * @param token      the session token with that store.
     * @param nowNs      the send time ({@link System#nanoTime()} clock), for telling a silent store.
     */
    void stampSend(final StoreConnection connection, final long token, final long nowNs) {
        sentTo = connection;
        sentAtNs = nowNs;
        stampToken(token);
    }

    /** Writes the session token into the frame and records it as the token this copy is sent with. */
    void stampToken(final long token) {
        LONG_LE.set(frame, IngressEncoder.SESSION_TOKEN_OFFSET, token);
        sentToken = token;
    }

    /**
     * Writes the client's first incomplete id into a write request (no-op for reads), never above this request's
     * own id. Called by the one thread about to offer the frame, with {@link InFlightRequests#firstIncompleteId()}.
     */
    void stampFirstIncomplete(final long firstIncompleteId) {
        final int offset = IngressEncoder.firstIncompleteOffset(frame);
        if (offset > 0) {
            LONG_LE.set(frame, offset, Math.min(firstIncompleteId, correlationId));
        }
    }

    /** The offer failed, or the copy on the wire is written off: no reply to it will be taken. */
    void unsent() {
        sentToken = 0;
        sentTo = null;
    }

    /** @return the token of the copy on the wire, or 0 if none. */
    long sentToken() {
        return sentToken;
    }

    /** @return the store the copy on the wire went to, or null if none. */
    StoreConnection sentTo() {
        // The volatile read first: it orders the plain read after the sender's stampSend.
        return sentToken == 0 ? null : sentTo;
    }

    /** @return when the copy on the wire was sent; meaningful only while {@link #sentTo()} is not null. */
    long sentAtNs() {
        return sentToken == 0 ? 0 : sentAtNs;
    }

    /** @return whether the submitting thread still holds it (its first offer attempt is not over). */
    boolean isCallerOwned() {
        return callerOwned;
    }

    /** The submitting thread is done with it: sent, or handed to the poller. */
    void releaseFromCaller() {
        callerOwned = false;
    }

    /** Poller thread only. */
    boolean resent() {
        return resent;
    }

    /** Poller thread only. */
    void markResent() {
        resent = true;
    }

    /** @return resends scheduled so far (for any reason). Poller thread only. */
    int retries() {
        return retries;
    }

    /**
     * Counts a resend and, when asked to, the wait before it: the first backed-off resend waits {@code initialNs},
     * each next one twice as long as the last, never more than {@code maxNs}. Poller thread only.
     *
     * @param backOff   whether this resend waits.
     * @param initialNs the first wait.
     * @param maxNs     the longest wait.
     * @return how long to wait before resending.
     */
    long scheduleRetry(final boolean backOff, final long initialNs, final long maxNs) {
        retries++;
        if (!backOff) {
            return 0;
        }
        backoffNs = backoffNs == 0 ? initialNs : Math.min(maxNs, backoffNs * 2);
        return backoffNs;
    }

    /** Poller thread only. */
    long retryAtNs() {
        return retryAtNs;
    }

    /** Poller thread only. */
    void retryAtNs(final long retryAtNs) {
        this.retryAtNs = retryAtNs;
    }

    /** @return why it was last resent, for the message should it time out; null if never. Poller thread only. */
    String lastProblem() {
        return lastProblem;
    }

    /** Poller thread only. */
    void lastProblem(final String lastProblem) {
        this.lastProblem = lastProblem;
    }

    @SuppressWarnings("unchecked")
    boolean complete(final Object result) {
        return future.complete((T)result);
    }

    boolean fail(final Throwable failure) {
        return future.completeExceptionally(failure);
    }

    @Override
    public String toString() {
        return operation + "#" + correlationId;
    }
}
