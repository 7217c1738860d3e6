package io.tkv.txn;

/**
 * Stored bytes are not a {@link Lock} or {@link Write} this version can read: truncated, an unknown format, type or
 * flag, a length beyond the record, or trailing bytes. The only exception the record decoders throw.
 */
public final class MalformedRecordException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * @param message what is wrong, and where.
     */
    public MalformedRecordException(final String message) {
        super(message);
    }
}
