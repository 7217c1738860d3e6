package io.tkv.server.system;

import io.tkv.client.ClientConfig;
import io.tkv.client.ErrorCode;
import io.tkv.client.RawKvClient;
import io.tkv.client.RegionChecksum;
import io.tkv.client.TkvException;
import io.tkv.codec.ErrorResponseDecoder;
import io.tkv.codec.MessageHeaderDecoder;
import io.tkv.codec.MessageHeaderEncoder;
import io.tkv.codec.RawPutEncoder;
import io.tkv.codec.RawPutResponseDecoder;
import io.tkv.codec.Status;
import org.agrona.ExpandableDirectByteBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Who may do what on a real store: admin requests need the admin secret (a client session is refused
 * UNAUTHENTICATED and nothing happens), a session writes only under its own client id (so no client can make
 * another's writes look stale), and a store that would listen beyond loopback without a client secret refuses to
 * start.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class AccessSystemTest {
    private static final String CLIENT_SECRET = "the client secret";
    private static final String ADMIN_SECRET = "the admin secret";

    @TempDir
    Path dir;

    private StoreProcess start() throws Exception {
        final Path client = Files.writeString(dir.resolve("client.secret"), CLIENT_SECRET);
        final Path admin = Files.writeString(dir.resolve("admin.secret"), ADMIN_SECRET);
        return new StoreProcess(dir.resolve("data"), StoreProcess.freePort(), "--secret-file", client.toString(),
            "--admin-secret-file", admin.toString()).start();
    }

    private static RawKvClient client(final StoreProcess store, final String secret) {
        return RawKvClient.connect(new ClientConfig().storeEndpoint(store.endpoint()).secret(secret)
            .clientName("access-test").requestTimeoutMs(5_000).connectTimeoutMs(20_000));
    }

    private static byte[] b(final String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void shouldServeAdminRequestsToAdminSessionsOnly() throws Exception {
        try (StoreProcess store = start();
             RawKvClient client = client(store, CLIENT_SECRET);
             RawKvClient admin = client(store, ADMIN_SECRET)) {
            client.put(b("k"), b("v"));
            assertEquals(ErrorCode.UNAUTHENTICATED, assertThrows(TkvException.class, client::storeStatus).code());
            assertEquals(ErrorCode.UNAUTHENTICATED,
                assertThrows(TkvException.class, () -> client.transferLeader(1, 1)).code());
            assertEquals(ErrorCode.UNAUTHENTICATED,
                assertThrows(TkvException.class, () -> client.injectFault(true)).code());
            assertEquals(ErrorCode.UNAUTHENTICATED,
                assertThrows(TkvException.class, () -> client.regionChecksum(1)).code());

            assertEquals(1, admin.storeStatus().storeId());
            final RegionChecksum sum = admin.regionChecksum(1);
            assertTrue(sum.keys() > 0, sum.toString());
            assertEquals(admin.storeStatus().regions().get(0).appliedIndex(), sum.appliedIndex());
            assertArrayEquals(b("v"), admin.get(b("k")), "an admin session reads and writes too");
            assertEquals(ErrorCode.UNAUTHENTICATED, assertThrows(TkvException.class,
                () -> client(store, "neither secret")).code());
        }
    }

    @Test
    void shouldServeWritesOnlyUnderTheSessionsOwnClientId() throws Exception {
        try (StoreProcess store = start();
             RawKvClient victim = client(store, CLIENT_SECRET);
             RawSession attacker = RawSession.open(store.endpoint(), CLIENT_SECRET, 10_000)) {
            victim.put(b("mine"), b("v1"));
            final long victimId = victim.clientId();

            // The attacker's session binds to the first id it writes under; then it tries the victim's, with a
            // first-incomplete id far ahead, which would make every later write of the victim look stale.
            assertEquals(Status.OK, put(attacker, 42, 1, 1, "theirs"));
            assertEquals(Status.UNAUTHENTICATED, put(attacker, victimId, 2, Long.MAX_VALUE / 2, "mine"));
            assertEquals(Status.UNAUTHENTICATED, put(attacker, 43, 3, 3, "mine"));

            victim.put(b("mine"), b("v2"));
            assertArrayEquals(b("v2"), victim.get(b("mine")), "the victim's writes still apply");
            assertArrayEquals(b("x"), victim.get(b("theirs")), "the attacker's write under its own id applied");
        }
    }

    @Test
    void shouldRefuseToListenBeyondLoopbackWithoutAClientSecret() throws Exception {
        final StoreProcess store = new StoreProcess(dir.resolve("open"), "0.0.0.0", StoreProcess.freePort(),
            java.util.List.of());
        store.launch();
        assertNotEquals(0, store.awaitExit(60));
        assertTrue(store.output().contains("--secret-file"), store.output());
    }

    private static Status put(
        final RawSession session, final long clientId, final long correlationId, final long firstIncomplete,
        final String key) {
        final ExpandableDirectByteBuffer buffer = new ExpandableDirectByteBuffer(256);
        final RawPutEncoder put = new RawPutEncoder().wrapAndApplyHeader(buffer, 0, new MessageHeaderEncoder())
            .correlationId(correlationId).sessionToken(session.sessionToken()).ttlSeconds(0).clientId(clientId)
            .firstIncompleteId(firstIncomplete);
        put.region().regionId(1).confVer(1).version(1);
        put.putKey(b(key), 0, key.length()).putValue(b("x"), 0, 1);
        final long deadline = System.currentTimeMillis() + 10_000;
        session.send(buffer, 0, MessageHeaderEncoder.ENCODED_LENGTH + put.encodedLength(), deadline);
        session.awaitReply(template -> template == RawPutResponseDecoder.TEMPLATE_ID
            || template == ErrorResponseDecoder.TEMPLATE_ID, deadline);
        final MessageHeaderDecoder header = new MessageHeaderDecoder();
        if (session.lastTemplateId() == ErrorResponseDecoder.TEMPLATE_ID) {
            return new ErrorResponseDecoder().wrapAndApplyHeader(session.lastFrame(), 0, header).status();
        }
        return new RawPutResponseDecoder().wrapAndApplyHeader(session.lastFrame(), 0, header).status();
    }
}
