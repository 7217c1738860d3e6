package io.tkv.client;

import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** How a blocking call waits on a request's future and turns its failure into the exception callers see. */
final class Futures {
    private Futures() {
    }

    /**
     * @param future          the request's future.
     * @param requestTimeoutMs the request timeout, for the message.
     * @param waitMs          how long to wait: the request timeout plus a grace period for the poller's sweep.
     * @return the result.
     */
    static <T> T await(final CompletableFuture<T> future, final long requestTimeoutMs, final long waitMs) {
        try {
            return future.get(waitMs, TimeUnit.MILLISECONDS);
        } catch (final ExecutionException | CompletionException ex) {
            throw rethrowable(ex.getCause());
        } catch (final InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new TkvException(ErrorCode.INTERRUPTED, "interrupted while waiting for the reply", ex);
        } catch (final TimeoutException ex) {
            throw new TkvTimeoutException("no reply within " + requestTimeoutMs + " ms", ex);
        } catch (final CancellationException ex) {
            throw new TkvException(ErrorCode.CLOSED, "request cancelled", ex);
        }
    }

    /**
     * @return the failure to throw on the caller's thread: a fresh copy of a {@link TkvException} (so the stack
     *     shows the caller), the runtime exception itself, or a wrapped checked one.
     */
    static RuntimeException rethrowable(final Throwable cause) {
        Throwable failure = cause;
        while (failure instanceof CompletionException && failure.getCause() != null) {
            failure = failure.getCause();
        }
        if (failure instanceof TkvException) {
            return ((TkvException)failure).rethrowable();
        }
        if (failure instanceof RuntimeException) {
            return (RuntimeException)failure;
        }
        return new TkvException(ErrorCode.INTERNAL_ERROR, "client failure", failure);
    }
}
