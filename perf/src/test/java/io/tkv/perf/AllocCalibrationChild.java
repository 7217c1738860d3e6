package io.tkv.perf;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;

/**
 * A JVM for {@link ThreadAllocSnapshotTest}: its thread {@code calibrate} allocates exactly {@link #ARRAYS} arrays
 * of {@link #ARRAY_LENGTH} bytes once a line arrives on stdin, then the JVM prints {@code done}; the thread and
 * the JVM end at EOF.
 */
public final class AllocCalibrationChild {
    static final int ARRAYS = 1024;
    static final int ARRAY_LENGTH = 65536;
    /** A byte[] takes a 16-byte header (64-bit JVM, compressed class pointers) plus its length, 8-byte aligned. */
    static final long EXPECTED_BYTES = ARRAYS * (16L + ARRAY_LENGTH);

    static volatile Object sink;

    private AllocCalibrationChild() {
    }

    public static void main(final String[] args) throws Exception {
        final CountDownLatch go = new CountDownLatch(1);
        final CountDownLatch allocated = new CountDownLatch(1);
        final CountDownLatch exit = new CountDownLatch(1);
        final Thread calibrate = new Thread(() -> {
            try {
                go.await();
                for (int i = 0; i < ARRAYS; i++) {
                    sink = new byte[ARRAY_LENGTH];
                }
                allocated.countDown();
                exit.await();   // alive for the second snapshot: a thread's counter goes with it
            } catch (final InterruptedException ex) {
                Thread.currentThread().interrupt();
            }
        }, "calibrate");
        calibrate.start();
        final BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        System.out.println("ready");
        System.out.flush();
        in.readLine();
        go.countDown();
        allocated.await();
        System.out.println("done");
        System.out.flush();
        while (in.readLine() != null) {
            // until the test closes stdin
        }
        exit.countDown();
    }
}
