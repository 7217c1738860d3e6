# Shared by the ops/bin scripts: where the build is, the JVM flags every tkv JVM needs, and build-if-needed.
# shellcheck shell=bash
TKV_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
TKV_LIB="$TKV_ROOT/ops/target/lib"

tkv_java_flags() {
    # Agrona/Aeron's Unsafe access, then Chronicle Queue's (the Raft log) and no phoning home (../shared/STACK.md).
    local flags="--add-opens=java.base/jdk.internal.misc=ALL-UNNAMED"
    flags="$flags --add-opens=java.base/java.lang.reflect=ALL-UNNAMED --add-exports=java.base/sun.nio.ch=ALL-UNNAMED"
    flags="$flags --add-exports=java.base/jdk.internal.ref=ALL-UNNAMED"
    flags="$flags -Dchronicle.analytics.disable=true -Dchronicle.announcer.disable=true"
    local feature
    feature=$(java -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.specification.version/ {print $2}')
    if [ "${feature%%.*}" -ge 24 ] 2>/dev/null; then
        flags="$flags --enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow"
    fi
    echo "$flags ${TKV_JAVA_OPTS:-}"
}

# Builds the jars (tests skipped) when they are missing or older than the sources.
tkv_ensure_built() {
    local jar
    jar=$(ls "$TKV_ROOT"/ops/target/tkv-ops-*.jar 2>/dev/null | head -n 1)
    if [ -z "$jar" ] || [ -n "$(find "$TKV_ROOT" -name '*.java' -newer "$jar" -not -path '*/target/*' | head -n 1)" ] \
        || [ -z "$(ls "$TKV_ROOT"/perf/target/tkv-perf-*-jar-with-deps.jar 2>/dev/null)" ]; then
        echo "building tkv (mvn package -DskipTests) ..." >&2
        local lock=(flock /tmp/tkv-mvn.lock)
        command -v flock >/dev/null || lock=()
        (cd "$TKV_ROOT" && "${lock[@]}" mvn -B -q -DskipTests package) >&2
    fi
}

tkv_classpath() {
    local jar
    jar=$(ls "$TKV_ROOT"/ops/target/tkv-ops-*.jar | head -n 1)
    echo "$jar:$TKV_LIB/*"
}
