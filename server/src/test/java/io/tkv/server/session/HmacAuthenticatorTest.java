package io.tkv.server.session;

import org.junit.jupiter.api.Test;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;

import static io.tkv.server.session.HmacAuthenticator.Role.ADMIN;
import static io.tkv.server.session.HmacAuthenticator.Role.CLIENT;
import static io.tkv.server.session.HmacAuthenticator.Role.NONE;
import static io.tkv.server.session.HmacAuthenticator.Role.STORE;
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
    void shouldOpenAStoreSessionForTheClusterSecretOnlyWhereOneIsGiven() throws Exception {
        final HmacAuthenticator pd = new HmacAuthenticator("client-secret", "admin-secret", "cluster-secret-16+");
        final byte[] nonce = pd.newNonce();
        final byte[] clientKey = new byte[32];
        clientKey[0] = 7;
        final byte[] message = new byte[nonce.length + clientKey.length];
        System.arraycopy(nonce, 0, message, 0, nonce.length);
        System.arraycopy(clientKey, 0, message, nonce.length, clientKey.length);
        assertEquals(STORE, pd.verify(nonce, clientKey, hmac("cluster-secret-16+", message)));
        assertEquals(STORE, pd.verify(nonce, hmac("cluster-secret-16+", nonce)));
        assertEquals(ADMIN, pd.verify(nonce, hmac("admin-secret", nonce)));
        assertEquals(CLIENT, pd.verify(nonce, hmac("client-secret", nonce)));
        assertEquals(NONE, pd.verify(nonce, clientKey, hmac("cluster-secret-16+", nonce)), "proof without the key");
        // A store's own authenticator (two secrets, as StoreNode builds it) opens no store session.
        final HmacAuthenticator store = new HmacAuthenticator("client-secret", "admin-secret");
        assertEquals(NONE, store.verify(nonce, hmac("cluster-secret-16+", nonce)));
        final HmacAuthenticator noCluster = new HmacAuthenticator("client-secret", "admin-secret", "");
        assertEquals(NONE, noCluster.verify(nonce, hmac("", nonce)), "an empty cluster secret opens nothing");
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
