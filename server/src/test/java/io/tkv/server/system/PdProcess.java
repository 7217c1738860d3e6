package io.tkv.server.system;

import io.tkv.server.PdServer;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A real {@code tkv-pd} process for system tests: started with the test classpath, waited on until it prints its
 * ready line, killed by SIGKILL or stopped by SIGTERM; its Aeron directory is removed in every path (the data dir is
 * the test's).
 */
final class PdProcess implements AutoCloseable {
    private static final long START_TIMEOUT_S = 60;

    private final Path dataDir;
    private final int port;
    private final String aeronDir;
    private final List<String> extraArgs;
    private final List<String> output = new ArrayList<>();
    private Process process;
    private Thread reader;
    private CountDownLatch ready;

    PdProcess(final Path dataDir, final int port, final String... extraArgs) {
        this.dataDir = dataDir;
        this.port = port;
        this.aeronDir = "/dev/shm/tkv-pdtest-" + ProcessHandle.current().pid() + "-" + port;
        this.extraArgs = List.of(extraArgs);
    }

    String endpoint() {
        return "127.0.0.1:" + port;
    }

    long pid() {
        return process.pid();
    }

    /** Starts the process; {@link #awaitReady()} waits for its ready line. */
    PdProcess launch() throws IOException {
        final List<String> command = new ArrayList<>();
        command.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
        for (final String flag : System.getProperty("tkv.test.jvm.flags",
            "--add-opens=java.base/jdk.internal.misc=ALL-UNNAMED").trim().split("\\s+")) {
            if (!flag.isEmpty()) {
                command.add(flag);
            }
        }
        command.addAll(List.of("-Xmx256m", "-Dorg.slf4j.simpleLogger.showDateTime=true",
            "-Dorg.slf4j.simpleLogger.dateTimeFormat=HH:mm:ss.SSS", "-cp", StoreProcess.classPath(),
            PdServer.class.getName(),
            "--listen", endpoint(), "--data-dir", dataDir.toString(), "--aeron-dir", aeronDir,
            "--exit-with", String.valueOf(ProcessHandle.current().pid())));
        command.addAll(extraArgs);
        final ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        // RocksDB copies its native library to a temp file deleted only at a clean exit: a kill -9 would leave
        // one in /tmp per launch. Next to the data dir, it goes with the test's temp dir.
        builder.environment().put("ROCKSDB_SHAREDLIB_DIR",
            Files.createDirectories(StoreProcess.nativeDir(dataDir)).toString());
        process = builder.start();
        final CountDownLatch started = new CountDownLatch(1);
        ready = started;
        reader = new Thread(() -> pump(started), "pd-" + port + "-output");
        reader.setDaemon(true);
        reader.start();
        return this;
    }

    /** Waits for the ready line; kills the process if it never comes. */
    PdProcess awaitReady() throws InterruptedException {
        if (!ready.await(START_TIMEOUT_S, TimeUnit.SECONDS)) {
            kill();
            throw new IllegalStateException("tkv-pd did not become ready; output:\n" + output());
        }
        return this;
    }

    private void pump(final CountDownLatch started) {
        try (BufferedReader in = new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                synchronized (output) {
                    output.add(line);
                }
                if (line.startsWith(PdServer.READY_LINE)) {
                    started.countDown();
                }
            }
        } catch (final IOException ignore) {
            // the process went away
        }
    }

    String output() {
        synchronized (output) {
            return String.join("\n", output);
        }
    }

    /** SIGKILL: no shutdown hooks, no final sync. */
    void kill() throws InterruptedException {
        try {
            if (process != null && process.isAlive()) {
                process.destroyForcibly();
                process.waitFor(30, TimeUnit.SECONDS);
            }
        } finally {
            StoreProcess.deleteTree(Paths.get(aeronDir));
            StoreProcess.deleteTree(StoreProcess.nativeDir(dataDir));
        }
    }

    /** @return whether SIGTERM stopped it cleanly (its "PD member stopped" line printed). */
    boolean stop() throws InterruptedException {
        if (process == null) {
            return false;
        }
        process.toHandle().destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
        }
        reader.join(10_000);
        StoreProcess.deleteTree(Paths.get(aeronDir));
        StoreProcess.deleteTree(StoreProcess.nativeDir(dataDir));
        return output().contains("PD member stopped");
    }

    @Override
    public void close() throws InterruptedException {
        kill();
    }
}
