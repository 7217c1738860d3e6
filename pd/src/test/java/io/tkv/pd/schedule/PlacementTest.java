package io.tkv.pd.schedule;

import io.tkv.pd.cluster.StoreInfo;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PlacementTest {
    private static StoreInfo store(final long id, final Map<String, String> labels) {
        return StoreInfo.register(id, "s" + id, labels, 0);
    }

    private final Placement placement = new Placement(List.of("zone", "rack", "host"), false);
    private final StoreInfo z1r1h1 = store(1, Map.of("zone", "z1", "rack", "r1", "host", "h1"));
    private final StoreInfo z1r1h2 = store(2, Map.of("zone", "z1", "rack", "r1", "host", "h2"));
    private final StoreInfo z1r2h3 = store(3, Map.of("zone", "z1", "rack", "r2", "host", "h3"));
    private final StoreInfo z2r1h4 = store(4, Map.of("zone", "z2", "rack", "r1", "host", "h4"));

    @Test
    void shouldFindTheFirstLevelWhereLocationsDiffer() {
        assertEquals(2, placement.compareLocation(z1r1h1, z1r1h2));
        assertEquals(1, placement.compareLocation(z1r1h1, z1r2h3));
        assertEquals(0, placement.compareLocation(z1r1h1, z2r1h4));
        assertEquals(-1, placement.compareLocation(z1r1h1, z1r1h1));
        assertEquals(-1, placement.compareLocation(z1r1h1, store(9, Map.of("zone", "Z1"))),
            "a missing label matches anything; values compare without case");
    }

    @Test
    void shouldScoreAnotherZoneAboveAnyNumberOfRacks() {
        final List<StoreInfo> region = List.of(z1r1h1, z1r1h2);
        assertEquals(2.0, placement.distinctScore(region, store(5, Map.of("zone", "z1", "rack", "r1", "host", "h5"))));
        assertEquals(200.0, placement.distinctScore(region, z1r2h3));
        assertEquals(20_000.0, placement.distinctScore(region, z2r1h4));
        assertTrue(placement.distinctScore(List.of(z1r1h1), z2r1h4) > 99 * placement.distinctScore(
            List.of(z1r1h1), z1r2h3));
    }

    @Test
    void shouldScoreEveryStoreAlikeWhenLabelsAreIgnored() {
        final Placement broken = new Placement(List.of("zone"), true);
        assertEquals(0.0, broken.distinctScore(List.of(z1r1h1), z2r1h4));
    }
}
