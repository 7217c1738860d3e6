package io.tkv.client;

import java.util.List;

/**
 * A tkv request failed: the store rejected it (its status, with the store's message) or the client could not
 * complete it (timeout, connection lost, closed). Unchecked, as in the rest of the client API.
 */
public class TkvException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final ErrorCode code;
    private final String detail;
    private final transient List<RegionInfo> regions;

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
        this(code, message, cause, List.of());
    }

    /**
     * @param code    why it failed.
     * @param message the store's error message, or the client's explanation.
     * @param cause   the underlying failure, may be null.
     * @param regions the regions as the store knows them, with EPOCH_NOT_MATCH and KEY_NOT_IN_REGION.
     */
    public TkvException(final ErrorCode code, final String message, final Throwable cause,
        final List<RegionInfo> regions) {
        super(code + (message == null || message.isEmpty() ? "" : ": " + message), cause);
        this.code = code;
        this.detail = message == null ? "" : message;
        this.regions = List.copyOf(regions);
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
        return new TkvException(code, detail(), this, regions());
    }

    /**
     * @return with {@link ErrorCode#EPOCH_NOT_MATCH} and {@link ErrorCode#KEY_NOT_IN_REGION}, the regions as the
     *     store knew them when it refused (the request's region now, and its neighbours on that store); else none.
     */
    public List<RegionInfo> regions() {
        return regions == null ? List.of() : regions;
    }

    /** @return the message without the code prefix. */
    String detail() {
        return detail;
    }
}
