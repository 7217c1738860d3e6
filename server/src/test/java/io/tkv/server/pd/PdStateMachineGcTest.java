package io.tkv.server.pd;

import io.tkv.pd.gc.GcSafePoint;
import io.tkv.raft.core.Entry;
import io.tkv.raft.core.EntryType;
import io.tkv.storage.FsyncPolicy;
import io.tkv.storage.PdState;
import io.tkv.storage.StorageConfig;
import io.tkv.storage.StorageEngine;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The GC safe point through PD's state machine: apply keeps the maximum, and it is there after a reopen. */
class PdStateMachineGcTest {
    @TempDir
    Path dir;

    @Test
    void theSafePointOnlyGrowsWhateverTheLogSaysAndSurvivesAReopen() {
        final List<Long> applied = new ArrayList<>();
        try (StorageEngine engine = open(); PdState state = new PdState(engine)) {
            final PdStateMachine machine = new PdStateMachine(state);
            machine.listener(new PdStateMachine.Listener() {
                @Override
                public void onApplied(final long term, final byte type, final long value, final long token) {
                    if (type == PdCommand.GC_SAFE_POINT) {
                        applied.add(value);
                    }
                }

                @Override
                public void onReadReady(final long readToken) {
                }

                @Override
                public void onReadRejected(final long readToken, final long leaderId) {
                }

                @Override
                public void onProposalDropped(final long proposalToken, final long leaderId) {
                }
            });
            assertEquals(GcSafePoint.NONE, PdStateMachine.gcSafePoint(state));
            long index = 6;
            for (final long value : new long[] {100, 50, 200, -7, 200, 150}) {
                machine.offerCommitted(PdService.GROUP_ID, new Entry(index++, 1, EntryType.NORMAL,
                    PdCommand.encode(PdCommand.GC_SAFE_POINT, value)), 0);
            }
            assertEquals(List.of(100L, 100L, 200L, 200L, 200L, 200L), applied);
            assertEquals(11, state.appliedIndex());
            // Other entries keep it.
            machine.offerCommitted(PdService.GROUP_ID, new Entry(index, 2, EntryType.NORMAL,
                PdCommand.encode(PdCommand.TSO_LIMIT, 9_000)), 0);
            assertEquals(200, PdStateMachine.gcSafePoint(state));
        }
        try (StorageEngine engine = open(); PdState state = new PdState(engine)) {
            assertEquals(200, PdStateMachine.gcSafePoint(state));
            assertEquals(12, state.appliedIndex());
            assertEquals(9_000, state.tsoLimitMs());
        }
    }

    private StorageEngine open() {
        return StorageEngine.open(new StorageConfig().dataDir(dir).fsyncPolicy(FsyncPolicy.NONE)
            .blockCacheBytes(8L << 20).writeBufferBytes(4L << 20));
    }
}
