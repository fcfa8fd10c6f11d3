#!/usr/bin/env bash
# Fuzzes one Jazzer fuzz test for a fixed time: fuzz/run.sh Class#method [duration] [max_len]
#   fuzz/run.sh LineFramerFuzzTest#frames 10m
# duration: seconds, or with a suffix s, m or h (default 10m); max_len: the longest input in
# bytes (default 4096). The module is found from the test's source file. New corpus entries go to
# <module>/.cifuzz-corpus/ (ignored by git); a finding is written to the test's Inputs directory
# under src/test/resources, where it becomes a regression seed once committed.
# Needs the upstream modules installed: ./mvnw -B -ntp -o -q -pl <module> -am install -DskipTests
set -euo pipefail
cd "$(dirname "$0")/.."

target=${1:?usage: fuzz/run.sh Class#method [duration] [max_len]}
duration=${2:-10m}
max_len=${3:-4096}
class=${target%%#*}
method=${target#*#}
[[ "$class" != "$target" && -n "$method" ]] || { echo "give Class#method, e.g. LineFramerFuzzTest#frames" >&2; exit 2; }

case "$duration" in
  *h) seconds=$(( ${duration%h} * 3600 )) ;;
  *m) seconds=$(( ${duration%m} * 60 )) ;;
  *s) seconds=${duration%s} ;;
  *) seconds=$duration ;;
esac

source_file=$(find . -path ./it-tests -prune -o -path "*/src/test/java/*/$class.java" -print | head -n 1)
[[ -n "$source_file" ]] || { echo "no fuzz test named $class" >&2; exit 2; }
module=${source_file#./}
module=${module%%/src/test/java/*}

# libFuzzer takes the last value of a flag, and these come after the @FuzzTest(maxDuration) one.
JAZZER_FUZZ=1 exec ./mvnw -B -ntp -o -pl "$module" test \
  -Dtest="$class#$method" -Dsurefire.failIfNoSpecifiedTests=false -Dspotless.check.skip=true \
  -Djazzer.internal.arg.0=fuzz \
  -Djazzer.internal.arg.1=-max_total_time="$seconds" \
  -Djazzer.internal.arg.2=-max_len="$max_len" \
  -Djazzer.internal.arg.3=-print_final_stats=1 \
  -DargLine="-Xmx768m -XX:-OmitStackTraceInFastThrow"
