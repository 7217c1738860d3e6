package io.tkv.client;

/**
 * A tkv request failed: the store rejected it (its status, with the store's message) or the client could not
 * complete it (timeout, connection lost, closed). Unchecked, as in the rest of the client API.
 */
public class TkvException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final ErrorCode code;
    private final String detail;

    /**
     * @param code    why it failed.
     * @param message the store's error message, or the client's explanation.
     */
    public TkvException(final ErrorCode code, final String message) {
        this(code, message, null);
    }

    /**
     * @param code    why it failed.
     * @param message the store's error message, or the client's explanation.
     * @param cause   the underlying failure, may be null.
     */
    public TkvException(final ErrorCode code, final String message, final Throwable cause) {
        super(code + (message == null || message.isEmpty() ? "" : ": " + message), cause);
        this.code = code;
        this.detail = message == null ? "" : message;
    }

    /** @return why the request failed. */
    public ErrorCode code() {
        return code;
    }

    /**
     * A copy of this exception thrown in the calling thread, with this one (raised on the client's poller thread)
     * as its cause, so the caller's stack trace shows where the sync call was made.
     */
    TkvException rethrowable() {
        return new TkvException(code, detail(), this);
    }

    /** @return the message without the code prefix. */
    String detail() {
        return detail;
    }
}
