package io.tkv.codec.auth;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PeerFramesTest {
    private static final byte[] SECRET = "a cluster secret of some length".getBytes(StandardCharsets.UTF_8);
    private static final ClusterKey KEY = ClusterKey.fromSecret(SECRET, 7);
    private static final byte[] RAFT_KEY = KEY.streamKey(ClusterKey.Stream.RAFT);

    private final UnsafeBuffer buffer = new UnsafeBuffer(ByteBuffer.allocateDirect(4096));

    private int frame(final PeerFrameSealer sealer, final String body) {
        final byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        buffer.putBytes(0, bytes);
        return sealer.seal(buffer, 0, bytes.length);
    }

    @Test
    void shouldAcceptSealedFramesInOrderAndRefuseReplays() {
        final PeerFrameSealer sealer = new PeerFrameSealer(RAFT_KEY, 3);
        final PeerFrameVerifier verifier = new PeerFrameVerifier(RAFT_KEY);
        final int length = frame(sealer, "first frame");
        assertEquals("first frame".length() + PeerFrames.TRAILER_LENGTH, length);
        final byte[] recorded = new byte[length];
        buffer.getBytes(0, recorded);
        assertEquals(PeerFrameVerifier.OK, verifier.verify(buffer, 0, length, 2));
        assertEquals(PeerFrameVerifier.REPLAYED, verifier.verify(buffer, 0, length, 2), "the same frame again");
        final int second = frame(sealer, "second frame");
        assertEquals(PeerFrameVerifier.OK, verifier.verify(buffer, 0, second, 2));
        buffer.putBytes(0, recorded);
        assertEquals(PeerFrameVerifier.REPLAYED, verifier.verify(buffer, 0, recorded.length, 2), "an older frame");
        assertEquals(2, sealer.sequence());
    }

    @Test
    void shouldRefuseFramesOfAnEarlierIncarnationOnceANewerOneSpoke() {
        final PeerFrameVerifier verifier = new PeerFrameVerifier(RAFT_KEY);
        final PeerFrameSealer before = new PeerFrameSealer(RAFT_KEY, 4);
        final int oldLength = frame(before, "from the old process");
        final byte[] old = new byte[oldLength];
        buffer.getBytes(0, old);
        final PeerFrameSealer after = new PeerFrameSealer(RAFT_KEY, 5);
        final int newLength = frame(after, "from the restarted process");
        assertEquals(PeerFrameVerifier.OK, verifier.verify(buffer, 0, newLength, 2));
        buffer.putBytes(0, old);
        assertEquals(PeerFrameVerifier.REPLAYED, verifier.verify(buffer, 0, oldLength, 2));
    }

    @Test
    void shouldRefuseAnyFlippedBitAndAnyOtherKey() {
        final PeerFrameSealer sealer = new PeerFrameSealer(RAFT_KEY, 1);
        final int length = frame(sealer, "payload to protect");
        final byte[] sealed = new byte[length];
        buffer.getBytes(0, sealed);
        for (int i = 0; i < length; i++) {
            for (int bit = 0; bit < 8; bit++) {
                buffer.putBytes(0, sealed);
                buffer.putByte(i, (byte)(sealed[i] ^ (1 << bit)));
                assertNotEquals(PeerFrameVerifier.OK, new PeerFrameVerifier(RAFT_KEY).verify(buffer, 0, length, 2),
                    "byte " + i + " bit " + bit);
            }
        }
        buffer.putBytes(0, sealed);
        assertEquals(PeerFrameVerifier.BAD_TAG,
            new PeerFrameVerifier(KEY.streamKey(ClusterKey.Stream.SNAPSHOT)).verify(buffer, 0, length, 2));
        assertEquals(PeerFrameVerifier.BAD_TAG,
            new PeerFrameVerifier(ClusterKey.fromSecret(SECRET, 8).streamKey(ClusterKey.Stream.RAFT))
                .verify(buffer, 0, length, 2), "another cluster id");
        assertEquals(PeerFrameVerifier.BAD_TAG, new PeerFrameVerifier(null).verify(buffer, 0, length, 2));
        assertEquals(PeerFrameVerifier.TOO_SHORT, new PeerFrameVerifier(RAFT_KEY).verify(buffer, 0, 20, 2));
        assertEquals(PeerFrameVerifier.OK, new PeerFrameVerifier(RAFT_KEY).verify(buffer, 0, length, 2));
    }

    @Test
    void shouldTrackSendersApart() {
        final PeerFrameVerifier verifier = new PeerFrameVerifier(RAFT_KEY);
        final int length = frame(new PeerFrameSealer(RAFT_KEY, 1), "same bytes");
        assertEquals(PeerFrameVerifier.OK, verifier.verify(buffer, 0, length, 2));
        assertEquals(PeerFrameVerifier.OK, verifier.verify(buffer, 0, length, 3), "another sender's window");
    }

    @Test
    void shouldMacHeapAndDirectBuffersAlike() {
        final byte[] data = new byte[10_000];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte)(i * 31);
        }
        final HmacSha256 hmac = new HmacSha256(RAFT_KEY);
        final byte[] expected = hmac.mac(data);
        final UnsafeBuffer heap = new UnsafeBuffer(new byte[data.length + 10], 5, data.length);
        heap.putBytes(0, data);
        final byte[] fromHeap = new byte[HmacSha256.LENGTH];
        hmac.update(heap, 0, data.length);
        hmac.finish(fromHeap, 0);
        final UnsafeBuffer direct = new UnsafeBuffer(ByteBuffer.allocateDirect(data.length));
        direct.putBytes(0, data);
        final byte[] fromDirect = new byte[HmacSha256.LENGTH];
        hmac.update(direct, 0, data.length);
        hmac.finish(fromDirect, 0);
        assertArrayEquals(expected, fromHeap);
        assertArrayEquals(expected, fromDirect);
    }

    @Test
    void shouldMatchTheJdksHmacAndRfc4231() throws Exception {
        // RFC 4231 test case 2 and a key longer than a block (hashed first), against javax.crypto.
        assertArrayEquals(java.util.HexFormat.of().parseHex(
                "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"),
            new HmacSha256("Jefe".getBytes(StandardCharsets.US_ASCII))
                .mac("what do ya want for nothing?".getBytes(StandardCharsets.US_ASCII)));
        for (final int keyLength : new int[] {0, 1, 32, 64, 65, 200}) {
            final byte[] key = new byte[keyLength];
            java.util.Arrays.fill(key, (byte)keyLength);
            final javax.crypto.Mac jdk = javax.crypto.Mac.getInstance("HmacSHA256");
            jdk.init(new javax.crypto.spec.SecretKeySpec(keyLength == 0 ? new byte[1] : key, "HmacSHA256"));
            final HmacSha256 ours = new HmacSha256(key);
            for (int round = 0; round < 3; round++) {
                final byte[] message = ("message " + round + " under a key of " + keyLength)
                    .getBytes(StandardCharsets.UTF_8);
                assertArrayEquals(jdk.doFinal(message), ours.mac(message), "key " + keyLength + " round " + round);
            }
        }
    }

    @Test
    void shouldRefuseShortSecretsAndSendingWithoutOne() {
        assertThrows(IllegalArgumentException.class, () -> ClusterKey.fromSecret(new byte[8], 1));
        assertFalse(ClusterKey.NONE.isSet());
        assertThrows(IllegalStateException.class, () -> ClusterKey.NONE.streamKey(ClusterKey.Stream.RAFT));
        assertTrue(KEY.hasSecret(SECRET));
        assertThrows(IllegalArgumentException.class, () -> new PeerFrameSealer(RAFT_KEY, 0));
    }
}
