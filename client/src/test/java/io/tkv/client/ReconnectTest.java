package io.tkv.client;

import io.tkv.codec.RawPutDecoder;
import org.agrona.CloseHelper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static io.tkv.client.StoreFixture.bytes;
import static io.tkv.client.StoreFixture.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Losing the session: UNAUTHENTICATED replies, store restarts, and requests made while reconnecting. */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class ReconnectTest {
    private static StoreFixture fixture;
    private static FakeStore store;

    @BeforeAll
    static void startStore() {
        fixture = new StoreFixture();
        store = fixture.store();
    }

    @AfterAll
    static void stopStore() {
        CloseHelper.close(fixture);
    }

    @BeforeEach
    void reset() {
        store.reset();
    }

    @Test
    void shouldReconnectAndResendOnceAfterUnauthenticated() {
        try (RawKvClient client = RawKvClient.connect(fixture.context())) {
            client.put(bytes("k"), bytes("v1"));
            store.forgetSessions();
            client.put(bytes("k"), bytes("v2"));
            assertEquals("v2", text(client.get(bytes("k"))));
            assertEquals(1, client.reconnectCount());
            assertEquals(3, store.received(RawPutDecoder.TEMPLATE_ID), "first put, rejected put, its resend");
            assertEquals(2, store.applied(), "the rejected put had no effect; its resend applied once");
        }
    }

    @Test
    void shouldResendEveryRequestInFlightWhenTheSessionIsForgotten() {
        try (RawKvClient client = RawKvClient.connect(fixture.context())) {
            client.get(bytes("warm-up"));
            store.forgetSessions();
            final List<CompletableFuture<Void>> puts = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                puts.add(client.putAsync(bytes("k" + i), bytes("v" + i)));
            }
            CompletableFuture.allOf(puts.toArray(new CompletableFuture<?>[0])).join();
            assertEquals(100, store.data().size());
            assertEquals(100, store.applied());
            assertTrue(client.reconnectCount() >= 1);
        }
    }

    @Test
    void shouldFailWhenTheStoreRefusesTheResendToo() {
        try (RawKvClient client = RawKvClient.connect(fixture.context())) {
            store.alwaysUnauthenticated(true);
            final TkvException ex = assertThrows(TkvException.class, () -> client.put(bytes("k"), bytes("v")));
            assertEquals(ErrorCode.UNAUTHENTICATED, ex.code());
            assertEquals(2, store.received(RawPutDecoder.TEMPLATE_ID), "sent, then resent exactly once");
            assertEquals(0, store.applied());
            store.alwaysUnauthenticated(false);
            Await.until("session back", client::isConnected, 5_000);
            client.put(bytes("k"), bytes("v"));
        }
    }

    @Test
    void shouldReconnectAfterTheStoreRestarts() {
        try (RawKvClient client = RawKvClient.connect(fixture.context().requestTimeoutMs(10_000))) {
            client.put(bytes("k"), bytes("before"));
            store.restart();
            Await.until("client noticed the restart", () -> !client.isConnected() || client.reconnectCount() > 0,
                5_000);
            assertEquals("before", text(client.get(bytes("k"))));
            client.put(bytes("k"), bytes("after"));
            assertEquals("after", text(client.get(bytes("k"))));
            assertTrue(client.reconnectCount() >= 1, "reconnects " + client.reconnectCount());
            assertTrue(client.isConnected());
        }
    }

    @Test
    void shouldHoldRequestsMadeWhileDisconnectedUntilTheSessionIsBack() {
        try (RawKvClient client = RawKvClient.connect(fixture.context().requestTimeoutMs(10_000))) {
            client.put(bytes("k"), bytes("v"));
            store.stop();
            Await.until("client noticed the store went away", () -> !client.isConnected(), 5_000);
            final List<CompletableFuture<byte[]>> gets = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                gets.add(client.getAsync(bytes("k")));
            }
            assertTrue(gets.stream().noneMatch(CompletableFuture::isDone), "requests wait for a session");
            assertEquals(20, client.inFlightCount());
            store.resume();
            for (final CompletableFuture<byte[]> get : gets) {
                assertEquals("v", text(get.join()));
            }
            assertEquals(1, client.reconnectCount());
        } finally {
            store.resume();
        }
    }

    @Test
    void shouldFailRequestsThatWaitedForASessionBeyondTheirTimeout() {
        try (RawKvClient client = RawKvClient.connect(fixture.context().requestTimeoutMs(300))) {
            store.stop();
            Await.until("client noticed the store went away", () -> !client.isConnected(), 5_000);
            assertThrows(TkvTimeoutException.class, () -> client.get(bytes("k")));
            assertEquals(0, client.inFlightCount());
        } finally {
            store.resume();
        }
    }

    @Test
    void shouldHandshakeAgainWhenTheStoreFallsSilent() {
        try (RawKvClient client = RawKvClient.connect(fixture.context().requestTimeoutMs(300))) {
            final int connects = store.connects();
            store.dropRequests(true);
            assertThrows(TkvTimeoutException.class, () -> client.get(bytes("k")));
            Await.until("a fresh handshake", () -> store.connects() > connects, 5_000);
            store.dropRequests(false);
            Await.until("session back", client::isConnected, 5_000);
            assertEquals(null, client.get(bytes("k")));
        }
    }
}
