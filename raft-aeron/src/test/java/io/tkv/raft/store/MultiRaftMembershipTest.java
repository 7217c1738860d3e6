package io.tkv.raft.store;

import io.tkv.raft.core.MessageType;
import io.tkv.raft.core.RaftMessage;
import io.tkv.raft.core.RaftStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The driver steps a message only from a member of the region on the store that hosts it, addressed to this store's
 * peer: a store of the cluster cannot speak for another store's peers, nor can anyone for a peer that is not in the
 * region. One store of a three-voter region (the other two never run), messages handed in as the transport would.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class MultiRaftMembershipTest {
    @TempDir
    Path dir;

    private static RaftMessage heartbeat(final long from, final long to, final long term) {
        return new RaftMessage(MessageType.HEARTBEAT, StoreUnderTest.REGION, from, to, term, 0, 0, 0, false, 0, 0,
            List.of(), null);
    }

    private static RaftStatus status(final StoreUnderTest store) {
        store.raft.doWork();
        return store.raft.status(StoreUnderTest.REGION);
    }

    @Test
    void shouldStepOnlyMessagesFromAMemberOnItsOwnStore() {
        try (ThreeStores three = new ThreeStores(dir)) {
            // Only store 1 runs its duty cycle here: the other two never answer, so nothing else moves its term.
            final StoreUnderTest store = three.stores.get(0);
            final long term = status(store).term();

            store.raft.onMessage(2, heartbeat(3, 1, term + 10));
            assertEquals(term, status(store).term(), "store 2 speaking for peer 3 (hosted on store 3)");
            store.raft.onMessage(9, heartbeat(9, 1, term + 10));
            assertEquals(term, status(store).term(), "peer 9 is not a member of the region");
            store.raft.onMessage(2, heartbeat(2, 5, term + 10));
            assertEquals(term, status(store).term(), "addressed to a peer this store does not host");
            store.raft.onMessage(2, heartbeat(2, 1, RaftMessage.MAX_TERM_OR_INDEX + 1));
            assertEquals(term, status(store).term(), "a term past the bound");
            assertEquals(3, store.raft.messagesFromNonMembers());

            store.raft.onMessage(2, heartbeat(2, 1, term + 1));
            final RaftStatus after = status(store);
            assertEquals(term + 1, after.term(), "a member's heartbeat from its own store is stepped");
            assertEquals(2, after.leader());
            assertEquals(3, store.raft.messagesFromNonMembers());
        }
    }
}
