package io.tkv.client;

import org.agrona.concurrent.SleepingMillisIdleStrategy;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

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
        assertEquals(List.of("127.0.0.1:20160"), ctx.storeEndpoints());
        assertEquals(10, ctx.retryBackoffInitialMs());
        assertEquals(200, ctx.retryBackoffMaxMs());
        assertEquals(500, ctx.storeSilenceTimeoutMs());
        assertEquals(1, ctx.routing().regionId());
        assertEquals(1, ctx.routing().regionConfVer());
        assertEquals(1, ctx.routing().regionVersion());
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
    void shouldTakeSeveralStoresInOrderAndDeriveEachIngressChannel() {
        final ClientConfig ctx = new ClientConfig().storeEndpoints("10.0.0.1:20160", "10.0.0.2:20161").conclude();
        assertEquals(List.of("10.0.0.1:20160", "10.0.0.2:20161"), ctx.storeEndpoints());
        assertEquals("10.0.0.1:20160", ctx.storeEndpoint(), "the first is tried first");
        assertEquals("aeron:udp?endpoint=10.0.0.1:20160", ctx.ingressChannel());
        assertEquals("aeron:udp?endpoint=10.0.0.2:20161", ctx.ingressChannelFor("10.0.0.2:20161"));
        assertEquals("aeron:udp?endpoint=10.9.9.9:1", ctx.ingressChannelFor("10.9.9.9:1"), "a hinted store too");
        assertThrows(UnsupportedOperationException.class, () -> ctx.storeEndpoints().add("x:1"));
        assertEquals(List.of("h:1"), new ClientConfig().storeEndpoint("h:1").conclude().storeEndpoints(),
            "storeEndpoint is a list of one");
    }

    @Test
    void shouldUseAnExplicitIngressChannelAsTheTemplateOfEveryStore() {
        final ClientConfig ctx = new ClientConfig().storeEndpoints(List.of("10.0.0.1:7000", "10.0.0.2:7000"))
            .ingressChannel("aeron:udp?endpoint=10.0.0.1:7000|term-length=1m").conclude();
        final String second = ctx.ingressChannelFor("10.0.0.2:7000");
        assertTrue(second.contains("endpoint=10.0.0.2:7000") && second.contains("term-length=1m"), second);
        assertEquals(List.of("10.0.0.1:7000"), new ClientConfig()
            .ingressChannel("aeron:udp?endpoint=10.0.0.1:7000").conclude().storeEndpoints(),
            "with no stores set, the channel's endpoint is the one store");
        assertTrue(new ClientConfig().ingressChannel("aeron:ipc").conclude().ingressChannelFor("x:1")
            .startsWith("aeron:ipc"));
        assertThrows(IllegalArgumentException.class, () -> new ClientConfig().storeEndpoints("a:1", "b:2")
            .ingressChannel("aeron:ipc").conclude(), "IPC reaches one store only");
    }

    @Test
    void shouldRejectInvalidStoreListsAndRetrySettings() {
        assertThrows(IllegalArgumentException.class, () -> ctx().storeEndpoints(List.of()).conclude());
        assertThrows(IllegalArgumentException.class, () -> ctx().storeEndpoints("a:1", "b:2", "a:1").conclude());
        assertThrows(IllegalArgumentException.class, () -> ctx().storeEndpoints("a:1", "b").conclude());
        assertThrows(NullPointerException.class, () -> ctx().storeEndpoints(Arrays.asList("a:1", null)).conclude());
        assertThrows(IllegalArgumentException.class, () -> ctx().retryBackoffInitialMs(0).conclude());
        assertThrows(IllegalArgumentException.class,
            () -> ctx().retryBackoffInitialMs(50).retryBackoffMaxMs(20).conclude());
        assertThrows(IllegalArgumentException.class, () -> ctx().storeSilenceTimeoutMs(0).conclude());
        assertThrows(IllegalArgumentException.class,
            () -> ctx().requestTimeoutMs(ClientConfig.MAX_REQUEST_TIMEOUT_MS + 1).conclude());
        assertThrows(IllegalStateException.class, () -> new ClientConfig().conclude().storeEndpoints("a:1"));
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
