package io.tkv.client;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.concurrent.CompletableFuture;

/**
 * One request between {@code submit} and its reply (or failure): the encoded frame, kept so it can be resent
 * with a new session token after a reconnect, the deadline, and the future the caller holds.
 *
 * <p>Only {@link InFlightRequests} completes the future, so each request is completed exactly once.
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
    /** The session token of the copy last offered, 0 while unsent; read by the poller to tell stale replies. */
    private volatile long sentToken;
    /** Set by the poller when it resends after UNAUTHENTICATED; a second UNAUTHENTICATED fails the request. */
    private boolean resent;

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
     * Writes the session token into the frame and records it as the token this copy is sent with. Called by the
     * one thread about to offer the frame; a request is only ever in one sender's hands at a time.
     */
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

    /** The offer failed: this copy never left. */
    void unsent() {
        sentToken = 0;
    }

    /** @return the token of the copy on the wire, or 0 if none. */
    long sentToken() {
        return sentToken;
    }

    /** Poller thread only. */
    boolean resent() {
        return resent;
    }

    /** Poller thread only. */
    void markResent() {
        resent = true;
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
