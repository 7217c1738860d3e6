package io.tkv.server.session;

import org.junit.jupiter.api.Test;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HmacAuthenticatorTest {
    private static byte[] hmac(final String secret, final byte[] nonce) throws Exception {
        final Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        return mac.doFinal(nonce);
    }

    @Test
    void shouldAcceptOnlyTheProofOfTheRightSecretOverThisNonce() throws Exception {
        final HmacAuthenticator authenticator = new HmacAuthenticator("s3cret");
        final byte[] nonce = authenticator.newNonce();
        assertEquals(HmacAuthenticator.NONCE_LENGTH, nonce.length);
        assertTrue(authenticator.verify(nonce, hmac("s3cret", nonce)));
        assertFalse(authenticator.verify(nonce, hmac("other", nonce)));
        assertFalse(authenticator.verify(authenticator.newNonce(), hmac("s3cret", nonce)), "replayed proof");
        assertFalse(authenticator.verify(nonce, new byte[0]));
    }

    @Test
    void shouldTreatAnEmptySecretAsHmacsZeroPaddedKey() throws Exception {
        final HmacAuthenticator authenticator = new HmacAuthenticator("");
        final byte[] nonce = authenticator.newNonce();
        final Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(new byte[64], "HmacSHA256"));
        assertTrue(authenticator.verify(nonce, mac.doFinal(nonce)));
    }

    @Test
    void shouldMakeFreshNoncesAndNonZeroIds() {
        final HmacAuthenticator authenticator = new HmacAuthenticator("x");
        assertNotEquals(java.util.Arrays.toString(authenticator.newNonce()),
            java.util.Arrays.toString(authenticator.newNonce()));
        for (int i = 0; i < 1000; i++) {
            assertNotEquals(0, authenticator.newId());
        }
    }
}
