package io.tkv.client;

/**
 * Consecutive ids PD handed out ({@code AllocId}): {@code first} to {@code first + count - 1}.
 *
 * @param first the first id (never 0).
 * @param count how many, at least 1.
 */
public record IdRange(long first, int count) {
    /** @return the last id of the range. */
    public long last() {
        return first + count - 1;
    }
}
