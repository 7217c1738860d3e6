package io.tkv.server.system;

import io.tkv.server.TkvServer;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.DatagramSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real {@code tkv-server} process for system tests: started with the test classpath, waited on until it prints
 * its ready line, frozen by SIGSTOP and resumed by SIGCONT, stopped by SIGTERM or killed by SIGKILL, and cleaned up
 * (aeron dir, data dir) even when a test fails; a frozen process is resumed before it is stopped or killed.
 */
final class StoreProcess implements AutoCloseable {
    private static final long START_TIMEOUT_S = 60;

    private final Path dataDir;
    private final String aeronDir;
    private final String host;
    private final int port;
    private final List<String> launcher;
    private final List<String> extraArgs;
    private final List<String> output = new ArrayList<>();
    private Process process;
    private Thread reader;
    private CountDownLatch ready;
    private boolean suspended;

    StoreProcess(final Path dataDir, final int port, final String... extraArgs) {
        this(dataDir, "127.0.0.1", port, List.of(), extraArgs);
    }

    /**
     * @param host     the address the store listens on.
     * @param launcher a command prefix the JVM is run under (e.g. {@code ip netns exec NS}), which must exec it so
     *                 the process started is the store itself; empty for none.
     */
    StoreProcess(
        final Path dataDir, final String host, final int port, final List<String> launcher,
        final String... extraArgs) {
        this.dataDir = dataDir;
        this.host = host;
        this.port = port;
        this.launcher = List.copyOf(launcher);
        this.aeronDir = "/dev/shm/tkv-systest-" + ProcessHandle.current().pid() + "-" + port;
        this.extraArgs = List.of(extraArgs);
    }

    /** @return a UDP port free on 127.0.0.1 right now. */
    static int freePort() throws IOException {
        try (DatagramSocket socket = new DatagramSocket(0, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    String endpoint() {
        return host + ":" + port;
    }

    long pid() {
        return process.pid();
    }

    /** @return the store's Aeron directory: its driver's counters file (the store's counters) is there. */
    String aeronDir() {
        return aeronDir;
    }

    /** SIGSTOP: the whole process freezes (every thread, its embedded media driver too), as in a long stall. */
    void suspend() throws InterruptedException {
        suspended = true;
        HostCommand.must("kill", "-STOP", String.valueOf(process.pid()));
    }

    /**
     * SIGCONT after {@link #suspend()}; nothing if it is not suspended. Best effort (the process may have exited), so
     * it can run in every clean-up path.
     */
    void resume() throws InterruptedException {
        if (suspended) {
            suspended = false;
            HostCommand.succeeds("kill", "-CONT", String.valueOf(process.pid()));
        }
    }

    /** Starts the process and waits for its ready line. */
    StoreProcess start() throws IOException, InterruptedException {
        launch();
        awaitReady();
        return this;
    }

    /** Starts the process; {@link #awaitReady()} waits for it to be ready. */
    void launch() throws IOException {
        final List<String> command = new ArrayList<>(launcher);
        command.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
        // The flags surefire gave this JVM (Agrona's, Chronicle's, Java 24+'s), passed on by the pom.
        for (final String flag : System.getProperty("tkv.test.jvm.flags",
            "--add-opens=java.base/jdk.internal.misc=ALL-UNNAMED").trim().split("\\s+")) {
            if (!flag.isEmpty()) {
                command.add(flag);
            }
        }
        command.add("-Xmx512m");
        command.add("-cp");
        command.add(classPath());
        command.add(TkvServer.class.getName());
        command.add("--listen");
        command.add(endpoint());
        command.add("--data-dir");
        command.add(dataDir.toString());
        command.add("--aeron-dir");
        command.add(aeronDir);
        command.add("--exit-with");
        command.add(String.valueOf(ProcessHandle.current().pid()));
        command.addAll(extraArgs);
        final ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        // RocksDB copies its native library to a temp file deleted only at a clean exit: a kill -9 would leave
        // one in /tmp per launch. Next to the data dir, it goes with the test's temp dir.
        builder.environment().put("ROCKSDB_SHAREDLIB_DIR", Files.createDirectories(nativeDir(dataDir)).toString());
        process = builder.start();
        final CountDownLatch started = new CountDownLatch(1);
        ready = started;
        reader = new Thread(() -> pump(started), "store-" + port + "-output");
        reader.setDaemon(true);
        reader.start();
    }

    /** Waits for the ready line of the process {@link #launch()} started; kills it if it never comes. */
    void awaitReady() throws InterruptedException {
        if (!ready.await(START_TIMEOUT_S, TimeUnit.SECONDS)) {
            kill();
            throw new IllegalStateException("tkv-server did not become ready; output:\n" + output());
        }
    }

    private void pump(final CountDownLatch ready) {
        try (BufferedReader in = new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                synchronized (output) {
                    output.add(line);
                }
                if (line.startsWith(TkvServer.READY_LINE)) {
                    ready.countDown();
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

    /**
     * SIGKILL: no shutdown hooks, no final sync. The Aeron directory is removed even if the wait is interrupted (a
     * test that timed out closes its stores from an interrupted thread).
     */
    void kill() throws InterruptedException {
        try {
            if (process != null && process.isAlive()) {
                // SIGKILL ends a stopped process too; resuming it first leaves nothing stopped if the kill fails.
                resume();
                process.destroyForcibly();
                process.waitFor(30, TimeUnit.SECONDS);
            }
        } finally {
            deleteAeronDir();
        }
    }

    /**
     * SIGTERM and wait for the process to exit and its output to be read.
     *
     * @return whether it shut down cleanly: exit status 0 or 143 (the JVM's status after SIGTERM) and its
     *     "store stopped" line printed.
     */
    boolean stop() throws InterruptedException {
        if (process == null) {
            return false;
        }
        // A stopped process would hold SIGTERM pending until the wait below gave up.
        resume();
        // Process.destroy() would also close our end of its output pipe; signal through the handle instead so
        // the store's shutdown log is still read.
        process.toHandle().destroy();
        final boolean exited = process.waitFor(30, TimeUnit.SECONDS);
        if (!exited) {
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
        }
        reader.join(10_000);
        deleteAeronDir();
        final int status = process.exitValue();
        return exited && (status == 0 || status == 143) && output().contains("store stopped");
    }

    /**
     * For a process expected to refuse to start: waits for it to exit and its output to be read.
     *
     * @return its exit status.
     */
    int awaitExit(final long timeoutS) throws InterruptedException {
        if (!process.waitFor(timeoutS, TimeUnit.SECONDS)) {
            kill();
            throw new IllegalStateException("tkv-server did not exit; output:\n" + output());
        }
        reader.join(10_000);
        deleteAeronDir();
        return process.exitValue();
    }

    @Override
    public void close() throws InterruptedException {
        kill();
    }

    private void deleteAeronDir() {
        deleteTree(Paths.get(aeronDir));
        deleteTree(nativeDir(dataDir));
    }

    static void deleteTree(final Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (final IOException ignore) {
            // best effort
        }
    }

    /** @return where a process with this data dir has RocksDB put its native library (ROCKSDB_SHAREDLIB_DIR). */
    static Path nativeDir(final Path dataDir) {
        return dataDir.resolveSibling(dataDir.getFileName() + ".native");
    }

    /** @return the test's class path, for processes started from it. */
    static String classPath() {
        final String surefire = System.getProperty("surefire.test.class.path");
        return surefire != null && !surefire.isEmpty() ? surefire : System.getProperty("java.class.path");
    }
}
