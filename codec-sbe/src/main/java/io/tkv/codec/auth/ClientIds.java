package io.tkv.codec.auth;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;

/**
 * A client's identity for deduplicating its writes: a 32-byte client key, random and kept by the client for its
 * lifetime, and the client id derived from it, the first 8 bytes of SHA-256(key) (never 0). The key goes to a store
 * only inside the handshake's Authenticate, covered by the proof; writes carry only the id, and a store serves a
 * session's writes only under the id its key gives. Knowing another client's id (it is in every write frame) is
 * therefore not enough to act as that client.
 */
public final class ClientIds {
    /** Bytes of a client key. */
    public static final int KEY_LENGTH = 32;

    private ClientIds() {
    }

    /** @return a fresh random client key. */
    public static byte[] newKey() {
        final byte[] key = new byte[KEY_LENGTH];
        new SecureRandom().nextBytes(key);
        return key;
    }

    /**
     * @param key a client key of {@link #KEY_LENGTH} bytes.
     * @return its client id (never 0, nor SBE's null value for an int64, which means "no client id").
     */
    public static long idOf(final byte[] key) {
        if (key.length != KEY_LENGTH) {
            throw new IllegalArgumentException("a client key has " + KEY_LENGTH + " bytes, not " + key.length);
        }
        final byte[] hash;
        try {
            hash = MessageDigest.getInstance("SHA-256").digest(key);
        } catch (final NoSuchAlgorithmException ex) {
            throw new IllegalStateException("SHA-256 unavailable", ex);
        }
        long id = 0;
        for (int i = 0; i < Long.BYTES; i++) {
            id = id << 8 | (hash[i] & 0xFF);
        }
        return id == 0 || id == Long.MIN_VALUE ? 1 : id;
    }
}
