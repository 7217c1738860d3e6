package io.tkv.txn;

/**
 * What one {@link Gc#collect} step did (its deletes are staged in the caller's {@link MvccTxn}).
 *
 * @param keys            the keys looked at.
 * @param deletedVersions the write records deleted (a PUT's default-CF value with its record counts once).
 * @param nextKey         the encoded key the next step starts at, or {@code null} when the range is done.
 */
public record GcBatch(int keys, int deletedVersions, byte[] nextKey) {
    /** @return whether the range is done. */
    public boolean done() {
        return nextKey == null;
    }
}
