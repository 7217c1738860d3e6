package io.tkv.ops;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The ops/bin and perf/bin scripts (and .ci/run), run with bash on a copy of them in a temp directory, with stub
 * {@code mvn} and {@code java} commands first on the PATH that record their arguments: the stub build makes empty
 * jars, the stub server prints its ready line and sleeps until stopped, the stub tkv-ctl and load harness print what
 * the real ones print on success. No store starts and nothing is built; every stub process is gone after each test.
 * A stub records a call as one line in one write: three stores start at once, and their lines must not interleave.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class ScriptsTest {
    private static final Path REPO = findRepo();
    private static final String MVN_BUILD = "<-B><-q><-DskipTests><package>";
    private static final String MVN_STUB = """
        #!/usr/bin/env bash
        printf '%s\\n' "$(printf '<%s>' "$@")" >> "$STUB_CALLS/mvn"
        case " $* " in *" -version "*) echo "Apache Maven 3.8.7 (stub)"; exit 0 ;; esac
        if [ -n "${STUB_MVN_FAIL:-}" ]; then exit 1; fi
        case " $* " in
            *" package "*)
                mkdir -p ops/target/lib perf/target
                touch ops/target/tkv-ops-0.1.0-SNAPSHOT.jar perf/target/tkv-perf-0.1.0-SNAPSHOT-jar-with-deps.jar ;;
        esac
        """;
    /** flock FILE COMMAND...: runs the command without taking any lock (the test may run under the real one). */
    private static final String FLOCK_STUB = """
        #!/usr/bin/env bash
        printf '%s\\n' "$(printf '<%s>' "$@")" >> "$STUB_CALLS/flock"
        shift
        exec "$@"
        """;
    private static final String JAVA_STUB = """
        #!/usr/bin/env bash
        printf '%s\\n' "$(printf '<%s>' "$@")" >> "$STUB_CALLS/java"
        for arg in "$@"; do
            if [ "$arg" = -version ]; then
                echo 'openjdk version "17.0.2" 2022-01-18 (stub)' >&2
                echo '    java.specification.version = 17' >&2
                exit 0
            fi
        done
        case " $* " in
            *" io.tkv.server.TkvServer "*)
                if [ -n "${STUB_SERVER_FAIL:-}" ]; then echo "stub: address in use" >&2; exit 1; fi
                echo $$ >> "$STUB_CALLS/servers"
                echo "tkv-server ready (stub)"
                exec sleep "${STUB_SERVER_SECONDS:-60}" ;;
            *" io.tkv.server.PdServer "*)
                echo $$ >> "$STUB_CALLS/servers"
                echo "tkv-pd ready (stub)"
                exec sleep "${STUB_SERVER_SECONDS:-60}" ;;
            *" io.tkv.ops.TkvCtl put "*)
                if [ -n "${STUB_CTL_FAIL:-}" ]; then echo "tkv-ctl: TIMEOUT: no reply (stub)" >&2; exit 3; fi
                echo OK ;;
            *" io.tkv.ops.TkvCtl get "*) echo "hello from tkv" ;;
            *" io.tkv.perf.LoadHarness "*)
                workload=stub in_flight=1 target=tkv
                while [ $# -gt 0 ]; do
                    case $1 in --workload) workload=$2 ;; --in-flight) in_flight=$2 ;; --target) target=$2 ;; esac
                    shift
                done
                echo "RESULT workload=$workload in_flight=$in_flight target=$target ops=10 ops_per_s=5.0" \\
                    "p50_us=100.0 p99_us=200.0 p999_us=300.0 max_us=400.0 errors=${STUB_HARNESS_ERRORS:-0}" ;;
            *" io.tkv.perf.TxnBench "*)
                # The n-th run reports n * 10 txn/s, so the script's median over runs is seen to be one.
                echo "RESULT row=1pc regions=1 in_flight=1 txns=10" \\
                    "txn_per_s=$(( $(grep -c 'io[.]tkv[.]perf[.]TxnBench' "$STUB_CALLS/java") * 10 )).0" \\
                    "p50_us=100.0 p99_us=200.0 p999_us=300.0 max_us=400.0 errors=0 errors_per_s=0.0" ;;
            *" io.tkv.perf.LogSyncBench "*) echo "RESULT log-sync entries=2000 bytes=300 p50_us=1 p90_us=2 p99_us=3" ;;
        esac
        """;

    /** etcd: a member records its flags, then sleeps until stopped, as the stub server does. */
    private static final String ETCD_STUB = """
        #!/usr/bin/env bash
        printf '%s\\n' "$(printf '<%s>' "$@")" >> "$STUB_CALLS/etcd"
        case " $* " in *" --version "*) echo "etcd Version: 3.4.23 (stub)"; exit 0 ;; esac
        echo $$ >> "$STUB_CALLS/servers"
        echo "ready to serve client requests (stub)" >&2
        exec sleep "${STUB_SERVER_SECONDS:-60}"
        """;
    /** etcdctl: healthy, unless STUB_ETCD_UNHEALTHY. */
    private static final String ETCDCTL_STUB = """
        #!/usr/bin/env bash
        printf '%s\\n' "$(printf '<%s>' "$@")" >> "$STUB_CALLS/etcdctl"
        if [ -n "${STUB_ETCD_UNHEALTHY:-}" ]; then echo "unhealthy cluster (stub)" >&2; exit 1; fi
        echo "127.0.0.1 is healthy: successfully committed proposal (stub)"
        """;

    /** jcmd (bench-alloc's JFR recordings and VM flags): records its arguments, answers nothing. */
    private static final String JCMD_STUB = """
        #!/usr/bin/env bash
        printf '%s\\n' "$(printf '<%s>' "$@")" >> "$STUB_CALLS/jcmd"
        """;

    @TempDir
    Path dir;
    private Path root;
    private Path calls;
    private Path stubs;

    private record Run(int code, String out, String err) {
        String all() {
            return "exit " + code + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }

    private static Path findRepo() {
        Path candidate = Path.of("").toAbsolutePath();
        while (candidate != null && !Files.exists(candidate.resolve("ops/bin/tkv-env.sh"))) {
            candidate = candidate.getParent();
        }
        if (candidate == null) {
            throw new IllegalStateException("no ops/bin/tkv-env.sh above " + Path.of("").toAbsolutePath());
        }
        return candidate;
    }

    @BeforeEach
    void copyScriptsAndStubs() throws IOException {
        root = dir.resolve("tkv");
        calls = dir.resolve("calls");
        stubs = dir.resolve("stubs");
        Files.createDirectories(calls);
        Files.createDirectories(stubs);
        for (final String scripts : List.of("ops/bin", "perf/bin", ".ci")) {
            Files.createDirectories(root.resolve(scripts));
            try (Stream<Path> files = Files.list(REPO.resolve(scripts))) {
                for (final Path file : (Iterable<Path>)files::iterator) {
                    Files.copy(file, root.resolve(scripts).resolve(file.getFileName()),
                        StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
        Files.writeString(stubs.resolve("mvn"), MVN_STUB);
        Files.writeString(stubs.resolve("java"), JAVA_STUB);
        Files.writeString(stubs.resolve("flock"), FLOCK_STUB);
        Files.writeString(stubs.resolve("etcd"), ETCD_STUB);
        Files.writeString(stubs.resolve("etcdctl"), ETCDCTL_STUB);
        Files.writeString(stubs.resolve("jcmd"), JCMD_STUB);
        for (final String stub : List.of("mvn", "java", "flock", "etcd", "etcdctl", "jcmd")) {
            assertTrue(stubs.resolve(stub).toFile().setExecutable(true));
        }
    }

    @AfterEach
    void stopStubServers() throws IOException {
        final Path servers = calls.resolve("servers");
        if (Files.exists(servers)) {
            for (final String pid : Files.readAllLines(servers)) {
                ProcessHandle.of(Long.parseLong(pid.trim()))
                    .filter(process -> process.info().command().map(command -> command.endsWith("sleep")).orElse(false))
                    .ifPresent(ProcessHandle::destroyForcibly);
            }
        }
    }

    private Run run(final Map<String, String> env, final String script, final String... args)
        throws IOException, InterruptedException {
        final List<String> command = new ArrayList<>();
        command.add("bash");
        command.add(root.resolve(script).toString());
        command.addAll(Arrays.asList(args));
        final ProcessBuilder builder = new ProcessBuilder(command).directory(root.toFile());
        final Map<String, String> environment = builder.environment();
        environment.keySet().removeIf(name -> name.startsWith("TKV_") || name.startsWith("STUB_"));
        environment.put("PATH", stubs + ":" + System.getenv("PATH"));
        environment.put("STUB_CALLS", calls.toString());
        // Ports nobody uses here, so the scripts' clean-up of /dev/shm/tkv-store-<port> touches nothing real.
        environment.put("TKV_DEMO_PORT", "29990");
        environment.put("PORT", "29980");
        environment.put("BASE_PORT", "29970");
        environment.put("PREWARM", "1");
        environment.putAll(env);
        final Path out = dir.resolve("out.txt");
        final Path err = dir.resolve("err.txt");
        builder.redirectOutput(out.toFile()).redirectError(err.toFile()).redirectInput(ProcessBuilder.Redirect.PIPE);
        final Process process = builder.start();
        process.getOutputStream().close();
        if (!process.waitFor(90, TimeUnit.SECONDS)) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            fail(script + " did not finish in 90 s: " + Files.readString(err));
        }
        return new Run(process.exitValue(), Files.readString(out), Files.readString(err));
    }

    private Run run(final String script, final String... args) throws IOException, InterruptedException {
        return run(Map.of(), script, args);
    }

    private List<String> calls(final String stub) throws IOException {
        final Path file = calls.resolve(stub);
        return Files.exists(file) ? Files.readAllLines(file, StandardCharsets.UTF_8) : List.of();
    }

    private List<String> javaRuns(final String mainClass) throws IOException {
        return calls("java").stream().filter(line -> line.contains("<" + mainClass + ">")).toList();
    }

    /** The jars and the stamp the scripts' last build leaves. */
    private void givenBuilt() throws IOException {
        Files.createDirectories(root.resolve("ops/target/lib"));
        Files.createDirectories(root.resolve("perf/target"));
        for (final String file : List.of("ops/target/tkv-ops-0.1.0-SNAPSHOT.jar",
            "perf/target/tkv-perf-0.1.0-SNAPSHOT-jar-with-deps.jar", "ops/target/tkv-scripts-built.stamp")) {
            Files.writeString(root.resolve(file), "");
        }
    }

    private static int count(final String text, final String part) {
        int count = 0;
        for (int at = text.indexOf(part); at >= 0; at = text.indexOf(part, at + part.length())) {
            count++;
        }
        return count;
    }

    /** Every script a user runs, with arguments that make it build first (tkv-cluster builds on start only). */
    static Stream<List<String>> scripts() throws IOException {
        final List<List<String>> scripts = new ArrayList<>();
        for (final String dir : List.of("ops/bin", "perf/bin")) {
            try (Stream<Path> files = Files.list(findRepo().resolve(dir))) {
                files.map(file -> file.getFileName().toString())
                    .filter(name -> !name.endsWith(".sh"))
                    .sorted()
                    .forEach(name -> scripts.add(name.equals("tkv-cluster")
                        ? List.of(dir + "/" + name, "start") : List.of(dir + "/" + name)));
            }
        }
        return scripts.stream();
    }

    @ParameterizedTest
    @MethodSource("scripts")
    void shouldBuildWhenNoJarExistsInsteadOfDying(final List<String> script) throws Exception {
        // tkv-server and tkv-pd run their server in the foreground: its stub exits at once. bench-idle-regions
        // waits SETTLE + IDLE seconds for each region count: barely, the stub stores do nothing.
        final String name = script.get(0).substring(script.get(0).lastIndexOf('/') + 1);
        final Map<String, String> env = switch (name) {
            case "tkv-server", "tkv-pd" -> Map.of("STUB_SERVER_SECONDS", "0");
            case "bench-idle-regions" -> Map.of("SETTLE", "0", "IDLE", "0.1");
            // The stub stores write no GC log to count pauses in.
            case "bench-alloc" -> Map.of("GC_DURATION", "0");
            default -> Map.of();
        };
        final Run run = run(env, script.get(0), script.subList(1, script.size()).toArray(String[]::new));

        assertEquals(0, run.code(), run.all());
        assertEquals(List.of(MVN_BUILD), calls("mvn"), "one build, tests skipped: " + run.all());
        assertTrue(run.err().contains("building tkv (no jars yet)"), run.all());
        assertFalse(calls("java").stream().filter(line -> !line.contains("<-version>")).toList().isEmpty(),
            "the script ran its program: " + run.all());
        if (script.get(0).endsWith("tkv-cluster")) {
            assertEquals(1, javaRuns("io.tkv.server.PdServer").size(), run.all());
            assertEquals(3, javaRuns("io.tkv.server.TkvServer").size(), run.all());
            assertTrue(javaRuns("io.tkv.server.TkvServer").get(0).contains("<--pd><127.0.0.1:2379>"), run.all());
            assertEquals(0, run("ops/bin/tkv-cluster", "stop").code());
        }
    }

    @Test
    void shouldTakeTheBuildLockOnlyWhenAsked() throws Exception {
        final Run unlocked = run("ops/bin/tkv-ctl", "--help");
        assertEquals(0, unlocked.code(), unlocked.all());
        assertEquals(List.of(), calls("flock"), "a script run under the lock must not wait for it: " + unlocked.all());

        Files.delete(root.resolve("ops/target/tkv-ops-0.1.0-SNAPSHOT.jar"));
        final String lock = dir.resolve("build.lock").toString();
        final Run locked = run(Map.of("TKV_BUILD_LOCK", lock), "ops/bin/tkv-ctl", "--help");
        assertEquals(0, locked.code(), locked.all());
        assertEquals(List.of("<" + lock + "><mvn>" + MVN_BUILD), calls("flock"), locked.all());
    }

    @Test
    void shouldBuildOnlyWhenAMainSourceChangedSinceTheLastBuild() throws Exception {
        givenBuilt();
        assertEquals(0, run("ops/bin/tkv-ctl", "--help").code());
        assertEquals(List.of(), calls("mvn"), "jars up to date: no build");

        final Path source = root.resolve("server/src/main/java/io/tkv/server/Changed.java");
        Files.createDirectories(source.getParent());
        Files.writeString(source, "class Changed {}");
        Files.setLastModifiedTime(source, FileTime.from(Instant.now().plusSeconds(5)));
        final Run run = run("ops/bin/tkv-ctl", "--help");
        assertEquals(0, run.code(), run.all());
        assertEquals(List.of(MVN_BUILD), calls("mvn"), run.all());
        assertTrue(run.err().contains("building tkv (sources changed)"), run.all());
    }

    @Test
    void shouldPassTheUsersDataDirOnceAndNoneOfItsOwn() throws Exception {
        givenBuilt();
        final Map<String, String> foreground = Map.of("STUB_SERVER_SECONDS", "0");
        final Run withFlag = run(foreground, "ops/bin/tkv-server", "--config", "my.toml", "--listen",
            "127.0.0.1:20161", "--data-dir", "/srv/tkv");
        assertEquals(0, withFlag.code(), withFlag.all());
        final String server = javaRuns("io.tkv.server.TkvServer").get(0);
        assertEquals(1, count(server, "<--data-dir>"), server);
        assertTrue(server.endsWith("<io.tkv.server.TkvServer><--config><my.toml><--listen><127.0.0.1:20161>"
            + "<--data-dir></srv/tkv>"), server);

        Files.delete(calls.resolve("java"));
        final Run withConfig = run(foreground, "ops/bin/tkv-server", "--config", "my.toml");
        assertEquals(0, withConfig.code(), withConfig.all());
        final String configured = javaRuns("io.tkv.server.TkvServer").get(0);
        assertEquals(0, count(configured, "<--data-dir>"), "the config file's data-dir holds: " + configured);
        assertTrue(configured.endsWith("<io.tkv.server.TkvServer><--config><my.toml>"), configured);
    }

    @ParameterizedTest
    @MethodSource("scripts")
    void shouldSayWhyWhenTheBuildFails(final List<String> script) throws Exception {
        final String name = Path.of(script.get(0)).getFileName().toString();
        final Run run = run(Map.of("STUB_MVN_FAIL", "1"), script.get(0),
            script.subList(1, script.size()).toArray(String[]::new));

        assertTrue(run.code() != 0, run.all());
        assertTrue(run.err().contains(name + ": the build failed (mvn -B -q -DskipTests package in "), run.all());
        assertEquals(List.of(), javaRuns("io.tkv.server.TkvServer"), run.all());
    }

    @Test
    void shouldEndTheDemoWithItsResultLine() throws Exception {
        final Run run = run(Map.of("TKV_DEMO_SECONDS", "2"), "ops/bin/tkv-demo");

        assertEquals(0, run.code(), run.all());
        final String[] lines = run.out().split("\n");
        assertEquals("DEMO OK put_ops_per_s=5.0 put_p50_us=100.0 get_ops_per_s=5.0 get_p50_us=100.0 errors=0",
            lines[lines.length - 1], run.all());
        final List<String> harness = javaRuns("io.tkv.perf.LoadHarness");
        assertEquals(2, harness.size(), run.all());
        assertTrue(harness.get(0).contains("<--duration><2>"), harness.get(0));
        final String server = javaRuns("io.tkv.server.TkvServer").get(0);
        assertTrue(server.endsWith("<--listen><127.0.0.1:29990><--data-dir><./data>"), server);
    }

    @Test
    void shouldFailTheDemoWithoutItsResultLineWhenRequestsFailed() throws Exception {
        final Run run = run(Map.of("STUB_HARNESS_ERRORS", "2"), "ops/bin/tkv-demo");

        assertEquals(1, run.code(), run.all());
        assertFalse(run.out().contains("DEMO OK"), run.all());
        assertTrue(run.err().contains("tkv-demo: 4 requests failed during the workload"), run.all());
    }

    @Test
    void shouldNameTheFailedCommandWhenTheDemoFails() throws Exception {
        final Run run = run(Map.of("STUB_CTL_FAIL", "1"), "ops/bin/tkv-demo");

        assertEquals(3, run.code(), run.all());
        assertFalse(run.out().contains("DEMO OK"), run.all());
        assertTrue(run.err().contains("tkv-ctl: TIMEOUT: no reply (stub)"), run.all());
        assertTrue(run.err().contains("tkv-demo: failed (exit 3) at tkv-demo line "), run.all());
        assertTrue(run.err().contains(" in ctl, called at tkv-demo line "), run.all());
        assertTrue(run.err().contains("io.tkv.ops.TkvCtl \"$command\""), run.all());
    }

    @ParameterizedTest
    @ValueSource(strings = {"ops/bin/tkv-demo", "perf/bin/bench-process", "perf/bin/bench-cluster",
        "perf/bin/bench-peers", "perf/bin/bench-alloc"})
    void shouldSayWhenTheServerDoesNotStart(final String script) throws Exception {
        givenBuilt();
        final Run run = run(Map.of("STUB_SERVER_FAIL", "1"), script);

        assertEquals(1, run.code(), run.all());
        assertTrue(run.err().contains("stub: address in use"), "the server's log is shown: " + run.all());
        assertTrue(run.err().contains(Path.of(script).getFileName() + ": "), run.all());
    }

    @Test
    void shouldRunTheTxnBenchAgainstPdAndThreeStoresPerRunAndPrintMedians() throws Exception {
        givenBuilt();
        final Run run = run(Map.of("RUNS", "3"), "perf/bin/bench-txn", "--zipf-keys", "500");

        assertEquals(0, run.code(), run.all());
        assertEquals(3, javaRuns("io.tkv.server.PdServer").size(), "a fresh PD per run: " + run.all());
        final List<String> stores = javaRuns("io.tkv.server.TkvServer");
        assertEquals(9, stores.size(), run.all());
        assertTrue(stores.stream().allMatch(store -> store.contains("<--pd><127.0.0.1:29973>")), stores.toString());
        final List<String> bench = javaRuns("io.tkv.perf.TxnBench");
        assertEquals(3, bench.size(), run.all());
        assertTrue(bench.get(0).contains("<--stores><127.0.0.1:29970,127.0.0.1:29971,127.0.0.1:29972>"
            + "<--admin-secret-file>"), bench.get(0));
        assertTrue(bench.get(0).endsWith("<--zipf-keys><500>"), "the user's options last: " + bench.get(0));
        assertTrue(run.out().contains("MEDIAN row=1pc in_flight=1 runs=3 txn_per_s=20.0 p50_us=100.0 p99_us=200.0"),
            run.all());
        assertEquals(List.of(), Files.readAllLines(calls.resolve("servers")).stream()
            .filter(pid -> ProcessHandle.of(Long.parseLong(pid.trim())).map(ProcessHandle::isAlive).orElse(false))
            .toList(), "every stub server stopped by the script");
    }

    @Test
    void shouldRunEtcdAfterTkvStopEveryMemberAndPrintOneTable() throws Exception {
        givenBuilt();
        final Run run = run(Map.of("RUNS", "2"), "perf/bin/bench-peers");

        assertEquals(0, run.code(), run.all());
        assertEquals(3, javaRuns("io.tkv.server.TkvServer").size(), run.all());
        // The members start in the background: their calls are recorded in any order.
        final List<String> members = calls("etcd").stream().filter(line -> !line.equals("<--version>")).sorted()
            .toList();
        assertEquals(3, members.size(), run.all());
        final String initial = "<--initial-cluster><e1=http://127.0.0.1:29990,e2=http://127.0.0.1:29991,"
            + "e3=http://127.0.0.1:29992>";
        for (int i = 0; i < 3; i++) {
            assertTrue(members.get(i).contains("<--listen-client-urls><http://127.0.0.1:" + (29980 + i) + ">"),
                members.get(i));
            assertTrue(members.get(i).contains(initial), members.get(i));
            assertTrue(members.get(i).contains("<--quota-backend-bytes><8589934592>"), members.get(i));
        }
        final String urls = "http://127.0.0.1:29980,http://127.0.0.1:29981,http://127.0.0.1:29982";
        assertTrue(calls("etcdctl").get(0).contains("<--endpoints><" + urls + "><"), calls("etcdctl").toString());

        final List<String> harness = javaRuns("io.tkv.perf.LoadHarness");
        assertEquals(1 + 2 * 3 + 1 + 2 * 3, harness.size(), "prewarm and 2 runs of 3 workloads each: " + run.all());
        assertTrue(harness.get(7).contains("<--target><etcd><--etcd-endpoints><" + urls + ">"), harness.get(7));
        for (final String etcdRun : harness.subList(8, 14)) {
            assertTrue(etcdRun.contains("<--no-baseline><--target><etcd><--etcd-endpoints><" + urls + ">"), etcdRun);
        }
        assertTrue(harness.get(1).startsWith("<--add-opens") && !harness.get(1).contains("<--no-baseline>"),
            "tkv runs beside the RocksDB baseline: " + harness.get(1));

        final String out = run.out().replaceAll(" +", " ");
        assertTrue(out.contains(" tkv 3 stores etcd 3 members RocksDB in-process tkv/etcd tkv/RocksDB\n"), run.all());
        assertTrue(out.contains("\nput 1 client p50 us 100.0 100.0 - 1.00x -\n"), run.all());
        assertTrue(out.contains("\nput 256 in flight ops/s 5.0 5.0 - 1.00x -\n"), run.all());
        assertTrue(out.contains("\nget 1 client p50 us 100.0 100.0 - 1.00x -\n"), run.all());

        for (final String member : members) {
            final String dataDir = member.replaceAll(".*<--data-dir><([^>]*)>.*", "$1");
            assertFalse(Files.exists(Path.of(dataDir)), "removed: " + dataDir);
        }
        for (final String pid : Files.readAllLines(calls.resolve("servers"))) {
            assertFalse(ProcessHandle.of(Long.parseLong(pid.trim())).map(ProcessHandle::isAlive).orElse(false),
                "stopped by the script: " + pid);
        }
    }

    @Test
    void shouldStopTheMembersAndShowWhyWhenEtcdIsNotHealthy() throws Exception {
        givenBuilt();
        final Run run = run(Map.of("STUB_ETCD_UNHEALTHY", "1", "STUB_SERVER_SECONDS", "0"), "perf/bin/bench-peers");

        assertEquals(1, run.code(), run.all());
        assertTrue(run.err().contains("bench-peers: an etcd member exited before the cluster was healthy"), run.all());
        assertTrue(run.err().contains("ready to serve client requests (stub)"), "its log is shown: " + run.all());
    }

    @Test
    void shouldSayWhyTkvClusterCannotKillOrWhatItTakes() throws Exception {
        final Run kill = run("ops/bin/tkv-cluster", "kill", "1");
        assertEquals(1, kill.code(), kill.all());
        assertTrue(kill.err().contains("tkv-cluster: store 1 does not run"), kill.all());

        final Run usage = run("ops/bin/tkv-cluster");
        assertEquals(2, usage.code(), usage.all());
        assertTrue(usage.err().contains("usage: ops/bin/tkv-cluster start"), usage.all());
    }

    @Test
    void shouldRunTheDemoInCiBeforeTheTestsAndStopWhenItFails() throws Exception {
        final Run passing = run(".ci/run");
        assertEquals(0, passing.code(), passing.all());
        assertEquals(List.of("<-version>", MVN_BUILD, "<-B><-ntp><verify>"), calls("mvn"), passing.all());
        assertTrue(passing.out().contains("DEMO OK "), passing.all());
        assertTrue(javaRuns("io.tkv.perf.LoadHarness").get(0).contains("<--duration><2>"), passing.all());

        Files.delete(calls.resolve("mvn"));
        final Run failed = run(Map.of("STUB_HARNESS_ERRORS", "1"), ".ci/run");
        assertTrue(failed.code() != 0, failed.all());
        assertEquals(List.of("<-version>"), calls("mvn"), "no tests after a failed demo: " + failed.all());
        assertTrue(failed.out().contains("tkv-demo: 2 requests failed"), "the demo's output, through tee: "
            + failed.all());
        assertTrue(failed.err().contains(".ci/run: failed (exit 1) at line "), failed.all());
    }
}
