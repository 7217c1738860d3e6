package io.tkv.client;

import io.tkv.codec.Status;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

import static io.tkv.client.StoreFixture.bytes;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The small value types: pairs, CAS results, status mapping, HMAC proof, limits. */
class ValueTypesTest {
    @Test
    void kvPairShouldBeAnImmutableValue() {
        final byte[] key = bytes("k");
        final KvPair pair = new KvPair(key, bytes("v"));
        key[0] = 'x';
        pair.key()[0] = 'y';
        assertEquals(KvPair.of("k", "v"), pair);
        assertEquals(KvPair.of("k", "v").hashCode(), pair.hashCode());
        assertNotEquals(KvPair.of("k", "w"), pair);
        assertEquals("KvPair{key=\"k\", value=\"v\"}", pair.toString());
        assertEquals("KvPair{key=0x00ff, value=\"\"}", new KvPair(new byte[] {0, -1}, new byte[0]).toString());
        assertThrows(NullPointerException.class, () -> new KvPair(null, new byte[0]));
    }

    @Test
    void casResultShouldBeAnImmutableValue() {
        final CasResult result = new CasResult(false, bytes("old"));
        result.previousValue()[0] = 'x';
        assertEquals(new CasResult(false, bytes("old")), result);
        assertNotEquals(new CasResult(true, bytes("old")), result);
        assertNull(new CasResult(true, null).previousValue());
        assertEquals("CasResult{swapped=true, previousValue=null}", new CasResult(true, null).toString());
    }

    @Test
    void everyWireErrorStatusShouldHaveAnErrorCodeOfTheSameName() {
        for (final Status status : Status.values()) {
            if (status != Status.OK && status != Status.NULL_VAL) {
                assertEquals(status.name(), Statuses.toErrorCode(status).name());
            }
        }
        assertEquals(ErrorCode.UNKNOWN_STATUS, Statuses.toErrorCode(Statuses.status((short)200)));
    }

    @Test
    void hmacProofShouldMatchRfc4231() {
        // RFC 4231 case 2 with the message split into nonce and client key: the proof is HMAC(secret, nonce || key).
        final HmacProof proof = new HmacProof("Jefe".getBytes(StandardCharsets.US_ASCII),
            " for nothing?".getBytes(StandardCharsets.US_ASCII));
        assertArrayEquals(HexFormat.of().parseHex("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"),
            proof.prove("what do ya want".getBytes(StandardCharsets.US_ASCII)));
        assertArrayEquals(HexFormat.of().parseHex("b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad"),
            new HmacProof(new byte[0], new byte[0]).prove(new byte[0]), "an empty secret is the empty HMAC key");
    }

    @Test
    void sessionLimitsShouldCheckAgainstTheStoresLimits() {
        final SessionLimits limits = new SessionLimits(4, 8, 2, 10, 0);
        assertNull(limits.checkKey(new byte[4]));
        assertEquals(ErrorCode.TOO_LARGE, limits.checkKey(new byte[5]).code());
        assertEquals(ErrorCode.TOO_LARGE, limits.checkValue(new byte[9]).code());
        assertEquals(ErrorCode.TOO_LARGE, limits.checkBatch(3).code());
        assertEquals(10, limits.scanPage(25));
        assertEquals(3, limits.scanPage(3));
        assertNull(SessionLimits.NONE.checkKey(new byte[1 << 20]));
        assertEquals(ErrorCode.TOO_LARGE, SessionLimits.NONE.checkBatch(70_000).code());
    }

    @Test
    void exceptionsShouldCarryTheirCodeAndRethrowWithTheOriginalAsCause() {
        final TkvException ex = new TkvException(ErrorCode.SERVER_BUSY, "queue full");
        assertEquals("SERVER_BUSY: queue full", ex.getMessage());
        final TkvException copy = ex.rethrowable();
        assertEquals(ex.getMessage(), copy.getMessage());
        assertEquals(ex, copy.getCause());
        final TkvException timeout = new TkvTimeoutException("slow").rethrowable();
        assertEquals(TkvTimeoutException.class, timeout.getClass());
        assertEquals(ErrorCode.TIMEOUT, timeout.code());
        assertEquals("TIMEOUT: slow", timeout.getMessage());
    }
}
