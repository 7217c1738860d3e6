package io.tkv.server.system;

import io.tkv.client.ClientConfig;
import io.tkv.client.ErrorCode;
import io.tkv.client.KvPair;
import io.tkv.client.RawKvClient;
import io.tkv.client.TkvException;
import io.tkv.codec.ErrorResponseDecoder;
import io.tkv.codec.MessageHeaderDecoder;
import io.tkv.codec.MessageHeaderEncoder;
import io.tkv.codec.RawBatchPutEncoder;
import io.tkv.codec.RawBatchPutResponseDecoder;
import io.tkv.codec.Status;
import org.agrona.ExpandableDirectByteBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The exact scenario: a client whose own media driver has 16 MiB terms (so its frames may be up to 2 MiB,
 * four times what the stores can carry in a Raft frame) sends a batch put of three 256 KiB values to a three-store
 * cluster. Once, this made the leader append an entry it could never send: every later write from every client
 * timed out. Now the request is refused TOO_LARGE — by the client library, which knows the stores' limit from
 * Connected, and by the store itself for a client that sends it anyway — and the next put succeeds.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class OversizeSystemTest {
    private static final int SIXTEEN_MIB = 16 * 1024 * 1024;
    private static final int VALUE_BYTES = 256 * 1024;

    @TempDir
    Path dir;

    @Test
    void shouldRefuseABatchTooLargeToReplicateAndKeepServing() throws Exception {
        try (StoreCluster cluster = StoreCluster.of(3).in(dir).start();
             RawKvClient client = RawKvClient.connect(new ClientConfig().storeEndpoints(cluster.endpoints())
                 .clientName("oversize").embeddedDriverTermLengthBytes(SIXTEEN_MIB).requestTimeoutMs(5_000)
                 .connectTimeoutMs(20_000))) {
            final long leader = cluster.awaitLeader(30_000, cluster.all());
            final List<KvPair> pairs = List.of(pair("big-1"), pair("big-2"), pair("big-3"));
            final TkvException refused = assertThrows(TkvException.class, () -> client.batchPut(pairs));
            assertEquals(ErrorCode.TOO_LARGE, refused.code(), refused.getMessage());
            assertTrue(refused.getMessage().contains("limit"), refused.getMessage());

            // A client that does not check: the frame reaches the leader, which refuses it before it is proposed.
            try (RawSession raw = RawSession.openWithTermLength(cluster.store(leader).endpoint(), "", 10_000,
                SIXTEEN_MIB)) {
                assertEquals(Status.TOO_LARGE, sendBatchPut(raw));
            }

            client.put(bytes("after"), bytes("the next put"));
            assertArrayEquals(bytes("the next put"), client.get(bytes("after")));
            final long commit = cluster.status(leader).commit();
            for (final long id : cluster.all()) {
                cluster.awaitStatus(id, s -> s.applied() >= commit, 10_000, "applied " + commit);
            }
            for (final String key : List.of("big-1", "big-2", "big-3")) {
                assertEquals(null, client.get(bytes(key)), key + " was not written");
            }
        }
    }

    private static KvPair pair(final String key) {
        return new KvPair(bytes(key), new byte[VALUE_BYTES]);
    }

    private static Status sendBatchPut(final RawSession session) {
        final ExpandableDirectByteBuffer buffer = new ExpandableDirectByteBuffer(4 * VALUE_BYTES);
        final RawBatchPutEncoder put = new RawBatchPutEncoder().wrapAndApplyHeader(buffer, 0,
            new MessageHeaderEncoder()).correlationId(1).sessionToken(session.sessionToken()).ttlSeconds(0)
            .clientId(99).firstIncompleteId(1);
        put.region().regionId(1).confVer(1).version(1);
        final RawBatchPutEncoder.PairsEncoder entries = put.pairsCount(3);
        final byte[] value = new byte[VALUE_BYTES];
        for (int i = 1; i <= 3; i++) {
            final byte[] key = bytes("raw-big-" + i);
            entries.next().putKey(key, 0, key.length).putValue(value, 0, value.length);
        }
        final long deadline = System.currentTimeMillis() + 10_000;
        session.send(buffer, 0, MessageHeaderEncoder.ENCODED_LENGTH + put.encodedLength(), deadline);
        session.awaitReply(template -> template == RawBatchPutResponseDecoder.TEMPLATE_ID
            || template == ErrorResponseDecoder.TEMPLATE_ID, deadline);
        final MessageHeaderDecoder header = new MessageHeaderDecoder();
        if (session.lastTemplateId() == ErrorResponseDecoder.TEMPLATE_ID) {
            return new ErrorResponseDecoder().wrapAndApplyHeader(session.lastFrame(), 0, header).status();
        }
        return new RawBatchPutResponseDecoder().wrapAndApplyHeader(session.lastFrame(), 0, header).status();
    }

    private static byte[] bytes(final String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
