package io.tkv.client.txn;

/**
 * KEY_LOCKED: a lock of another transaction blocks the request. The client resolves such locks itself; this reaches
 * the caller only when a live lock outlasted the lock-wait deadline.
 */
public class KeyLockedException extends KeyErrorException {
    private static final long serialVersionUID = 1L;
    private final transient LockInfo lock;

    /**
     * @param lock the lock met.
     */
    public KeyLockedException(final LockInfo lock) {
        super("key " + Keys.show(lock.key()) + " locked by txn " + lock.startTs() + ": " + lock);
        this.lock = lock;
    }

    /** @return the lock met. */
    public LockInfo lock() {
        return lock;
    }
}
