package io.tkv.perf;

import jdk.jfr.Recording;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AllocSitesTest {
    static volatile Object sink;

    @Test
    void shouldGroupSamplesByTheFirstFrameInOurCode() {
        assertEquals("io.tkv.server.Foo.bar:12",
            AllocSites.siteOf(List.of("java.util.ArrayList.grow:237", "io.tkv.server.Foo.bar:12",
                "io.tkv.server.Agent.doWork:40")));
        assertEquals("(not ours) org.agrona.Foo.x:1", AllocSites.siteOf(List.of("org.agrona.Foo.x:1",
            "java.lang.Thread.run:833")));
        assertEquals("(no stack)", AllocSites.siteOf(List.of()));
        assertEquals("byte[]", AllocSites.javaName("[B"));
        assertEquals("java.lang.Object[][]", AllocSites.javaName("[[Ljava.lang.Object;"));
        assertEquals("io.tkv.Foo", AllocSites.javaName("io.tkv.Foo"));
    }

    @Test
    void shouldNameTheMethodThatAllocatesMostInARecording(@TempDir final Path dir) throws Exception {
        final Path file = dir.resolve("alloc.jfr");
        try (Recording recording = new Recording()) {
            recording.enable(AllocSites.EVENT).with("throttle", "1000/s").withStackTrace();
            recording.start();
            allocateALot();
            recording.stop();
            recording.dump(file);
        }

        final Map<String, AllocSites.Site> sites = AllocSites.sites(file);
        final List<String> report = AllocSites.report(sites, 3, 1000);
        assertTrue(report.get(0).startsWith("SITES samples="), report.toString());
        assertTrue(report.get(1).startsWith("SITE rank=1 "), report.toString());
        assertTrue(report.get(1).contains(" site=io.tkv.perf.AllocSitesTest.allocateALot:"), report.toString());
        assertTrue(report.get(1).contains(" class=byte[] "), report.toString());
    }

    private static void allocateALot() {
        for (int i = 0; i < 20_000; i++) {
            sink = new byte[16 * 1024];
        }
    }
}
