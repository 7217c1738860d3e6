package io.tkv.client;

import io.tkv.codec.Status;

/** Maps the wire {@link Status} to the client's own {@link ErrorCode}, so SBE types stay out of the public API. */
final class Statuses {
    /** The raw wire value of {@link Status#OK}. */
    static final short OK = Status.OK.value();

    private Statuses() {
    }

    /**
     * @param status a non-OK wire status (null when the raw value is unknown to this build).
     * @return the matching error code.
     */
    static ErrorCode toErrorCode(final Status status) {
        if (status == null) {
            return ErrorCode.UNKNOWN_STATUS;
        }
        switch (status) {
            case NOT_LEADER:
                return ErrorCode.NOT_LEADER;
            case EPOCH_NOT_MATCH:
                return ErrorCode.EPOCH_NOT_MATCH;
            case REGION_NOT_FOUND:
                return ErrorCode.REGION_NOT_FOUND;
            case KEY_NOT_IN_REGION:
                return ErrorCode.KEY_NOT_IN_REGION;
            case SERVER_BUSY:
                return ErrorCode.SERVER_BUSY;
            case KEY_LOCKED:
                return ErrorCode.KEY_LOCKED;
            case WRITE_CONFLICT:
                return ErrorCode.WRITE_CONFLICT;
            case TXN_NOT_FOUND:
                return ErrorCode.TXN_NOT_FOUND;
            case MALFORMED:
                return ErrorCode.MALFORMED;
            case TOO_LARGE:
                return ErrorCode.TOO_LARGE;
            case UNAUTHENTICATED:
                return ErrorCode.UNAUTHENTICATED;
            case INTERNAL_ERROR:
                return ErrorCode.INTERNAL_ERROR;
            case REQUEST_EXPIRED:
                return ErrorCode.REQUEST_EXPIRED;
            case GC_SAFE_POINT_EXCEEDED:
                return ErrorCode.GC_SAFE_POINT_EXCEEDED;
            default:
                return ErrorCode.UNKNOWN_STATUS;
        }
    }

    /**
     * @param raw the status byte as read from a frame.
     * @return the status, or null when this build does not know the value (a newer store).
     */
    static Status status(final short raw) {
        try {
            return Status.get(raw);
        } catch (final IllegalArgumentException ex) {
            return null;
        }
    }

    /**
     * @param raw     a non-OK wire status byte.
     * @param message the store's error message.
     * @return the exception to fail a request with.
     */
    static TkvException toException(final short raw, final String message) {
        final ErrorCode code = toErrorCode(status(raw));
        final String text = code == ErrorCode.UNKNOWN_STATUS ? "status " + raw + ": " + message : message;
        return new TkvException(code, text);
    }
}
