#!/usr/bin/env bash
# Swivel benchmarks: builds what is missing or stale, then runs the scenarios and writes
# benchmarks/results/<date>/ (summary.md, CSV files, logs).
#   benchmarks/run.sh            # full run (default settings; tens of minutes)
#   benchmarks/run.sh --smoke    # short settings, a minute or two
#   benchmarks/run.sh --help     # every option
set -euo pipefail

home="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
version="0.1.0-SNAPSHOT"
harness="$home/benchmarks/harness/target/swivel-benchmarks-$version.jar"
server="$home/server-runtime/target/swivel-server-runtime-$version.jar"

needs_build() {
  [ -f "$harness" ] && [ -d "$home/benchmarks/harness/target/lib" ] && [ -f "$server" ] \
    && [ -d "$home/server-runtime/target/lib" ] \
    && [ -f "$home/benchmarks/harness/target/bundles/swivel-benchmarks-user-bundle.jar" ] || return 0
  # Rebuild when a main source, proto or pom is newer than the harness jar.
  [ -n "$(find "$home" -path "$home/.git" -prune -o -path '*/src/test' -prune -o \
            \( -name '*.java' -o -name '*.proto' -o -name 'pom.xml' \) -newer "$harness" -print -quit 2>/dev/null)" ]
}

if needs_build; then
  command -v mvn >/dev/null || { echo "run.sh: Maven (mvn) is needed to build the benchmarks; install it and retry" >&2; exit 1; }
  echo "run.sh: building (mvn -DskipTests install of the server and the benchmarks)..." >&2
  log="$(mktemp)"
  if ! (cd "$home" && mvn -B -ntp -DskipTests install -pl benchmarks/harness -am 2>&1 | tee "$log" \
        | grep --line-buffered -E '^\[INFO\] Building |BUILD SUCCESS|BUILD FAILURE|^\[ERROR\]' | sed 's/^/  /' >&2) \
     || ! grep -q 'BUILD SUCCESS' "$log"; then
    echo "run.sh: the build failed; full log in $log" >&2
    exit 1
  fi
  rm -f "$log"
  touch "$harness"
fi

exec java -Dswivel.home="$home" -cp "$harness:$home/benchmarks/harness/target/lib/*" io.swivel.bench.BenchMain "$@"
