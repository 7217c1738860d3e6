package io.tkv.perf;

/**
 * Turns a key index into a fixed-size key: {@code 'k'} followed by the index in decimal, left-padded with
 * {@code '0'} to the key size. Keys sort as their indexes do, so a scan from key {@code i} visits {@code i+1, ...}.
 */
public final class KeySpace {
    private final long keys;
    private final int keySize;

    /**
     * @param keys    number of keys, at least 1.
     * @param keySize bytes per key; must hold {@code 'k'} and every index.
     */
    public KeySpace(final long keys, final int keySize) {
        if (keys < 1) {
            throw new IllegalArgumentException("keys must be >= 1, was " + keys);
        }
        final int digits = Long.toString(keys - 1).length();
        if (keySize < 1 + digits) {
            throw new IllegalArgumentException(
                "key-size " + keySize + " cannot hold " + keys + " keys: need at least " + (1 + digits) + " bytes");
        }
        this.keys = keys;
        this.keySize = keySize;
    }

    /**
     * @return number of keys.
     */
    public long keys() {
        return keys;
    }

    /**
     * @return bytes per key.
     */
    public int keySize() {
        return keySize;
    }

    /**
     * @return a new array the size of one key.
     */
    public byte[] newKeyBuffer() {
        return new byte[keySize];
    }

    /**
     * Writes the key of an index into {@code out} without allocating.
     *
     * @param index the key index, in {@code [0, keys)}.
     * @param out   an array of exactly {@link #keySize()} bytes.
     * @return {@code out}.
     */
    public byte[] encode(final long index, final byte[] out) {
        if (index < 0 || index >= keys) {
            throw new IllegalArgumentException("key index " + index + " outside [0, " + keys + ")");
        }
        out[0] = 'k';
        long rest = index;
        for (int i = keySize - 1; i >= 1; i--) {
            out[i] = (byte)('0' + (int)(rest % 10));
            rest /= 10;
        }
        return out;
    }
}
