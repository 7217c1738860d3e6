package io.tkv.storage;

/**
 * A region snapshot was refused: its descriptor is malformed, a file is missing, truncated, corrupt or holds keys
 * outside the region, or it belongs to another region. Nothing was changed; fetch the snapshot again.
 * <p>
 * Not a {@link StorageException}: the disk is fine, the snapshot is not, and the store can carry on.
 */
public class SnapshotException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * @param message what was wrong.
     */
    public SnapshotException(final String message) {
        super(message);
    }

    /**
     * @param message what was wrong.
     * @param cause   the underlying error.
     */
    public SnapshotException(final String message, final Throwable cause) {
        super(message, cause);
    }
}
