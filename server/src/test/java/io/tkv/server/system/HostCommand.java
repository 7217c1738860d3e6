package io.tkv.server.system;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/** Runs a program of the host for a system test (mount, ip, ...), waiting at most 30 s for it. */
final class HostCommand {
    private static final long TIMEOUT_S = 30;

    private HostCommand() {
    }

    /** @return "" if the command ran and exited 0, else why not: no such program, timed out, or status and output. */
    static String failureOf(final String... command) throws InterruptedException {
        final Process process;
        try {
            process = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (final IOException noSuchProgram) {
            return noSuchProgram.toString();
        }
        final String out = readAll(process);
        if (!process.waitFor(TIMEOUT_S, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            return "timed out";
        }
        return process.exitValue() == 0 ? "" : "exit " + process.exitValue() + ": " + out.trim();
    }

    /** @return whether the command ran and exited 0. */
    static boolean succeeds(final String... command) throws InterruptedException {
        return failureOf(command).isEmpty();
    }

    /** Runs the command; throws, naming it, unless it exits 0. */
    static void must(final String... command) throws InterruptedException {
        final String failure = failureOf(command);
        if (!failure.isEmpty()) {
            throw new IllegalStateException(String.join(" ", command) + " failed: " + failure);
        }
    }

    /** @return what the command printed (stdout and stderr), whatever its exit status. */
    static String outputOf(final String... command) throws IOException, InterruptedException {
        final Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        final String out = readAll(process);
        if (!process.waitFor(TIMEOUT_S, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
        return out;
    }

    private static String readAll(final Process process) {
        try {
            return new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        } catch (final IOException gone) {
            return "";
        }
    }
}
