package io.tkv.client;

import org.agrona.concurrent.SleepingMillisIdleStrategy;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Defaults, derivation and validation of the client configuration. */
class ClientConfigTest {
    @Test
    void shouldHaveDocumentedDefaults() {
        final ClientConfig ctx = new ClientConfig().conclude();
        assertEquals("127.0.0.1:20160", ctx.storeEndpoint());
        assertEquals("aeron:udp?endpoint=127.0.0.1:20160", ctx.ingressChannel());
        assertEquals(1001, ctx.ingressStreamId());
        assertEquals("aeron:udp?endpoint=127.0.0.1:0", ctx.egressChannel());
        assertEquals(1002, ctx.egressStreamId());
        assertEquals(5_000, ctx.requestTimeoutMs());
        assertEquals(10_000, ctx.connectTimeoutMs());
        assertEquals(1024, ctx.maxInFlight());
        assertEquals(1, ctx.regionId());
        assertEquals(1, ctx.regionConfVer());
        assertEquals(1, ctx.regionVersion());
        assertArrayEquals(new byte[0], ctx.secret());
        assertNull(ctx.aeronDirectoryName());
        assertTrue(ctx.embeddedAeronDirectoryName().contains("tkv-client-" + ProcessHandle.current().pid()));
        assertTrue(ctx.clientName().startsWith("tkv-client-"));
    }

    @Test
    void shouldKeepAnExplicitIngressChannelAndIdleStrategy() {
        final ClientConfig ctx = new ClientConfig()
            .ingressChannel("aeron:udp?endpoint=10.0.0.1:7000|term-length=1m")
            .idleStrategySupplier(() -> new SleepingMillisIdleStrategy(1))
            .aeronDirectoryName("/dev/shm/elsewhere")
            .conclude();
        assertEquals("aeron:udp?endpoint=10.0.0.1:7000|term-length=1m", ctx.ingressChannel());
        assertInstanceOf(SleepingMillisIdleStrategy.class, ctx.idleStrategySupplier().get());
        assertNull(ctx.embeddedAeronDirectoryName());
    }

    @Test
    void shouldRejectInvalidSettings() {
        assertThrows(IllegalArgumentException.class, () -> ctx().storeEndpoint("nohost").conclude());
        assertThrows(IllegalArgumentException.class, () -> ctx().storeEndpoint("h:99999").conclude());
        assertThrows(IllegalArgumentException.class, () -> ctx().storeEndpoint("h:x").conclude());
        assertThrows(IllegalArgumentException.class, () -> ctx().egressChannel("udp://x").conclude());
        assertThrows(IllegalArgumentException.class, () -> new ClientConfig().requestTimeoutMs(0).conclude());
        assertThrows(IllegalArgumentException.class, () -> new ClientConfig().maxInFlight(0).conclude());
        assertThrows(IllegalArgumentException.class,
            () -> new ClientConfig().embeddedDriverTermLengthBytes(3_000_000).conclude());
    }

    private static ClientConfig ctx() {
        return new ClientConfig();
    }

    @Test
    void shouldConfigureOneClientOnly() {
        final ClientConfig ctx = new ClientConfig().conclude();
        assertThrows(IllegalStateException.class, ctx::conclude);
        assertThrows(IllegalStateException.class, () -> ctx.requestTimeoutMs(1));
    }

    @Test
    void shouldCopyTheSecret() {
        final byte[] secret = {1, 2, 3};
        final ClientConfig ctx = new ClientConfig().secret(secret);
        secret[0] = 9;
        ctx.secret()[1] = 9;
        assertArrayEquals(new byte[] {1, 2, 3}, ctx.secret());
        assertArrayEquals("pw".getBytes(java.nio.charset.StandardCharsets.UTF_8),
            new ClientConfig().secret("pw").secret());
    }
}
