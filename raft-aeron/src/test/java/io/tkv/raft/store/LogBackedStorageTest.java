package io.tkv.raft.store;

import io.tkv.log.RaftLog;
import io.tkv.log.RaftLogConfig;
import io.tkv.raft.core.ConfChange;
import io.tkv.raft.core.ConfState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The membership a region's storage gives its snapshots follows the committed changes, and a snapshot from before
 * the last one is never asked for: a new learner given a snapshot of an older membership would replay the changes
 * after it over the wrong peers (in a store, apply another peer's removal as its own).
 */
class LogBackedStorageTest {
    private record Ask(ConfState conf, long minIndex) {
    }

    @TempDir
    Path dir;

    @Test
    void shouldAskForASnapshotAtOrAfterTheLastCommittedChangeWithTheMembershipItMade() {
        final List<Ask> asks = new ArrayList<>();
        try (RaftLog log = RaftLog.open(new RaftLogConfig().dir(dir).blockSizeBytes(1 << 20)
            .maxCycleFileBytes(1 << 20))) {
            final LogBackedStorage storage = new LogBackedStorage(log, 1, ConfState.ofVoters(1, 2, 3),
                (region, conf, minIndex) -> {
                    asks.add(new Ask(conf, minIndex));
                    return null;
                });
            storage.snapshot();
            assertEquals(new Ask(ConfState.ofVoters(1, 2, 3), 0), asks.get(0), "before a change: the compacted index");

            storage.applyCommittedChange(7, new ConfChange(ConfChange.Type.ADD_LEARNER, 4, 4, 0).encode());
            storage.snapshot();
            assertEquals(new Ask(new ConfState(new long[] {1, 2, 3}, new long[] {4}), 7), asks.get(1),
                "after the learner was added: at or after its change, with it as a learner");

            storage.applyCommittedChange(9, new byte[] {42});
            storage.snapshot();
            assertEquals(asks.get(1), asks.get(2), "a malformed change is a no-op, as for the core");

            storage.applyCommittedChange(12, new ConfChange(ConfChange.Type.REMOVE_PEER, 2, 2, 0).encode());
            storage.snapshot();
            assertEquals(new Ask(new ConfState(new long[] {1, 3}, new long[] {4}), 12), asks.get(3));
        }
    }
}
