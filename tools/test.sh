#!/bin/sh
# The test command: the tools' own tests, the pipeline fault tests, then the
# full proof run (the main job).  .ci/run calls exactly this.
#
# Usage:   sh tools/test.sh
# Output:  the last line is "total: N passed, N failed".
set -u
TOP=$(cd "$(dirname "$0")/.." && pwd)
P=$TOP/tools/pipeline
PMU_CACHE=${PMU_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/riscv-kvm-pmu}
export PMU_CACHE
passed=0
failed=0
t0=$(date +%s)
add_counts() { # file with a closing "N passed, N failed" line
	line=$(grep -E '[0-9]+ passed, [0-9]+ failed' "$1" | tail -1)
	p=$(echo "$line" | sed -E 's/.*[^0-9]?([0-9]+) passed.*/\1/')
	f=$(echo "$line" | sed -E 's/.* ([0-9]+) failed.*/\1/')
	if [ -z "$line" ]; then
		echo "ERROR [test] $1: no 'N passed, N failed' line"
		failed=$((failed + 1))
		return
	fi
	passed=$((passed + p))
	failed=$((failed + f))
}

echo "==> [test] dependencies and base"
if ! sh "$P/deps.sh" || ! sh "$P/base.sh"; then
	echo "total: 0 passed, 1 failed"
	exit 1
fi

echo "==> [test] unit tests of the tools"
log=$(mktemp)
timeout 600 make -s -C "$TOP/tools" O="$PMU_CACHE/tools-test" check >"$log" 2>&1
rc=$?
cat "$log"
add_counts "$log"
[ $rc -eq 0 ] || grep -qE ' [1-9][0-9]* failed' "$log" || failed=$((failed + 1))

echo "==> [test] pipeline fault tests"
timeout 900 sh "$P/t/faults.sh" >"$log" 2>&1
rc=$?
cat "$log"
add_counts "$log"
[ $rc -eq 0 ] || grep -qE ' [1-9][0-9]* failed' "$log" || failed=$((failed + 1))

echo "==> [test] proof run (main job)"
if timeout 4800 sh "$P/main.sh" "${PMU_PROFILE:-aia}"; then
	passed=$((passed + 1))
	echo "ok - proof run"
else
	failed=$((failed + 1))
	echo "not ok - proof run"
fi
rm -f "$log"
echo "test command took $(($(date +%s) - t0))s"
echo "total: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
