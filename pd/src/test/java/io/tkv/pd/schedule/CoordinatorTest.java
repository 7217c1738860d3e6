package io.tkv.pd.schedule;

import io.tkv.pd.cluster.RegionInfo;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CoordinatorTest {
    @Test
    void shouldRunOnlyEnabledSchedulersAndAnswerHeartbeatsWithSteps() {
        final Fixture fx = new Fixture().stores(1, 2, 3);
        for (int i = 0; i < 6; i++) {
            fx.region(1, 2, 3);
        }
        final Coordinator coordinator = new Coordinator(fx.cluster, new ScheduleConfig(), fx::peerId);
        coordinator.setEnabled(SchedulerType.BALANCE_LEADER, false);
        assertTrue(coordinator.schedule(0).isEmpty());
        coordinator.setEnabled(SchedulerType.BALANCE_LEADER, true);
        assertEquals(4, coordinator.schedule(0).size());
        final RegionInfo first = fx.cluster.regions().all().iterator().next();
        final OperatorStep step = coordinator.onRegionHeartbeat(first, 1);
        assertTrue(step instanceof OperatorStep.TransferLeader, String.valueOf(step));
    }

    @Test
    void shouldNotAnswerAStaleHeartbeat() {
        final Fixture fx = new Fixture().stores(1, 2, 3);
        final RegionInfo r = fx.region(1, 2, 3);
        final Coordinator coordinator = new Coordinator(fx.cluster, new ScheduleConfig(), fx::peerId);
        coordinator.onRegionHeartbeat(r.toBuilder().epoch(5, 5).build(), 0);
        assertNull(coordinator.onRegionHeartbeat(r, 1));
        assertEquals(5, fx.cluster.regions().byId(r.id()).epoch().confVer());
    }
}
