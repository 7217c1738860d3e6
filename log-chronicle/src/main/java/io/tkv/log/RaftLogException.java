package io.tkv.log;

/**
 * The log cannot do what was asked: it could not be opened or recovered, a write or sync failed (the log is then
 * fail-stop, see {@link RaftLog#sync()}), or a record read back is not what the index said it is.
 */
public final class RaftLogException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * @param message what failed and where.
     */
    public RaftLogException(final String message) {
        super(message);
    }

    /**
     * @param message what failed and where.
     * @param cause   the underlying error.
     */
    public RaftLogException(final String message, final Throwable cause) {
        super(message, cause);
    }
}
