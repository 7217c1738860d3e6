package io.tkv.client;

import io.tkv.codec.auth.HmacSha256;

/**
 * The client's half of the handshake: proves it knows the shared secret by answering the store's nonce with
 * HMAC-SHA256(secret, nonce || clientKey), which also vouches for the client key the Authenticate carries (the store
 * binds the session to the client id derived from it). The secret itself never crosses the wire.
 */
final class HmacProof {
    private final HmacSha256 mac;
    private final byte[] clientKey;

    /**
     * @param secret    the shared secret; empty is allowed (the store must be configured with an empty one too).
     * @param clientKey this client's key.
     */
    HmacProof(final byte[] secret, final byte[] clientKey) {
        this.mac = new HmacSha256(secret);
        this.clientKey = clientKey.clone();
    }

    /**
     * @param nonce the store's challenge.
     * @return HMAC-SHA256(secret, nonce || clientKey).
     */
    byte[] prove(final byte[] nonce) {
        final byte[] message = new byte[nonce.length + clientKey.length];
        System.arraycopy(nonce, 0, message, 0, nonce.length);
        System.arraycopy(clientKey, 0, message, nonce.length, clientKey.length);
        return mac.mac(message);
    }

    /** @return the client key the proof covers. */
    byte[] clientKey() {
        return clientKey;
    }
}
