package io.tkv.client;

import io.tkv.codec.RawGetDecoder;
import org.agrona.CloseHelper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.File;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.util.concurrent.TimeUnit;

import static io.tkv.client.StoreFixture.bytes;
import static io.tkv.client.StoreFixture.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Connecting: the HMAC handshake, a wrong secret, no store at all, and the embedded media driver. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class HandshakeTest {
    private static StoreFixture fixture;

    @BeforeAll
    static void startStore() {
        fixture = new StoreFixture();
    }

    @AfterAll
    static void stopStore() {
        CloseHelper.close(fixture);
    }

    @Test
    void shouldOpenASessionWithTheRightSecret() {
        fixture.store().reset();
        try (RawKvClient client = RawKvClient.connect(fixture.context().secret("s3cret"))) {
            assertTrue(client.isConnected());
            assertEquals(1, fixture.store().connects());
            client.put(bytes("k"), bytes("v"));
            assertEquals("v", text(client.get(bytes("k"))));
            assertEquals(0, client.reconnectCount());
        }
    }

    @Test
    void shouldRefuseAWrongSecret() {
        final ClientConfig ctx = fixture.context().secret("wrong");
        final long start = System.nanoTime();
        final TkvException ex = assertThrows(TkvException.class, () -> RawKvClient.connect(ctx));
        assertEquals(ErrorCode.UNAUTHENTICATED, ex.code());
        assertTrue(ex.getMessage().contains("wrong secret"), ex.getMessage());
        assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(4), "refused promptly");
    }

    @Test
    void shouldTimeOutWhenNoStoreListens() throws Exception {
        final int port;
        try (DatagramSocket socket = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        final ClientConfig ctx = fixture.context().storeEndpoint("127.0.0.1:" + port).connectTimeoutMs(500);
        final long start = System.nanoTime();
        final TkvTimeoutException ex = assertThrows(TkvTimeoutException.class, () -> RawKvClient.connect(ctx));
        final long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertEquals(ErrorCode.TIMEOUT, ex.code());
        assertTrue(ex.getMessage().contains("is the store running?"), ex.getMessage());
        assertTrue(tookMs >= 450 && tookMs < 5_000, "took " + tookMs + " ms");
    }

    @Test
    void shouldRunWithAnEmbeddedMediaDriverAndDeleteItsDirectory() {
        final ClientConfig ctx = fixture.context().aeronDirectoryName(null)
            .embeddedDriverTermLengthBytes(1024 * 1024);
        final String directory;
        try (RawKvClient client = RawKvClient.connect(ctx)) {
            directory = ctx.embeddedAeronDirectoryName();
            assertNotNull(directory);
            assertTrue(new File(directory).isDirectory(), directory);
            client.put(bytes("embedded"), bytes("yes"));
            assertEquals("yes", text(client.get(bytes("embedded"))));
        }
        assertFalse(new File(directory).exists(), directory + " deleted");
    }

    @Test
    void shouldNotDependOnTheEgressPortBeingKnownInAdvance() {
        fixture.store().reset();
        try (RawKvClient a = RawKvClient.connect(fixture.context().clientName("a"));
            RawKvClient b = RawKvClient.connect(fixture.context().clientName("b"))) {
            a.put(bytes("from"), bytes("a"));
            assertEquals("a", text(b.get(bytes("from"))));
            assertEquals(1, fixture.store().received(RawGetDecoder.TEMPLATE_ID));
        }
    }
}
