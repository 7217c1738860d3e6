package io.tkv.server.raft;

import io.tkv.client.OperatorStep;
import io.tkv.storage.RegionDescriptor;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OperatorStepFilterTest {
    private static final RegionDescriptor REGION = new RegionDescriptor(7, new byte[0], new byte[0], 3, 2,
        List.of(new RegionDescriptor.Peer(1, 1, RegionDescriptor.Role.VOTER),
            new RegionDescriptor.Peer(2, 2, RegionDescriptor.Role.VOTER)));

    private static OperatorStep step(final long confVer, final long version, final OperatorStep.Kind kind) {
        return new OperatorStep(7, confVer, version, 9, kind, 4, 4);
    }

    @Test
    void shouldTakeAStepOnlyAtItsEpochOnTheLeader() {
        for (final OperatorStep.Kind kind : List.of(OperatorStep.Kind.ADD_LEARNER, OperatorStep.Kind.ADD_VOTER,
            OperatorStep.Kind.REMOVE_PEER, OperatorStep.Kind.TRANSFER_LEADER, OperatorStep.Kind.SPLIT)) {
            assertNull(PdCommandHandler.stepRefusal(step(3, 2, kind), REGION, true), kind.name());
        }
    }

    @Test
    void shouldIgnoreAStepForAnotherEpoch() {
        final String staleConf = PdCommandHandler.stepRefusal(step(2, 2, OperatorStep.Kind.ADD_LEARNER), REGION, true);
        assertNotNull(staleConf);
        assertTrue(staleConf.contains("epoch (2, 2)"), staleConf);
        assertNotNull(PdCommandHandler.stepRefusal(step(3, 1, OperatorStep.Kind.REMOVE_PEER), REGION, true));
        assertNotNull(PdCommandHandler.stepRefusal(step(4, 2, OperatorStep.Kind.TRANSFER_LEADER), REGION, true),
            "a step made for a newer epoch than this store has is ignored too");
        assertNotNull(PdCommandHandler.stepRefusal(step(3, 3, OperatorStep.Kind.SPLIT), REGION, true));
    }

    @Test
    void shouldIgnoreAStepOnAFollowerForARegionNotHereOrAskingNothing() {
        assertNotNull(PdCommandHandler.stepRefusal(step(3, 2, OperatorStep.Kind.ADD_VOTER), REGION, false));
        assertNotNull(PdCommandHandler.stepRefusal(step(3, 2, OperatorStep.Kind.ADD_VOTER), null, true));
        assertNotNull(PdCommandHandler.stepRefusal(OperatorStep.none(7), REGION, true));
    }
}
