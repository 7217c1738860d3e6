package io.tkv.client.txn;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Comparator;

/** Helpers for user keys: their order and how they print. */
final class Keys {
    /** The order of user keys: unsigned lexicographic, as the store sorts them. */
    static final Comparator<byte[]> ORDER = Arrays::compareUnsigned;

    private Keys() {
    }

    /** @return the key as text when it is printable ASCII, else its bytes. */
    static String show(final byte[] key) {
        if (key == null) {
            return "null";
        }
        for (final byte b : key) {
            if (b < 0x20 || b > 0x7e) {
                return Arrays.toString(key);
            }
        }
        return '"' + new String(key, StandardCharsets.US_ASCII) + '"';
    }

    /** @return the smallest key after {@code key}. */
    static byte[] next(final byte[] key) {
        return Arrays.copyOf(key, key.length + 1);
    }
}
