package io.tkv.storage;

/**
 * A storage operation failed: RocksDB reported an error, or the engine was used after it was closed.
 * <p>
 * Unchecked because a failing disk is not something the apply path can handle locally: it stops the store.
 */
public class StorageException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * @param message what was being done.
     */
    public StorageException(final String message) {
        super(message);
    }

    /**
     * @param message what was being done.
     * @param cause   the RocksDB error.
     */
    public StorageException(final String message, final Throwable cause) {
        super(message, cause);
    }
}
