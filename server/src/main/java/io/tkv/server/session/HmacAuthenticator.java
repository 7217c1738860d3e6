package io.tkv.server.session;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;

/**
 * Proves a client knows the store's shared secret: the store sends a random nonce, the client answers with
 * HMAC-SHA256(secret, nonce). The secret never crosses the wire, and a recorded answer is useless for another
 * nonce.
 */
public final class HmacAuthenticator {
    /** Bytes of nonce per challenge. */
    public static final int NONCE_LENGTH = 32;
    private static final String ALGORITHM = "HmacSHA256";

    private final Mac mac;
    private final SecureRandom random = new SecureRandom();

    /** @param secret the shared secret (UTF-8); empty means every client uses the empty secret. */
    public HmacAuthenticator(final String secret) {
        try {
            mac = Mac.getInstance(ALGORITHM);
            final byte[] key = secret.getBytes(StandardCharsets.UTF_8);
            // An HMAC key may not be empty in the JCE; a one-byte zero key is what HMAC pads an empty key to.
            mac.init(new SecretKeySpec(key.length == 0 ? new byte[1] : key, ALGORITHM));
        } catch (final GeneralSecurityException ex) {
            throw new IllegalStateException("HmacSHA256 unavailable", ex);
        }
    }

    /** @return a fresh random nonce. */
    public byte[] newNonce() {
        final byte[] nonce = new byte[NONCE_LENGTH];
        random.nextBytes(nonce);
        return nonce;
    }

    /** @return a random non-zero id (tokens and handshake ids). */
    public long newId() {
        long id;
        do {
            id = random.nextLong();
        } while (id == 0);
        return id;
    }

    /**
     * @param nonce the challenge sent.
     * @param proof what the client answered.
     * @return whether the proof is HMAC-SHA256(secret, nonce), compared in constant time.
     */
    public boolean verify(final byte[] nonce, final byte[] proof) {
        final byte[] expected = mac.doFinal(nonce);
        return MessageDigest.isEqual(expected, proof);
    }
}
