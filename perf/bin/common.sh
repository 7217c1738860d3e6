# Shared by perf/bin scripts: the JVM flags tkv needs, and (from ../../ops/bin/tkv-env.sh) build-if-needed —
# tkv_ensure_built, then tkv_perf_jar names the fat jar — and the failure messages: a script sources this right
# after `set -Eeuo pipefail`, and any command that fails then stops it with a message naming the script, the line
# and the command.
# shellcheck shell=bash

PERF_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
ROOT_DIR=$(cd "$PERF_DIR/.." && pwd)
# shellcheck source=../../ops/bin/tkv-env.sh
source "$ROOT_DIR/ops/bin/tkv-env.sh"

# The perf fat jar's path: jar=$(perf_jar), after tkv_ensure_built has built what was missing or stale.
perf_jar() {
    local jar
    jar=$(tkv_perf_jar)
    [ -n "$jar" ] || tkv_die "no perf fat jar in $PERF_DIR/target (tkv_ensure_built first)"
    echo "$jar"
}

# JVM flags (../shared/STACK.md): Agrona's Unsafe access, Chronicle Queue's (an embedded store opens its Raft log);
# Java 24+ also needs native and Unsafe memory access, which Java 17 refuses as unknown options.
jvm_flags() {
    local version major
    version=$(java -version 2>&1) || true
    major=$(sed -n 's/.*version "\([0-9]*\).*/\1/p' <<< "$version" | sed -n 1p)
    local flags=(--add-opens=java.base/jdk.internal.misc=ALL-UNNAMED
        --add-opens=java.base/java.lang.reflect=ALL-UNNAMED --add-exports=java.base/sun.nio.ch=ALL-UNNAMED
        --add-exports=java.base/jdk.internal.ref=ALL-UNNAMED
        -Dchronicle.analytics.disable=true -Dchronicle.announcer.disable=true)
    if [[ "$major" =~ ^[0-9]+$ ]] && (( major >= 24 )); then
        flags+=(--enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow)
    fi
    echo "${flags[@]}"
}

# --- tkv-server processes on loopback and the load harness against them (bench-cluster, bench-peers). These use the
# calling script's globals: work (its temp dir), jar (the perf fat jar), pids (an array: every process started, for
# its cleanup to stop by pid) and pid_of_log (declare -A: a store's log file -> the pid writing it).

# start_store ID PORT INITIAL-CLUSTER [tkv-server flags...]: one store in the background, data under $work.
start_store() {
    local id=$1 port=$2 cluster=$3 log="$work/store-$1-$2.log"
    shift 3
    : > "$log"
    # shellcheck disable=SC2046
    java $(tkv_java_flags) -cp "$(tkv_classpath)" io.tkv.server.TkvServer --store-id "$id" --listen "127.0.0.1:$port" \
        --data-dir "$work/data-$id-$port" --initial-cluster "$cluster" --cluster-secret-file "$work/cluster.secret" \
        "$@" > "$log" 2>&1 &
    pids+=($!)
    pid_of_log[$log]=$!
}

# await_ready LOG...: waits up to 60 s for each store's ready line; dies with the end of its log if it exits first.
await_ready() {
    local log
    for log in "$@"; do
        for _ in $(seq 1 600); do
            grep -q "tkv-server ready" "$log" && break
            if ! kill -0 "${pid_of_log[$log]}" 2>/dev/null; then
                tail -n 30 "$log" >&2
                tkv_die "a store exited before it was ready; the end of its log $log is above"
            fi
            sleep 0.1
        done
        grep -q "tkv-server ready" "$log" || { tail -n 30 "$log" >&2; tkv_die "a store not ready after 60 s: $log"; }
    done
}

# prewarm TARGET-FLAGS...: PREWARM seconds (default 20) of put 256, not measured, so that the servers' JIT has
# compiled before the measured runs (a cold server measured at once shows the compiler, not the system).
prewarm() {
    [ "${PREWARM:-20}" = 0 ] && return
    echo "warming up: put 256 for ${PREWARM:-20} s (not measured)" >&2
    # shellcheck disable=SC2046
    java $(jvm_flags) -cp "$jar" io.tkv.perf.LoadHarness "$@" --workload put --in-flight 256 \
        --duration "${PREWARM:-20}" --warmup 0 --keys 10000 --no-progress --no-baseline > /dev/null
}

# harness LABEL TARGET-FLAGS...: put 1, put 256 in flight, get 1 (DURATION, WARMUP; RUNS times); prints the
# harness's RESULT and RATIO lines with setup=LABEL run=N added.
harness() {
    local label=$1 run spec workload in_flight
    shift
    for run in $(seq 1 "${RUNS:-1}"); do
        for spec in "put 1" "put 256" "get 1"; do
            read -r workload in_flight <<< "$spec"
            # shellcheck disable=SC2046
            java $(jvm_flags) -cp "$jar" io.tkv.perf.LoadHarness "$@" --workload "$workload" \
                ${CLIENT_IDLE:+--client-idle "$CLIENT_IDLE"} \
                --in-flight "$in_flight" --duration "${DURATION:-8}" --warmup "${WARMUP:-2}" --keys 10000 \
                --no-progress \
                | sed -n 's/^\(RESULT\|RATIO\) /\1 setup='"$label"' run='"$run"' /p'
        done
    done
}
