package io.tkv.pd.schedule;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ScheduleConfigTest {
    @Test
    void shouldHavePdDefaults() {
        final ScheduleConfig config = new ScheduleConfig().conclude();
        assertEquals(3, config.maxReplicas());
        assertEquals(30 * 60_000L, config.maxStoreDownTimeMs());
        assertEquals(4, config.leaderScheduleLimit());
        assertEquals(List.of(), config.locationLabels());
        assertEquals(ScheduleConfig.BrokenRule.NONE, config.brokenRule());
    }

    @Test
    void shouldRefuseBadSettingsAndChangesAfterConclude() {
        assertThrows(IllegalArgumentException.class, () -> new ScheduleConfig().maxReplicas(0).conclude());
        assertThrows(IllegalArgumentException.class,
            () -> new ScheduleConfig().locationLabels(List.of("zone", "zone")).conclude());
        assertThrows(IllegalArgumentException.class, () -> new ScheduleConfig().storePeerOperatorLimit(0).conclude());
        final ScheduleConfig config = new ScheduleConfig().conclude();
        assertThrows(IllegalStateException.class, () -> config.maxReplicas(5));
    }
}
