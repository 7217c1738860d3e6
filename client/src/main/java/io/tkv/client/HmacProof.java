package io.tkv.client;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.security.GeneralSecurityException;

/**
 * The client's half of the handshake: proves it knows the shared secret by answering the store's nonce with
 * HMAC-SHA256(secret, nonce). The secret itself never crosses the wire.
 */
final class HmacProof {
    private static final String ALGORITHM = "HmacSHA256";

    private final Mac mac;

    /** @param secret the shared secret; empty is allowed (the store must be configured with an empty one too). */
    HmacProof(final byte[] secret) {
        try {
            mac = Mac.getInstance(ALGORITHM);
            // The JCE refuses an empty key; HMAC zero-pads keys to the block size, so one zero byte is the same key.
            mac.init(new SecretKeySpec(secret.length == 0 ? new byte[1] : secret, ALGORITHM));
        } catch (final GeneralSecurityException ex) {
            throw new IllegalStateException(ALGORITHM + " unavailable", ex);
        }
    }

    /**
     * @param nonce the store's challenge.
     * @return HMAC-SHA256(secret, nonce).
     */
    byte[] prove(final byte[] nonce) {
        return mac.doFinal(nonce);
    }
}
