# Shared by perf/bin scripts: find (or build) the perf fat jar and the JVM flags tkv needs.
# shellcheck shell=bash

PERF_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
ROOT_DIR=$(cd "$PERF_DIR/.." && pwd)

# The fat jar, rebuilt when missing or older than any main source or pom of the modules it packs.
perf_jar() {
    local jar
    jar=$(ls "$PERF_DIR"/target/tkv-perf-*-jar-with-deps.jar 2>/dev/null | head -n 1 || true)
    local stale=""
    if [[ -z "$jar" ]]; then
        stale="missing"
    else
        for module in codec-sbe log-chronicle raft-aeron storage client server perf; do
            if [[ -n $(find "$ROOT_DIR/$module/src/main" "$ROOT_DIR/$module/pom.xml" -newer "$jar" -type f \
                    -print -quit 2>/dev/null) ]]; then
                stale="$module changed"
                break
            fi
        done
    fi
    if [[ -n "$stale" ]]; then
        echo "building the perf jar ($stale)..." >&2
        local lock=(flock /tmp/tkv-mvn.lock)
        command -v flock >/dev/null || lock=()
        (cd "$ROOT_DIR" && "${lock[@]}" mvn -B -q install -DskipTests -pl perf -am) >&2
        jar=$(ls "$PERF_DIR"/target/tkv-perf-*-jar-with-deps.jar | head -n 1)
    fi
    echo "$jar"
}

# JVM flags (../shared/STACK.md): Agrona's Unsafe access, Chronicle Queue's (an embedded store opens its Raft log);
# Java 24+ also needs native and Unsafe memory access, which Java 17 refuses as unknown options.
jvm_flags() {
    local major
    major=$(java -version 2>&1 | awk -F'"' '/version/ {print $2}' | cut -d. -f1)
    local flags=(--add-opens=java.base/jdk.internal.misc=ALL-UNNAMED
        --add-opens=java.base/java.lang.reflect=ALL-UNNAMED --add-exports=java.base/sun.nio.ch=ALL-UNNAMED
        --add-exports=java.base/jdk.internal.ref=ALL-UNNAMED
        -Dchronicle.analytics.disable=true -Dchronicle.announcer.disable=true)
    if [[ "$major" =~ ^[0-9]+$ ]] && (( major >= 24 )); then
        flags+=(--enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow)
    fi
    echo "${flags[@]}"
}
