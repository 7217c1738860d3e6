package io.tkv.raft.store;

import io.aeron.Aeron;
import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;
import io.tkv.raft.core.ConfState;
import io.tkv.raft.transport.PartitionFaults;
import io.tkv.raft.transport.TestCounters;
import org.agrona.CloseHelper;
import org.agrona.IoUtil;
import org.agrona.concurrent.CachedNanoClock;
import org.agrona.concurrent.SleepingMillisIdleStrategy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What idle regions cost the driver per tick, on one store whose regions are single-voter groups (so the measure is
 * the driver's own work: ticks, Ready polls, compaction checks; no network), on a clock the test moves: with
 * hibernation every region falls asleep and the duty cycle visits none of them; without it every tick visits every
 * region. Prints both (no assertion on time: the machine is shared); asserts the structure (no region awake).
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class MultiRaftTickCostTest {
    private static final int REGIONS = 2_000;
    private static final long TICK_NS = TimeUnit.MILLISECONDS.toNanos(10);
    private static final int MEASURED_TICKS = 500;

    @TempDir
    Path dir;

    @Test
    void shouldVisitNoHibernatedRegionPerTick() {
        final File aeronDir = new File("/dev/shm/tkv-tick-cost-" + ProcessHandle.current().pid() + "-"
            + System.nanoTime());
        final MediaDriver driver = MediaDriver.launch(new MediaDriver.Context().aeronDirectoryName(aeronDir.getPath())
            .threadingMode(ThreadingMode.SHARED).sharedIdleStrategy(new SleepingMillisIdleStrategy(1))
            .publicationTermBufferLength(1 << 20).termBufferSparseFile(true).dirDeleteOnStart(true)
            .dirDeleteOnShutdown(true));
        final Aeron aeron = Aeron.connect(new Aeron.Context().aeronDirectoryName(aeronDir.getPath()));
        try {
            final double[] awake = measure(aeron, 0, "awake");
            final double[] asleep = measure(aeron, 3, "hibernating");
            System.out.printf("driver cost with %d idle regions: per tick %.1f us without hibernation, %.1f us with; "
                + "per duty cycle between ticks %.2f us without, %.2f us with%n", REGIONS, awake[0], asleep[0],
                awake[1], asleep[1]);
        } finally {
            CloseHelper.closeAll(aeron, driver);
            IoUtil.delete(aeronDir, true);
        }
    }

    /**
     * @return the driver's time per tick (a duty cycle that ticks) and per duty cycle between ticks, in microseconds,
     *     once every region is idle.
     */
    private double[] measure(final Aeron aeron, final int hibernateAfterTicks, final String name) {
        final CachedNanoClock clock = new CachedNanoClock();
        final Map<Long, String> cluster = Map.of(1L, "127.0.0.1:0");
        try (StoreUnderTest store = new StoreUnderTest(aeron, 1, cluster, dir.resolve(name), new PartitionFaults(),
            TestCounters.create()).withClock(clock).withHibernation(hibernateAfterTicks).start(0)) {
            for (long region = 2; region <= REGIONS; region++) {
                store.raft.bootstrapRegion(region);
                store.raft.addRegion(region, 1, ConfState.ofVoters(1), MultiRaft.BOOTSTRAP_INDEX,
                    PeerDirectory.IDENTITY);
            }
            // Let every region elect itself, commit its no-op and (with hibernation) fall asleep.
            for (int tick = 0; tick < 100; tick++) {
                clock.advance(TICK_NS);
                while (store.pump() > 0) {
                    assertTrue(store.raft.failure() == null, store.raft.failure());
                }
            }
            assertEquals(REGIONS, store.raft.ledRegionCount());
            assertEquals(hibernateAfterTicks > 0 ? 0 : REGIONS, store.raft.awakeRegionCount());
            final long start = System.nanoTime();
            for (int tick = 0; tick < MEASURED_TICKS; tick++) {
                clock.advance(TICK_NS);
                store.pump();
            }
            final double perTickUs = (System.nanoTime() - start) / 1e3 / MEASURED_TICKS;
            final long cycles = System.nanoTime();
            for (int cycle = 0; cycle < 10 * MEASURED_TICKS; cycle++) {
                store.pump();
            }
            final double perCycleUs = (System.nanoTime() - cycles) / 1e3 / (10 * MEASURED_TICKS);
            assertEquals(hibernateAfterTicks > 0 ? 0 : REGIONS, store.raft.awakeRegionCount());
            return new double[] {perTickUs, perCycleUs};
        }
    }
}
