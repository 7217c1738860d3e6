package io.tkv.client.txn;

import java.util.List;

/**
 * Check-secondary-locks' answer from one region: the keys' locks, or the commit ts, or rolled back.
 *
 * @param locks      when neither committed nor rolled back: the lock of every key checked.
 * @param commitTs   the commit ts if a key is committed, else 0.
 * @param rolledBack whether a key was rolled back (now, or before).
 */
public record SecondaryLocksResult(List<LockInfo> locks, long commitTs, boolean rolledBack) {
    /** Copies the list. */
    public SecondaryLocksResult {
        locks = List.copyOf(locks);
    }
}
