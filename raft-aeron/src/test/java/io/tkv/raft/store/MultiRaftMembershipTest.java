package io.tkv.raft.store;

import io.aeron.Aeron;
import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;
import io.tkv.raft.core.MessageType;
import io.tkv.raft.core.RaftMessage;
import io.tkv.raft.core.RaftStatus;
import io.tkv.raft.transport.PartitionFaults;
import io.tkv.raft.transport.TestCounters;
import org.agrona.CloseHelper;
import org.agrona.IoUtil;
import org.agrona.concurrent.SleepingMillisIdleStrategy;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The driver steps a message only from a member of the region on the store that hosts it, addressed to this store's
 * peer: a store of the cluster cannot speak for another store's peers, nor can anyone for a peer that is not in the
 * region. One store of a three-voter region (its peers never started), messages handed in as the transport would.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class MultiRaftMembershipTest {
    @TempDir
    Path dir;

    private File aeronDir;
    private MediaDriver driver;
    private Aeron aeron;
    private StoreUnderTest store;

    @BeforeEach
    void start() {
        aeronDir = new File("/dev/shm/tkv-membership-test-" + ProcessHandle.current().pid() + "-" + System.nanoTime());
        driver = MediaDriver.launch(new MediaDriver.Context()
            .aeronDirectoryName(aeronDir.getPath())
            .threadingMode(ThreadingMode.SHARED)
            .sharedIdleStrategy(new SleepingMillisIdleStrategy(1))
            .publicationTermBufferLength(1 << 20)
            .termBufferSparseFile(true)
            .dirDeleteOnStart(true)
            .dirDeleteOnShutdown(true));
        aeron = Aeron.connect(new Aeron.Context().aeronDirectoryName(aeronDir.getPath()));
        final Map<Long, String> cluster = new LinkedHashMap<>();
        for (long id = 1; id <= 3; id++) {
            cluster.put(id, "127.0.0.1:" + (40_000 + id));
        }
        store = new StoreUnderTest(aeron, 1, cluster, dir.resolve("store-1"), new PartitionFaults(),
            TestCounters.create()).start(0);
    }

    @AfterEach
    void stop() {
        CloseHelper.closeAll(store, aeron, driver);
        IoUtil.delete(aeronDir, true);
    }

    private static RaftMessage heartbeat(final long from, final long to, final long term) {
        return new RaftMessage(MessageType.HEARTBEAT, StoreUnderTest.REGION, from, to, term, 0, 0, 0, false, 0, 0,
            List.of(), null);
    }

    private RaftStatus status() {
        store.raft.doWork();
        return store.raft.status(StoreUnderTest.REGION);
    }

    @Test
    void shouldStepOnlyMessagesFromAMemberOnItsOwnStore() {
        final long term = status().term();

        store.raft.onMessage(2, heartbeat(3, 1, term + 10));
        assertEquals(term, status().term(), "store 2 speaking for peer 3 (hosted on store 3)");
        store.raft.onMessage(9, heartbeat(9, 1, term + 10));
        assertEquals(term, status().term(), "peer 9 is not a member of the region");
        store.raft.onMessage(2, heartbeat(2, 5, term + 10));
        assertEquals(term, status().term(), "addressed to a peer this store does not host");
        store.raft.onMessage(2, heartbeat(2, 1, RaftMessage.MAX_TERM_OR_INDEX + 1));
        assertEquals(term, status().term(), "a term past the bound");
        assertEquals(3, store.raft.messagesFromNonMembers());

        store.raft.onMessage(2, heartbeat(2, 1, term + 1));
        final RaftStatus after = status();
        assertEquals(term + 1, after.term(), "a member's heartbeat from its own store is stepped");
        assertEquals(2, after.leader());
        assertEquals(3, store.raft.messagesFromNonMembers());
    }
}
