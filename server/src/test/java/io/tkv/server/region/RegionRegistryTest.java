package io.tkv.server.region;

import io.tkv.storage.RegionDescriptor;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

class RegionRegistryTest {
    private static final List<RegionDescriptor.Peer> PEERS =
        List.of(new RegionDescriptor.Peer(1, 1, RegionDescriptor.Role.VOTER));

    private static byte[] b(final String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static RegionDescriptor region(final long id, final String start, final String end) {
        return new RegionDescriptor(id, b(start), b(end), 1, 1, PEERS);
    }

    private static RegionDescriptor at(final RegionRegistry registry, final String storedKey) {
        return registry.containing(new UnsafeBuffer(b(storedKey)), 0, storedKey.length());
    }

    @Test
    void shouldFindTheRegionHoldingAKeyAmongManyAndNoneInAGap() {
        final RegionRegistry registry = new RegionRegistry();
        final RegionDescriptor first = region(1, "", "rc");
        final RegionDescriptor second = region(7, "rc", "rk");
        final RegionDescriptor last = region(3, "rp", "");
        registry.publish(last);
        registry.publish(first);
        registry.publish(second);
        assertEquals(List.of(first, second, last), registry.all(), "listed by start key");
        assertSame(first, at(registry, ""));
        assertSame(first, at(registry, "rbzz"));
        assertSame(second, at(registry, "rc"));
        assertSame(second, at(registry, "rjjj"));
        assertNull(at(registry, "rk"), "a gap: [rk, rp) is on another store");
        assertNull(at(registry, "rozz"));
        assertSame(last, at(registry, "rp"));
        assertSame(last, at(registry, "\u00ff"));

        final RegionDescriptor moved = new RegionDescriptor(7, b("rc"), b("rp"), 1, 2, PEERS);
        registry.publish(moved);
        assertSame(moved, at(registry, "rm"), "a change is seen at once");
        assertSame(moved, registry.get(7));
        registry.remove(3);
        assertNull(at(registry, "rz"));
        assertEquals(2, registry.size());
    }
}
