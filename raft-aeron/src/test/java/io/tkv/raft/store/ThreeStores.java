package io.tkv.raft.store;

import io.aeron.Aeron;
import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;
import io.tkv.raft.transport.PartitionFaults;
import io.tkv.raft.transport.TestCounters;
import org.agrona.CloseHelper;
import org.agrona.IoUtil;
import org.agrona.concurrent.SleepingMillisIdleStrategy;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * Three stores' Raft sides in one JVM over one media driver and UDP on 127.0.0.1, the test thread running every
 * duty cycle: {@code new ThreeStores(dir)}, then {@link #awaitLeader()}, {@link #awaitTrue}. Closes everything and
 * removes the Aeron directory.
 */
final class ThreeStores implements AutoCloseable {
    final List<StoreUnderTest> stores = new ArrayList<>();
    /** Each store's fault hook, in the order of {@link #stores}. */
    final List<PartitionFaults> faults = new ArrayList<>();
    private final File aeronDir;
    private final MediaDriver driver;
    private final Aeron aeron;

    ThreeStores(final Path dir) {
        this(dir, store -> { });
    }

    /** @param configure applied to each store before it starts. */
    ThreeStores(final Path dir, final Consumer<StoreUnderTest> configure) {
        aeronDir = new File("/dev/shm/tkv-three-stores-" + ProcessHandle.current().pid() + "-" + System.nanoTime());
        driver = MediaDriver.launch(new MediaDriver.Context().aeronDirectoryName(aeronDir.getPath())
            .threadingMode(ThreadingMode.SHARED).sharedIdleStrategy(new SleepingMillisIdleStrategy(1))
            .publicationTermBufferLength(1 << 20).termBufferSparseFile(true).dirDeleteOnStart(true)
            .dirDeleteOnShutdown(true));
        aeron = Aeron.connect(new Aeron.Context().aeronDirectoryName(aeronDir.getPath()));
        final Map<Long, String> cluster = new LinkedHashMap<>();
        for (long id = 1; id <= 3; id++) {
            cluster.put(id, "127.0.0.1:" + freeUdpPort());
        }
        for (long id = 1; id <= 3; id++) {
            final PartitionFaults storeFaults = new PartitionFaults();
            faults.add(storeFaults);
            final StoreUnderTest store = new StoreUnderTest(aeron, id, cluster, dir.resolve("store-" + id),
                storeFaults, TestCounters.create());
            configure.accept(store);
            stores.add(store.start(0));
        }
    }

    /** @return the leader that has applied an entry of its own term (it takes proposals), once there is one. */
    StoreUnderTest awaitLeader() {
        final StoreUnderTest[] found = new StoreUnderTest[1];
        awaitTrue(() -> (found[0] = servingLeader()) != null, "a serving leader");
        return found[0];
    }

    /** @return the serving leader now, or null. */
    StoreUnderTest servingLeader() {
        for (final StoreUnderTest store : stores) {
            if (store.raft != null && store.raft.failure() == null && store.isLeader()
                && !store.sink.committed.isEmpty() && store.sink.committed.get(store.sink.committed.size() - 1).term()
                == store.raft.status(StoreUnderTest.REGION).term()) {
                return store;
            }
        }
        return null;
    }

    /** Runs every store's duty cycle until the condition holds (30 s at most). */
    void awaitTrue(final BooleanSupplier condition, final String what) {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("timed out waiting until " + what);
            }
            int work = 0;
            for (final StoreUnderTest store : stores) {
                if (store.raft != null) {
                    work += store.pump();
                }
            }
            if (work == 0) {
                try {
                    Thread.sleep(1);
                } catch (final InterruptedException ex) {
                    Thread.currentThread().interrupt();
                    fail("interrupted");
                }
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

    @Override
    public void close() {
        CloseHelper.closeAll(stores);
        CloseHelper.closeAll(aeron, driver);
        IoUtil.delete(aeronDir, true);
    }
}
