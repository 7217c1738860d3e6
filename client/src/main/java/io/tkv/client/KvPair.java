package io.tkv.client;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * An immutable key and value. The arrays are copied in and out, so neither the caller nor the client can change
 * a pair after it is made.
 */
public final class KvPair {
    private static final int MAX_SHOWN_BYTES = 64;

    private final byte[] key;
    private final byte[] value;

    /**
     * @param key   the key, not null.
     * @param value the value, not null (empty for a key-only scan).
     */
    public KvPair(final byte[] key, final byte[] value) {
        this.key = Objects.requireNonNull(key, "key").clone();
        this.value = Objects.requireNonNull(value, "value").clone();
    }

    /** No copy: {@code owned} marks arrays that nobody else holds. */
    private KvPair(final byte[] key, final byte[] value, final boolean owned) {
        this.key = key;
        this.value = value;
    }

    /** Wraps arrays the client just decoded and hands to no one else, sparing a copy. */
    static KvPair wrap(final byte[] key, final byte[] value) {
        return new KvPair(key, value, true);
    }

    /**
     * @param key   the key as UTF-8 text.
     * @param value the value as UTF-8 text.
     * @return the pair.
     */
    public static KvPair of(final String key, final String value) {
        return wrap(key.getBytes(StandardCharsets.UTF_8), value.getBytes(StandardCharsets.UTF_8));
    }

    /** @return a copy of the key. */
    public byte[] key() {
        return key.clone();
    }

    /** @return a copy of the value. */
    public byte[] value() {
        return value.clone();
    }

    /** @return the key's length in bytes, without copying it. */
    public int keyLength() {
        return key.length;
    }

    /** @return the value's length in bytes, without copying it. */
    public int valueLength() {
        return value.length;
    }

    /** The key without a copy, for the client's encoders only. */
    byte[] keyRef() {
        return key;
    }

    /** The value without a copy, for the client's encoders only. */
    byte[] valueRef() {
        return value;
    }

    @Override
    public boolean equals(final Object other) {
        if (this == other) {
            return true;
        }
        if (!(other instanceof KvPair)) {
            return false;
        }
        final KvPair that = (KvPair)other;
        return Arrays.equals(key, that.key) && Arrays.equals(value, that.value);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(key) + Arrays.hashCode(value);
    }

    @Override
    public String toString() {
        return "KvPair{key=" + show(key) + ", value=" + show(value) + '}';
    }

    /** Printable ASCII as text, anything else as hex; long arrays are cut. */
    static String show(final byte[] bytes) {
        if (bytes == null) {
            return "null";
        }
        final int shown = Math.min(bytes.length, MAX_SHOWN_BYTES);
        boolean printable = true;
        for (int i = 0; i < shown && printable; i++) {
            printable = bytes[i] >= 0x20 && bytes[i] < 0x7f;
        }
        final StringBuilder sb = new StringBuilder();
        if (printable) {
            sb.append('"').append(new String(bytes, 0, shown, StandardCharsets.US_ASCII)).append('"');
        } else {
            sb.append("0x");
            for (int i = 0; i < shown; i++) {
                sb.append(Character.forDigit((bytes[i] >> 4) & 0xF, 16)).append(Character.forDigit(bytes[i] & 0xF, 16));
            }
        }
        if (shown < bytes.length) {
            sb.append("...(").append(bytes.length).append(" bytes)");
        }
        return sb.toString();
    }
}
