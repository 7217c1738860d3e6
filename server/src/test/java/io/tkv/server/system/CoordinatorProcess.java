package io.tkv.server.system;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * A {@link TxnCoordinatorMain} process, started with the test classpath, whose output lines are collected and waited
 * for; {@link #kill()} sends SIGKILL and removes the Aeron dirs its clients' embedded media drivers left under
 * /dev/shm (named after its pid, as {@link io.tkv.client.ClientConfig} names them).
 */
final class CoordinatorProcess implements AutoCloseable {
    private static final Path SHM = Paths.get("/dev/shm");

    private final List<String> output = new ArrayList<>();
    private final Process process;

    private CoordinatorProcess(final Process process) {
        this.process = process;
        final Thread reader = new Thread(this::pump, "coordinator-output");
        reader.setDaemon(true);
        reader.start();
    }

    /** Starts the coordinator in {@code mode} ({@code phases} or {@code loop}) against the cluster. */
    static CoordinatorProcess start(final String mode, final String pdEndpoint, final List<String> storeEndpoints)
        throws IOException {
        final List<String> command = new ArrayList<>();
        command.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
        for (final String flag : System.getProperty("tkv.test.jvm.flags",
            "--add-opens=java.base/jdk.internal.misc=ALL-UNNAMED").trim().split("\\s+")) {
            if (!flag.isEmpty()) {
                command.add(flag);
            }
        }
        command.addAll(List.of("-Xmx256m", "-Dtkv.coordinator.parent=" + ProcessHandle.current().pid(),
            "-cp", StoreProcess.classPath(), TxnCoordinatorMain.class.getName(), mode, pdEndpoint));
        command.addAll(storeEndpoints);
        return new CoordinatorProcess(new ProcessBuilder(command).redirectErrorStream(true).start());
    }

    long pid() {
        return process.pid();
    }

    private void pump() {
        try (BufferedReader in = new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                synchronized (output) {
                    output.add(line);
                    output.notifyAll();
                }
            }
        } catch (final IOException ignore) {
            // the process went away
        }
    }

    /**
     * @return the first line that matches, once printed.
     * @throws IllegalStateException if none within the timeout or the process exited first.
     */
    String awaitLine(final Predicate<String> match, final long timeoutMs) throws InterruptedException {
        final long deadline = System.currentTimeMillis() + timeoutMs;
        synchronized (output) {
            while (true) {
                for (final String line : output) {
                    if (match.test(line)) {
                        return line;
                    }
                }
                final long leftMs = deadline - System.currentTimeMillis();
                if (leftMs <= 0 || !process.isAlive()) {
                    throw new IllegalStateException("coordinator never printed the line awaited; output:\n" +
                        String.join("\n", output));
                }
                output.wait(Math.min(leftMs, 100));
            }
        }
    }

    /** @return the lines printed so far. */
    List<String> lines() {
        synchronized (output) {
            return List.copyOf(output);
        }
    }

    /** kill -9, and its embedded drivers' Aeron dirs removed. */
    void kill() throws InterruptedException {
        try {
            if (process.isAlive()) {
                process.destroyForcibly();
                process.waitFor(30, TimeUnit.SECONDS);
            }
        } finally {
            final String prefix = "tkv-client-" + process.pid() + "-";
            try (Stream<Path> dirs = Files.list(SHM)) {
                dirs.filter(dir -> dir.getFileName().toString().startsWith(prefix)).forEach(StoreProcess::deleteTree);
            } catch (final IOException ignore) {
                // best effort
            }
        }
    }

    @Override
    public void close() throws InterruptedException {
        kill();
    }
}
