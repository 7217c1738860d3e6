package io.tkv.server.session;

import org.junit.jupiter.api.Test;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;

import static io.tkv.server.session.HmacAuthenticator.Role.ADMIN;
import static io.tkv.server.session.HmacAuthenticator.Role.CLIENT;
import static io.tkv.server.session.HmacAuthenticator.Role.NONE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

class HmacAuthenticatorTest {
    private static byte[] hmac(final String secret, final byte[] nonce) throws Exception {
        final Mac mac = Mac.getInstance("HmacSHA256");
        final byte[] key = secret.getBytes(StandardCharsets.UTF_8);
        mac.init(new SecretKeySpec(key.length == 0 ? new byte[1] : key, "HmacSHA256"));
        return mac.doFinal(nonce);
    }

    @Test
    void shouldAcceptOnlyTheProofOfTheRightSecretOverThisNonce() throws Exception {
        final HmacAuthenticator authenticator = new HmacAuthenticator("s3cret");
        final byte[] nonce = authenticator.newNonce();
        assertEquals(HmacAuthenticator.NONCE_LENGTH, nonce.length);
        assertEquals(CLIENT, authenticator.verify(nonce, hmac("s3cret", nonce)));
        assertEquals(NONE, authenticator.verify(nonce, hmac("other", nonce)));
        assertEquals(NONE, authenticator.verify(authenticator.newNonce(), hmac("s3cret", nonce)), "replayed proof");
        assertEquals(NONE, authenticator.verify(nonce, new byte[0]));
    }

    @Test
    void shouldOpenAnAdminSessionForTheAdminSecretOnly() throws Exception {
        final HmacAuthenticator authenticator = new HmacAuthenticator("client-secret", "admin-secret");
        final byte[] nonce = authenticator.newNonce();
        assertEquals(ADMIN, authenticator.verify(nonce, hmac("admin-secret", nonce)));
        assertEquals(CLIENT, authenticator.verify(nonce, hmac("client-secret", nonce)));
        assertEquals(NONE, authenticator.verify(nonce, hmac("", nonce)));
        final HmacAuthenticator noAdmin = new HmacAuthenticator("client-secret", "");
        assertEquals(NONE, noAdmin.verify(nonce, hmac("", nonce)), "an empty admin secret opens nothing");
    }

    @Test
    void shouldTreatAnEmptySecretAsHmacsZeroPaddedKey() throws Exception {
        final HmacAuthenticator authenticator = new HmacAuthenticator("");
        final byte[] nonce = authenticator.newNonce();
        final Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(new byte[64], "HmacSHA256"));
        assertEquals(CLIENT, authenticator.verify(nonce, mac.doFinal(nonce)));
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
