package io.tkv.client.txn;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Waiting on transport futures from the caller's thread, with the request timeout. */
final class Rpc {
    private Rpc() {
    }

    /**
     * @return the future's value.
     * @throws KeyErrorException        if the store refused.
     * @throws TxnTransportException    if the request failed in transport or timed out (wrapping the cause unless it
     *                                  is a {@link TxnKvException} already, which is rethrown as it is).
     */
    static <T> T await(final CompletableFuture<T> future, final long timeoutMs) {
        try {
            return future.get(timeoutMs, TimeUnit.MILLISECONDS);
        } catch (final ExecutionException ex) {
            throw rethrowable(ex.getCause());
        } catch (final TimeoutException ex) {
            throw new TxnTransportException("no answer within " + timeoutMs + " ms", ex);
        } catch (final InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new TxnTransportException("interrupted while waiting for an answer", ex);
        }
    }

    /** @return the failure as an unchecked exception, unwrapped from completion wrappers. */
    static RuntimeException rethrowable(final Throwable failure) {
        final Throwable cause = unwrap(failure);
        if (cause instanceof TxnKvException txn) {
            return txn;
        }
        return new TxnTransportException(String.valueOf(cause.getMessage()), cause);
    }

    /** @return the failure without {@link CompletionException} and {@link ExecutionException} wrappers. */
    static Throwable unwrap(final Throwable failure) {
        Throwable cause = failure;
        while ((cause instanceof CompletionException || cause instanceof ExecutionException) &&
            cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause;
    }

    /** @return whether the failure is the store's verdict (nothing written), not a transport failure. */
    static boolean isKeyError(final Throwable failure) {
        return unwrap(failure) instanceof KeyErrorException;
    }
}
