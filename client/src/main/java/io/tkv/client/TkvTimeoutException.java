package io.tkv.client;

/**
 * No reply arrived in time (request timeout), or the client could not connect in time (connect timeout). The
 * effect of a write that timed out is unknown: it may or may not have been applied.
 */
public class TkvTimeoutException extends TkvException {
    private static final long serialVersionUID = 1L;

    /** @param message what timed out, and after how long. */
    public TkvTimeoutException(final String message) {
        super(ErrorCode.TIMEOUT, message);
    }

    /**
     * @param message what timed out, and after how long.
     * @param cause   the underlying failure, may be null.
     */
    public TkvTimeoutException(final String message, final Throwable cause) {
        super(ErrorCode.TIMEOUT, message, cause);
    }

    @Override
    TkvException rethrowable() {
        return new TkvTimeoutException(detail(), this);
    }
}
