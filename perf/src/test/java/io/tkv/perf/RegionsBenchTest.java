package io.tkv.perf;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** bench-regions' layout: split keys that cut the harness's key space evenly, leaders round robin by key order. */
class RegionsBenchTest {
    @Test
    void shouldCutTheKeySpaceIntoEqualParts() {
        final List<byte[]> keys = RegionsBench.splitKeys(new KeySpace(10_000, 16), 16);
        assertEquals(15, keys.size());
        assertEquals("k000000000000625", new String(keys.get(0), StandardCharsets.US_ASCII));
        assertEquals("k000000000009375", new String(keys.get(14), StandardCharsets.US_ASCII));
        assertEquals(List.of(), RegionsBench.splitKeys(new KeySpace(10, 4), 1));
    }

    @Test
    void shouldLeadRegionsRoundRobinInKeyOrder() {
        final Map<Long, Long> wanted = RegionsBench.roundRobin(List.of(1L, 5L, 2L, 9L, 3L), List.of(1L, 2L, 3L));
        assertEquals(Map.of(1L, 1L, 5L, 2L, 2L, 3L, 9L, 1L, 3L, 2L), wanted);
    }
}
