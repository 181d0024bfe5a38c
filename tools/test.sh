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
export PMU_LAVA=1
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

echo "==> [test] checkpatch.pl --no-tree -f on the project's own C"
for f in $(find "$TOP/tools" -name '*.[ch]' -not -path '*/build/*' | LC_ALL=C sort); do
	if perl "$PMU_CACHE/linux/scripts/checkpatch.pl" --no-tree --quiet -f "$f" \
		>"$log" 2>&1; then
		passed=$((passed + 1))
	else
		failed=$((failed + 1))
		echo "not ok - checkpatch ${f#"$TOP"/}"
		sed 's/^/#   /' "$log" | head -20
	fi
done

echo "==> [test] pipeline fault tests"
timeout 900 sh "$P/t/faults.sh" >"$log" 2>&1
rc=$?
cat "$log"
add_counts "$log"
[ $rc -eq 0 ] || grep -qE ' [1-9][0-9]* failed' "$log" || failed=$((failed + 1))

echo "==> [test] harness fault tests"
timeout 900 sh "$P/t/harness-faults.sh" >"$log" 2>&1
rc=$?
cat "$log"
add_counts "$log"
[ $rc -eq 0 ] || grep -qE ' [1-9][0-9]* failed' "$log" || failed=$((failed + 1))

echo "==> [test] proof run (main job)"
if timeout 4800 sh "$P/main.sh"; then
	passed=$((passed + 1))
	echo "ok - proof run"
else
	failed=$((failed + 1))
	echo "not ok - proof run"
fi
echo "==> [test] results.json against kunit.py parse --json"
timeout 300 sh "$P/t/kunit-json.sh" >"$log" 2>&1
rc=$?
cat "$log"
add_counts "$log"
[ $rc -eq 0 ] || grep -qE ' [1-9][0-9]* failed' "$log" || failed=$((failed + 1))

echo "==> [test] the boot stage as a LAVA job (lava-run)"
PMU_OUT=${PMU_OUT:-$TOP/out}
if [ -s "$PMU_OUT/tip-image" ]; then
	timeout 900 sh "$P/t/lava-test.sh" "$(cat "$PMU_OUT/tip-image")" \
		"$PMU_OUT/initramfs.cpio" aia >"$log" 2>&1
	rc=$?
	cat "$log"
	add_counts "$log"
	[ $rc -eq 0 ] || grep -qE ' [1-9][0-9]* failed' "$log" || failed=$((failed + 1))
else
	echo "not ok - lava: no tip Image from the main job"
	failed=$((failed + 1))
fi
rm -f "$log"
echo "test command took $(($(date +%s) - t0))s"
echo "total: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
