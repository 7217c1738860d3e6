package io.tkv.perf;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The method bench-alloc relies on, checked against a known allocation: another JVM allocates exactly
 * {@link AllocCalibrationChild#EXPECTED_BYTES} in one thread between two snapshots, and the diff sees that, to
 * within a few KB (what waking the thread up allocates), out of 64 MiB.
 */
class ThreadAllocSnapshotTest {
    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void shouldMeasureAKnownAllocationInAnotherJvmExactly() throws Exception {
        final String java = ProcessHandle.current().info().command().orElse("java");
        final Process child = new ProcessBuilder(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"),
            AllocCalibrationChild.class.getName()).redirectErrorStream(true).start();
        try {
            final BufferedReader out =
                new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
            assertEquals("ready", out.readLine());
            final String pid = Long.toString(child.pid());
            final StringBuilder before = new StringBuilder();
            ThreadAllocSnapshot.snapshot(pid, before);
            final OutputStream in = child.getOutputStream();
            in.write("go\n".getBytes(StandardCharsets.UTF_8));
            in.flush();
            assertEquals("done", out.readLine());
            final StringBuilder after = new StringBuilder();
            ThreadAllocSnapshot.snapshot(pid, after);

            final ThreadAllocDiff.StoreDelta delta = ThreadAllocDiff.delta(pid, parse(before), parse(after));
            final long calibrate = delta.byThread().get("calibrate");
            assertTrue(calibrate >= AllocCalibrationChild.EXPECTED_BYTES
                && calibrate <= AllocCalibrationChild.EXPECTED_BYTES + 16 * 1024,
                "calibrate allocated " + calibrate + ", expected " + AllocCalibrationChild.EXPECTED_BYTES);
            assertTrue(delta.excludedBytes() > 0, "the JMX agent's threads allocate and are left out: " + delta);
        } finally {
            child.getOutputStream().close();
            child.destroy();
            if (!child.waitFor(10, TimeUnit.SECONDS)) {
                child.destroyForcibly().waitFor();
            }
        }
    }

    private static List<ThreadAllocDiff.Sample> parse(final CharSequence snapshot) {
        return snapshot.toString().lines().map(ThreadAllocDiff.Sample::parse).toList();
    }

    @Test
    void shouldCountNewThreadsFromZeroLeaveOutMeasurementThreadsAndSumStores() {
        final List<ThreadAllocDiff.Sample> before = List.of(sample("10", 1, 1000, "raft"),
            sample("10", 2, 50, "gone"), sample("10", 3, 10, "RMI TCP Connection(1)-127.0.0.1"),
            sample("20", 1, 5000, "raft"));
        final List<ThreadAllocDiff.Sample> after = List.of(sample("10", 1, 1640, "raft"),
            sample("10", 4, 100, "born"), sample("10", 3, 900, "RMI TCP Connection(1)-127.0.0.1"),
            sample("10", 5, 70, "Attach Listener"), sample("20", 1, 5320, "raft"));

        final ThreadAllocDiff.StoreDelta first = ThreadAllocDiff.delta("10", before, after);
        assertEquals(740, first.bytes());
        assertEquals(960, first.excludedBytes());
        assertEquals(2, first.newThreads());
        assertEquals(1, first.goneThreads());
        assertEquals(Map.of("raft", 640L, "born", 100L), first.byThread());

        final List<String> report = ThreadAllocDiff.report("put-1", new java.util.LinkedHashMap<>(
            Map.of("1", "10")), "1", 10, 1, before, after);
        assertEquals("ALLOC run=put-1 store=1 role=leader bytes=740 ops=10 b_per_op=74.0 excluded_bytes=960 "
            + "new_threads=2 gone_threads=1", report.get(0));
        assertEquals("ALLOC run=put-1 store=sum bytes=740 ops=10 b_per_op=74.0", report.get(1));
        assertEquals("THREAD run=put-1 store=1 bytes=640 b_per_op=64.0 name=raft", report.get(2));
    }

    private static ThreadAllocDiff.Sample sample(final String pid, final long tid, final long bytes,
        final String name) {
        return ThreadAllocDiff.Sample.parse("THREAD pid=" + pid + " tid=" + tid + " bytes=" + bytes + " name=" + name);
    }
}
