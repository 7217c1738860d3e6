package io.tkv.perf;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;

/** {@code --target} and {@code --etcd-endpoints} are checked before anything starts or connects. */
class LoadHarnessTargetOptionsTest {
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "--target etcd|--target etcd needs --etcd-endpoints",
        "--etcd-endpoints http://127.0.0.1:2379|--etcd-endpoints needs --target etcd",
        "--target etcd --etcd-endpoints ftp://127.0.0.1:2379|must be http:// or https://",
        "--target etcd --etcd-endpoints http://127.0.0.1:2379 --embedded|not with --target etcd",
        "--target etcd --etcd-endpoints http://127.0.0.1:2379 --endpoint 127.0.0.1:20160|not with --target etcd",
        "--target etcdx --etcd-endpoints http://127.0.0.1:2379|--target"})
    void shouldRefuseAMismatchedTargetBeforeStartingAnything(final String args, final String message) {
        final ByteArrayOutputStream stderr = new ByteArrayOutputStream();
        final LoadHarness harness = new LoadHarness(new PrintStream(new ByteArrayOutputStream()),
            new PrintStream(stderr, true, StandardCharsets.UTF_8));
        final int exit = new CommandLine(harness).setCaseInsensitiveEnumValuesAllowed(true)
            .setErr(new PrintWriter(stderr, true))
            .execute(args.split(" "));
        final String err = stderr.toString(StandardCharsets.UTF_8);
        assertTrue(exit != 0, err);
        assertTrue(err.contains(message), err);
        assertTrue(!err.contains("starting an embedded store"), err);
    }
}
