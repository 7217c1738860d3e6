# Shared by the ops/bin and perf/bin scripts: where the build is, the JVM flags every tkv JVM needs,
# build-if-needed, and failure messages. A script sources it right after `set -Eeuo pipefail`; from then on a
# command that fails stops the script with a message naming the script, the file and line, and the command
# (-E makes the ERR trap reach into functions). Scripts say why they stop with tkv_die; none exits silently.
# shellcheck shell=bash
TKV_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
TKV_LIB="$TKV_ROOT/ops/target/lib"
TKV_SCRIPT=${0##*/}
# Touched after each build made here; main sources or poms newer than it mean the jars may be stale.
TKV_BUILD_STAMP="$TKV_ROOT/ops/target/tkv-scripts-built.stamp"

# Says why the script stops (prefixed with its name) and exits 1.
tkv_die() {
    echo "$TKV_SCRIPT: $*" >&2
    exit 1
}

# The ERR trap: which command failed, where, with what status. Only the script's own shell reports, so a failure
# inside $(...) or ( ... ) is reported once, as the command that contains it.
tkv_on_error() {
    local status=$1 line=$2 command=$3 where i
    [ "$BASHPID" = "$$" ] || return 0
    where="${BASH_SOURCE[1]##*/} line $line"
    for ((i = 1; i < ${#FUNCNAME[@]} - 1; i++)); do
        where="$where in ${FUNCNAME[i]}, called at ${BASH_SOURCE[i + 1]##*/} line ${BASH_LINENO[i]}"
    done
    echo "$TKV_SCRIPT: failed (exit $status) at $where: $command" >&2
}
trap 'tkv_on_error $? $LINENO "$BASH_COMMAND"' ERR

tkv_java_flags() {
    # Agrona/Aeron's Unsafe access, then Chronicle Queue's (the Raft log) and no phoning home (../shared/STACK.md).
    local flags="--add-opens=java.base/jdk.internal.misc=ALL-UNNAMED"
    flags="$flags --add-opens=java.base/java.lang.reflect=ALL-UNNAMED --add-exports=java.base/sun.nio.ch=ALL-UNNAMED"
    flags="$flags --add-exports=java.base/jdk.internal.ref=ALL-UNNAMED"
    flags="$flags -Dchronicle.analytics.disable=true -Dchronicle.announcer.disable=true"
    local settings feature
    settings=$(java -XshowSettings:properties -version 2>&1) || true
    feature=$(echo "$settings" | sed -n 's/^ *java\.specification\.version = //p')
    if [ "${feature%%.*}" -ge 24 ] 2>/dev/null; then
        flags="$flags --enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow"
    fi
    echo "$flags ${TKV_JAVA_OPTS:-}"
}

# The first file matching the glob $1 that is not a tests, sources or javadoc jar; nothing if there is none.
tkv_first_jar() {
    local jar
    for jar in $1; do
        case $jar in
            *-tests.jar | *-sources.jar | *-javadoc.jar) ;;
            *) if [ -f "$jar" ]; then echo "$jar"; return 0; fi ;;
        esac
    done
}

# The jar of ops (tkv-ctl; ops/target/lib holds every runtime dependency, the server's too); nothing if not built.
tkv_ops_jar() {
    tkv_first_jar "$TKV_ROOT/ops/target/tkv-ops-*.jar"
}

# The perf fat jar (load harness, JMH); nothing if not built.
tkv_perf_jar() {
    tkv_first_jar "$TKV_ROOT/perf/target/tkv-perf-*-jar-with-deps.jar"
}

# Why the jars must be built, or nothing when they are up to date: missing, or a main source, resource or pom
# changed since the last build made here (a build of your own is not trusted: the scripts build once more).
tkv_build_reason() {
    if [ -z "$(tkv_ops_jar)" ] || [ -z "$(tkv_perf_jar)" ] || [ ! -d "$TKV_LIB" ]; then
        echo "no jars yet"
    elif [ ! -f "$TKV_BUILD_STAMP" ]; then
        echo "not built by these scripts yet"
    elif [ -n "$(find "$TKV_ROOT" \( -name target -o -name .git -o -path "$TKV_ROOT/data" \) -prune \
        -o \( -path '*/src/main/*' -o -name pom.xml \) -type f -newer "$TKV_BUILD_STAMP" -print -quit)" ]; then
        echo "sources changed"
    fi
}

# Builds the jars (mvn package, tests skipped) when tkv_build_reason gives a reason. With TKV_BUILD_LOCK set
# (a file), the build waits for a flock on it, for machines whose builds take turns; don't set it when the
# script already runs under that lock, or the build would wait for itself.
tkv_ensure_built() {
    command -v java > /dev/null || tkv_die "java not found: tkv needs a JDK 17+ on PATH"
    local reason
    reason=$(tkv_build_reason)
    if [ -z "$reason" ]; then
        return 0
    fi
    command -v mvn > /dev/null || tkv_die "mvn not found: building tkv needs Maven 3.8+ and a JDK 17+" \
        "(Debian: apt-get install openjdk-17-jdk-headless maven)"
    local lock=()
    if [ -n "${TKV_BUILD_LOCK:-}" ]; then
        lock=(flock "$TKV_BUILD_LOCK")
    fi
    echo "$TKV_SCRIPT: building tkv ($reason): mvn -B -q -DskipTests package ..." >&2
    local started
    started=$(date +%s.%N)
    if ! (cd "$TKV_ROOT" && "${lock[@]}" mvn -B -q -DskipTests package) >&2; then
        tkv_die "the build failed (mvn -B -q -DskipTests package in $TKV_ROOT); Maven's errors are above"
    fi
    if [ -z "$(tkv_ops_jar)" ] || [ -z "$(tkv_perf_jar)" ]; then
        tkv_die "the build succeeded but left no tkv-ops jar in ops/target or no tkv-perf fat jar in perf/target"
    fi
    touch -d "@$started" "$TKV_BUILD_STAMP"   # a source saved during the build makes the next run build again
}

# Makes a secret file ($1) of 32 random bytes in hex, readable by its owner only, unless it exists already.
tkv_secret_file() {
    local file=$1
    [ -s "$file" ] && return
    mkdir -p "$(dirname "$file")"
    (umask 077 && od -An -tx1 -N32 /dev/urandom | tr -d ' \n' > "$file") \
        || tkv_die "cannot write the secret file $file"
}

tkv_classpath() {
    local jar
    jar=$(tkv_ops_jar)
    [ -n "$jar" ] || tkv_die "no tkv-ops jar in $TKV_ROOT/ops/target (tkv_ensure_built first)"
    echo "$jar:$TKV_LIB/*"
}
