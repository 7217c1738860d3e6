package io.tkv.server.system;

import io.aeron.Aeron;
import io.aeron.ExclusivePublication;
import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;
import io.tkv.client.ClientConfig;
import io.tkv.client.RawKvClient;
import io.tkv.codec.BooleanType;
import io.tkv.codec.MessageHeaderEncoder;
import io.tkv.codec.SnapshotChunkRequestEncoder;
import io.tkv.codec.SnapshotDoneEncoder;
import io.tkv.codec.auth.ClusterKey;
import io.tkv.codec.auth.PeerFrameSealer;
import io.tkv.raft.core.ConfState;
import io.tkv.raft.core.Entry;
import io.tkv.raft.core.EntryType;
import io.tkv.raft.core.MessageType;
import io.tkv.raft.core.RaftMessage;
import io.tkv.raft.core.Snapshot;
import io.tkv.raft.transport.RaftCodec;
import org.agrona.CloseHelper;
import org.agrona.concurrent.SleepingMillisIdleStrategy;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An outsider who can send UDP to the stores' ports but holds no secret forges every kind of store-to-store frame —
 * heartbeats and votes with huge terms, appends that would commit a tail, TIMEOUT_NOW, a snapshot, snapshot chunk
 * requests and SnapshotDone, as a member and as a store of no cluster, unsealed and sealed under a guessed key —
 * at all three stores while a client writes. The cluster keeps committing, no store's term or leader moves, and
 * every store counts what it refused (StoreStatus, as {@code tkv-ctl status} prints it).
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class PeerAuthSystemTest {
    private static final long HUGE_TERM = 1L << 40;
    private static final long CLUSTER_ID = 1;

    @TempDir
    Path dir;

    @Test
    void shouldIgnoreForgedStoreToStoreFramesWhileTheClusterKeepsCommitting() throws Exception {
        try (StoreCluster cluster = StoreCluster.of(3).in(dir).start();
             Outsider outsider = new Outsider(cluster.endpoints());
             RawKvClient kv = RawKvClient.connect(new ClientConfig().storeEndpoints(cluster.endpoints())
                 .clientName("writer").requestTimeoutMs(5_000).connectTimeoutMs(20_000))) {
            final long leader = cluster.awaitLeader(30_000, cluster.all());
            kv.put(bytes("warm"), bytes("up"));
            final long[] terms = new long[4];
            for (long id = 1; id <= 3; id++) {
                terms[(int)id] = cluster.status(id).term();
            }

            final AtomicBoolean stop = new AtomicBoolean();
            final AtomicLong writes = new AtomicLong();
            final AtomicLong failures = new AtomicLong();
            final Thread writer = new Thread(() -> {
                while (!stop.get()) {
                    try {
                        kv.put(bytes("k" + writes.get() % 16), bytes("v" + writes.get()));
                        writes.incrementAndGet();
                    } catch (final RuntimeException ex) {
                        failures.incrementAndGet();
                    }
                }
            }, "writer");
            writer.start();
            final long floodEnd = System.nanoTime() + TimeUnit.SECONDS.toNanos(4);
            int rounds = 0;
            while (System.nanoTime() < floodEnd) {
                outsider.forgeRound(rounds++);
                TimeUnit.MILLISECONDS.sleep(5);
            }
            final long writesDuringFlood = writes.get();
            TimeUnit.MILLISECONDS.sleep(500);
            stop.set(true);
            writer.join(10_000);

            assertEquals(0, failures.get(), "writes failed while the outsider forged frames");
            assertTrue(writesDuringFlood > 20, "the cluster kept committing: " + writesDuringFlood + " writes");
            assertEquals(leader, cluster.awaitLeader(5_000, cluster.all()), "the leader did not change");
            for (long id = 1; id <= 3; id++) {
                final AdminFrames.RegionStatus status = cluster.status(id);
                assertEquals(terms[(int)id], status.term(), "store " + id + "'s term moved: " + status);
                final AdminFrames.Refused refused = status.refused();
                assertTrue(refused.unauthenticated() >= rounds, "store " + id + " counted forged frames: " + refused);
                // Four forged frames a round reach each store; the first rounds go before the publications connect.
                assertTrue(refused.notMember() >= rounds / 2, "store " + id + " counted non-member frames: "
                    + refused);
            }
            assertEquals("v" + (writes.get() - 1), new String(kv.get(bytes("k" + (writes.get() - 1) % 16)),
                StandardCharsets.UTF_8));
        }
    }

    private static byte[] bytes(final String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /** Publications to every store's Raft and snapshot streams, from a media driver of the test's own. */
    private static final class Outsider implements AutoCloseable {
        private final MediaDriver driver;
        private final Aeron aeron;
        private final List<ExclusivePublication> raft = new ArrayList<>();
        private final List<ExclusivePublication> snapshot = new ArrayList<>();
        private final UnsafeBuffer frame = new UnsafeBuffer(ByteBuffer.allocateDirect(64 * 1024));
        private final RaftCodec codec = new RaftCodec();
        private final MessageHeaderEncoder header = new MessageHeaderEncoder();
        private final PeerFrameSealer guessedRaft;
        private final PeerFrameSealer guessedSnapshot;

        Outsider(final List<String> endpoints) {
            final String dir = "/dev/shm/tkv-outsider-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
            driver = MediaDriver.launch(new MediaDriver.Context().aeronDirectoryName(dir)
                .threadingMode(ThreadingMode.SHARED).sharedIdleStrategy(new SleepingMillisIdleStrategy(1))
                .publicationTermBufferLength(1 << 20).dirDeleteOnStart(true).dirDeleteOnShutdown(true));
            aeron = Aeron.connect(new Aeron.Context().aeronDirectoryName(dir));
            for (final String endpoint : endpoints) {
                raft.add(aeron.addExclusivePublication("aeron:udp?endpoint=" + endpoint + "|term-length=1m", 1002));
                snapshot.add(aeron.addExclusivePublication("aeron:udp?endpoint=" + endpoint + "|term-length=1m",
                    1003));
            }
            final ClusterKey guess = ClusterKey.fromSecret(bytes("the secret is probably this one"), CLUSTER_ID);
            guessedRaft = new PeerFrameSealer(guess.streamKey(ClusterKey.Stream.RAFT), 1);
            guessedSnapshot = new PeerFrameSealer(guess.streamKey(ClusterKey.Stream.SNAPSHOT), 1);
        }

        /** One frame of each kind to every store, "from" another member and from a store of no cluster. */
        void forgeRound(final int round) {
            for (int i = 0; i < raft.size(); i++) {
                final long to = i + 1;
                final long from = to % 3 + 1;
                final List<RaftMessage> messages = List.of(
                    message(MessageType.HEARTBEAT, from, to, List.of()),
                    message(MessageType.APPEND, from, to,
                        List.of(new Entry(1_000_000, HUGE_TERM, EntryType.NORMAL, bytes("forged")))),
                    message(MessageType.VOTE, from, to, List.of()),
                    message(MessageType.PRE_VOTE, from, to, List.of()),
                    message(MessageType.TIMEOUT_NOW, from, to, List.of()));
                final int batch = codec.encodeBatch(frame, 0, CLUSTER_ID, from, to, messages, 0, messages.size());
                offer(raft.get(i), round % 2 == 0 ? batch : guessedRaft.seal(frame, 0, batch));
                final int stranger = codec.encodeBatch(frame, 0, CLUSTER_ID, 9, to, messages, 0, 1);
                offer(raft.get(i), guessedRaft.seal(frame, 0, stranger));
                final RaftMessage snapshotMessage = new RaftMessage(MessageType.SNAPSHOT, 1, from, to, HUGE_TERM, 0, 0,
                    0, false, 0, 0, List.of(), new Snapshot(1_000_000, HUGE_TERM, ConfState.ofVoters(1, 2, 3),
                    bytes("forged snapshot")));
                final int snap = codec.encodeSnapshot(frame, 0, CLUSTER_ID, from, to, snapshotMessage);
                offer(raft.get(i), round % 2 == 0 ? snap : guessedRaft.seal(frame, 0, snap));
                final int request = new SnapshotChunkRequestEncoder().wrapAndApplyHeader(frame, 0, header)
                    .clusterId(CLUSTER_ID).fromStoreId(from).toStoreId(to).snapshotId(round).regionId(1)
                    .fileOffset(0).length(1024).fileName("default.sst").encodedLength()
                    + MessageHeaderEncoder.ENCODED_LENGTH;
                offer(snapshot.get(i), round % 2 == 0 ? request : guessedSnapshot.seal(frame, 0, request));
                final int done = new SnapshotDoneEncoder().wrapAndApplyHeader(frame, 0, header)
                    .clusterId(CLUSTER_ID).fromStoreId(from).toStoreId(to).snapshotId(round).regionId(1).peerId(from)
                    .ok(BooleanType.TRUE).encodedLength() + MessageHeaderEncoder.ENCODED_LENGTH;
                offer(snapshot.get(i), round % 2 == 0 ? done : guessedSnapshot.seal(frame, 0, done));
            }
        }

        private static RaftMessage message(final MessageType type, final long from, final long to,
            final List<Entry> entries) {
            return new RaftMessage(type, 1, from, to, HUGE_TERM, HUGE_TERM, 999_999, 1_000_000, false, 0, 0, entries,
                null);
        }

        private void offer(final ExclusivePublication publication, final int length) {
            // Not connected yet, or back-pressured: the outsider just tries again next round.
            publication.offer(frame, 0, length);
        }

        @Override
        public void close() {
            CloseHelper.closeAll(aeron, driver);
        }
    }
}
