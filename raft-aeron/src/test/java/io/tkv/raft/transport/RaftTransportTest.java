package io.tkv.raft.transport;

import io.aeron.Aeron;
import io.aeron.Subscription;
import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;
import io.tkv.raft.core.Entry;
import io.tkv.raft.core.EntryType;
import io.tkv.raft.core.MessageType;
import io.tkv.raft.core.RaftMessage;
import org.agrona.CloseHelper;
import org.agrona.IoUtil;
import org.agrona.concurrent.SleepingMillisIdleStrategy;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** Two stores' transports in one JVM, over a real media driver and UDP on 127.0.0.1. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RaftTransportTest {
    private static final long CLUSTER = 42;
    private static final int TERM_LENGTH = 1024 * 1024;

    private File aeronDir;
    private MediaDriver driver;
    private Aeron aeron;
    private String store2Endpoint;
    private Subscription store2Subscription;
    private RaftAdapter store2Adapter;
    private final TransportCounters counters1 = TestCounters.create();
    private final TransportCounters counters2 = TestCounters.create();
    private final PartitionFaults faults1 = new PartitionFaults();
    private final List<RaftMessage> dropped = new ArrayList<>();
    private final List<RaftMessage> received = new ArrayList<>();
    private RaftTransport store1;

    @BeforeEach
    void start() {
        aeronDir = new File("/dev/shm/tkv-raft-transport-test-" + ProcessHandle.current().pid() + "-"
            + System.nanoTime());
        driver = MediaDriver.launch(new MediaDriver.Context()
            .aeronDirectoryName(aeronDir.getPath())
            .threadingMode(ThreadingMode.SHARED)
            .sharedIdleStrategy(new SleepingMillisIdleStrategy(1))
            .publicationTermBufferLength(TERM_LENGTH)
            .ipcTermBufferLength(TERM_LENGTH)
            .termBufferSparseFile(true)
            .dirDeleteOnStart(true)
            .dirDeleteOnShutdown(true));
        aeron = Aeron.connect(new Aeron.Context().aeronDirectoryName(aeronDir.getPath()));
        store2Endpoint = "127.0.0.1:" + freeUdpPort();
        final RaftTransportConfig config2 = new RaftTransportConfig().clusterId(CLUSTER).storeId(2)
            .termLengthBytes(TERM_LENGTH).clusterKey(TestKeys.key(CLUSTER));
        store2Subscription = aeron.addSubscription("aeron:udp?endpoint=" + store2Endpoint, config2.streamId());
        store2Adapter = new RaftAdapter(store2Subscription, config2, store -> store == 1, TransportFaults.NONE,
            counters2);
        store1 = transport(new RaftTransportConfig().clusterId(CLUSTER).storeId(1).termLengthBytes(TERM_LENGTH)
            .maxFrameBytes(64 * 1024).clusterKey(TestKeys.key(CLUSTER)));
        store1.addStore(2, store2Endpoint);
    }

    private RaftTransport transport(final RaftTransportConfig config) {
        return new RaftTransport(aeron, config, faults1, counters1, (toStore, message) -> dropped.add(message));
    }

    @AfterEach
    void stop() {
        CloseHelper.closeAll(store1, store2Subscription, aeron, driver);
        IoUtil.delete(aeronDir, true);
    }

    @Test
    void shouldDeliverEveryMessageOfACycleInOrderInOneFrame() {
        awaitConnected(store1, 2);
        final long framesBefore = counters1.framesSent().get();
        final List<RaftMessage> sent = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            final RaftMessage message = heartbeat(i);
            sent.add(message);
            assertTrue(store1.send(2, message));
        }
        store1.flush();

        awaitReceived(50);
        assertEquals(sent, received);
        assertEquals(1, counters1.framesSent().get() - framesBefore);
        assertEquals(50, counters1.messagesSent().get());
        assertEquals(0, store1.pendingCount(2));
        assertTrue(dropped.isEmpty());
    }

    @Test
    void shouldSplitACycleIntoFramesThatFitAndReassembleLargeOnes() {
        awaitConnected(store1, 2);
        final List<RaftMessage> sent = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            final RaftMessage append = new RaftMessage(MessageType.APPEND, 1, 11, 12, 3, 3, i, i, false, 0, 0,
                List.of(new Entry(i + 1, 3, EntryType.NORMAL, filled(30_000, i))), null);
            sent.add(append);
            store1.send(2, append);
        }
        store1.flush();

        awaitReceived(5);
        assertEquals(sent, received);
        assertEquals(3, counters1.framesSent().get(), "two 30 KB entries fit a 64 KB frame");
    }

    @Test
    void shouldDropAndReportMessagesForAStoreThatIsNotListening() {
        store1.addStore(3, "127.0.0.1:" + freeUdpPort());
        final RaftMessage message = heartbeat(1);
        assertTrue(store1.send(3, message));
        awaitTrue(() -> {
            store1.flush();
            return !dropped.isEmpty();
        }, "the message to a silent store was reported dropped");
        assertEquals(List.of(message), dropped);
        assertEquals(1, counters1.messagesDropped().get());
        assertEquals(0, counters1.messagesSent().get());
        assertEquals(0, store1.pendingCount(3));
    }

    @Test
    void shouldRefuseAndReportWhenAStoreQueueIsFullOrTheStoreUnknown() {
        final RaftTransport small = transport(new RaftTransportConfig().clusterId(CLUSTER).storeId(1)
            .termLengthBytes(TERM_LENGTH).maxPendingMessagesPerStore(3).clusterKey(TestKeys.key(CLUSTER)));
        try {
            small.addStore(2, store2Endpoint);
            for (int i = 0; i < 3; i++) {
                assertTrue(small.send(2, heartbeat(i)));
            }
            assertFalse(small.send(2, heartbeat(3)));
            assertFalse(small.send(9, heartbeat(4)));
            assertEquals(List.of(heartbeat(3), heartbeat(4)), dropped);
            assertEquals(3, small.pendingCount(2));
        } finally {
            small.close();
        }
    }

    @Test
    void shouldRefuseToTalkToAnotherStoreWithoutAClusterKey() {
        final RaftTransport keyless = transport(new RaftTransportConfig().clusterId(CLUSTER).storeId(1)
            .termLengthBytes(TERM_LENGTH));
        try {
            final IllegalStateException refused = assertThrows(IllegalStateException.class,
                () -> keyless.addStore(2, store2Endpoint));
            assertTrue(refused.getMessage().contains("no cluster key"), refused.getMessage());
        } finally {
            keyless.close();
        }
    }

    @Test
    void shouldDropEverythingAcrossAPartitionUntilItHeals() {
        awaitConnected(store1, 2);
        faults1.isolateFrom(2);
        store1.send(2, heartbeat(1));
        store1.flush();
        assertEquals(1, counters1.faultDropped().get());
        assertTrue(dropped.isEmpty(), "a partition is silent");

        faults1.heal();
        store1.send(2, heartbeat(2));
        store1.flush();
        awaitReceived(1);
        assertEquals(List.of(heartbeat(2)), received);
    }

    @Test
    void shouldDropInboundFramesFromAnIsolatedStore() {
        final PartitionFaults faults2 = new PartitionFaults();
        final RaftAdapter isolated = new RaftAdapter(store2Subscription,
            new RaftTransportConfig().clusterId(CLUSTER).storeId(2).clusterKey(TestKeys.key(CLUSTER)),
            store -> store == 1, faults2, counters2);
        faults2.isolateFrom(1);
        awaitConnected(store1, 2);
        store1.send(2, heartbeat(1));
        store1.flush();
        awaitTrue(() -> {
            isolated.poll((from, message) -> received.add(message), 10);
            return counters2.faultDropped().get() == 1;
        }, "the frame from the isolated store arrived and was dropped");
        assertTrue(received.isEmpty());
    }

    private static RaftMessage heartbeat(final int i) {
        return new RaftMessage(MessageType.HEARTBEAT, 1 + i % 3, 11, 12, 5, 0, 0, i, false, 0, i, List.of(), null);
    }

    private static byte[] filled(final int length, final int value) {
        final byte[] bytes = new byte[length];
        java.util.Arrays.fill(bytes, (byte)value);
        return bytes;
    }

    private void awaitConnected(final RaftTransport transport, final long storeId) {
        awaitTrue(() -> {
            transport.flush();
            return transport.isConnected(storeId);
        }, "store 1 connected to store 2");
    }

    private void awaitReceived(final int count) {
        awaitTrue(() -> {
            store2Adapter.poll((from, message) -> {
                assertEquals(1, from);
                received.add(message);
            }, 10);
            return received.size() >= count;
        }, count + " messages arrived");
    }

    private static void awaitTrue(final BooleanSupplier condition, final String what) {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("timed out waiting until " + what);
            }
            try {
                Thread.sleep(1);
            } catch (final InterruptedException ex) {
                Thread.currentThread().interrupt();
                fail("interrupted");
            }
        }
    }

    private static int freeUdpPort() {
        try (DatagramSocket socket = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (final IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }
}
