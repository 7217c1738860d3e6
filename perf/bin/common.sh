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
