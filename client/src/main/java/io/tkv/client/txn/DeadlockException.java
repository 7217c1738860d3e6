package io.tkv.client.txn;

import java.util.List;

/**
 * DEADLOCK: waiting for a lock of another transaction would have closed a cycle of transactions waiting for each
 * other, and the store's deadlock detector chose this one to give up. When a {@link Transaction} throws it, the
 * transaction was rolled back (its pessimistic locks released, as TiDB does): retry it from the start.
 */
public class DeadlockException extends KeyErrorException {
    private static final long serialVersionUID = 1L;
    private final transient byte[] key;
    private final long lockTs;
    private final long deadlockKeyHash;
    private final transient List<WaitFor> waitChain;

    /**
     * @param key             the user key whose lock this transaction would have waited for.
     * @param lockTs          the start ts of that lock's transaction.
     * @param deadlockKeyHash the hash of the key on which the cycle comes back to this transaction.
     * @param waitChain       the cycle, ending with this transaction's own wait.
     */
    public DeadlockException(
        final byte[] key, final long lockTs, final long deadlockKeyHash, final List<WaitFor> waitChain) {
        super("deadlock on " + Keys.show(key) + " waiting for txn " + lockTs + ", wait chain " + waitChain);
        this.key = key;
        this.lockTs = lockTs;
        this.deadlockKeyHash = deadlockKeyHash;
        this.waitChain = List.copyOf(waitChain);
    }

    /** @return the user key whose lock this transaction would have waited for. */
    public byte[] key() {
        return key;
    }

    /** @return the start ts of the lock's transaction. */
    public long lockTs() {
        return lockTs;
    }

    /** @return the hash of the key on which the cycle closes. */
    public long deadlockKeyHash() {
        return deadlockKeyHash;
    }

    /** @return the wait chain, ending with this transaction's own wait. */
    public List<WaitFor> waitChain() {
        return waitChain;
    }

    /**
     * One edge of the wait chain: transaction {@code txnTs} waits for a lock of {@code waitForTs}.
     *
     * @param txnTs     the waiting transaction's start ts.
     * @param waitForTs the lock holder's start ts.
     * @param keyHash   the hash of the locked key.
     */
    public record WaitFor(long txnTs, long waitForTs, long keyHash) {
    }
}
