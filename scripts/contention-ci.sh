#!/usr/bin/env bash
# The flake hunt of issue 16: `bash .ci/run` on two fresh clones of HEAD at once (two
# suites on one machine), ROUNDS times. One line per run; exits 1 when any run failed.
# Run scripts/install-test-deps.sh once first (two apt-gets at once would fight over dpkg's lock).
#
#   scripts/contention-ci.sh 10      # 20 runs; logs under $OUT (default: a new temp directory)
set -uo pipefail
rounds="${1:-10}"
repo="$(cd "$(dirname "$0")/.." && pwd)"
head="$(git -C "$repo" rev-parse HEAD)"
out="${OUT:-$(mktemp -d -t tessera-contention-XXXX)}"
failed=0
echo "HEAD $head; logs in $out"
for round in $(seq "$rounds"); do
  for side in a b; do
    (
      dir="$out/r$round-$side"
      git clone -q "$repo" "$dir" && git -C "$dir" checkout -q "$head" &&
        (cd "$dir" && CI=true bash .ci/run >"$dir.log" 2>&1)
      echo $? >"$dir.rc"
    ) &
  done
  wait
  for side in a b; do
    rc="$(cat "$out/r$round-$side.rc")"
    echo "round $round $side: exit $rc; tests: $(sed 's/\x1b\[[0-9;]*m//g' "$out/r$round-$side.log" | grep -a -o 'Tests  .*' | paste -sd ';')"
    [ "$rc" = 0 ] || failed=1
    # Keep a failed run's clone for its logs; drop a passing one (each holds node_modules).
    [ "$rc" = 0 ] && rm -rf "$out/r$round-$side"
  done
done
exit "$failed"
