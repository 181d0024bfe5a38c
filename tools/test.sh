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
# the line whose base tree holds checkpatch.pl (the base stage imports it)
PMU_LINUX=${PMU_LINUX:-$PMU_CACHE/linux-${PMU_LINE:-7.3}}
passed=0
failed=0
t0=$(date +%s)
add_counts() { # file with a closing "N passed, N failed" line
	line=$(grep -E '[0-9]+ passed, [0-9]+ failed' "$1" | tail -1)
	p=$(echo "$line" | sed -E 's/(^|.*[^0-9])([0-9]+) passed.*/\2/')
	f=$(echo "$line" | sed -E 's/.* ([0-9]+) failed.*/\1/')
	if [ -z "$line" ]; then
		echo "ERROR [test] $1: no 'N passed, N failed' line"
		failed=$((failed + 1))
		return
	fi
	passed=$((passed + p))
	failed=$((failed + f))
}

# counted TITLE SECS CMD...: run a test program whose output closes with
# "N passed, N failed", show it and add its counts; a non-zero exit with
# no failure counted counts as one failure.
counted() {
	echo "==> [test] $1"
	_t=$2
	shift 2
	timeout "$_t" "$@" >"$log" 2>&1
	_rc=$?
	cat "$log"
	add_counts "$log"
	[ $_rc -eq 0 ] || grep -qE ' [1-9][0-9]* failed' "$log" || failed=$((failed + 1))
}
log=$(mktemp)

echo "==> [test] dependencies and base"
export PMU_LAVA=1
if ! PMU_TEST_DEPS=1 sh "$P/deps.sh" || ! sh "$P/base.sh"; then
	echo "total: 0 passed, 1 failed"
	exit 1
fi

counted "unit tests of the tools" 600 make -s -C "$TOP/tools" O="$PMU_CACHE/tools-test" check

echo "==> [test] checkpatch.pl --no-tree -f on the project's own C"
for f in $(find "$TOP/tools" -name '*.[ch]' -not -path '*/build/*' | LC_ALL=C sort); do
	if perl "$PMU_LINUX/scripts/checkpatch.pl" --no-tree --quiet -f "$f" \
		>"$log" 2>&1; then
		passed=$((passed + 1))
	else
		failed=$((failed + 1))
		echo "not ok - checkpatch ${f#"$TOP"/}"
		sed 's/^/#   /' "$log" | head -20
	fi
done

echo "==> [test] shellcheck on the project's shell (settings: .shellcheckrc)"
if command -v shellcheck >/dev/null 2>&1; then
	for f in $(cd "$TOP" && git ls-files '*.sh' .ci/run | LC_ALL=C sort); do
		if (cd "$TOP" && shellcheck -x "$f") >"$log" 2>&1; then
			passed=$((passed + 1))
		else
			failed=$((failed + 1))
			echo "not ok - shellcheck $f"
			sed 's/^/#   /' "$log" | head -20
		fi
	done
else
	echo "ERROR [test]: shellcheck not found (deps stage with PMU_TEST_DEPS=1)"
	failed=$((failed + 1))
fi

counted "apt sources: the machine's mirror in either format" 60 sh "$P/t/apt-sources.sh"
counted "every install step from a fresh Debian 12 root" 2400 sh "$P/t/fresh-root.sh"
counted "pipeline fault tests" 900 sh "$P/t/faults.sh"

echo "==> [test] proof run (main job)"
if timeout 4800 sh "$P/main.sh"; then
	passed=$((passed + 1))
	echo "ok - proof run"
else
	failed=$((failed + 1))
	echo "not ok - proof run"
fi
counted "results.json against kunit.py parse --json" 300 sh "$P/t/kunit-json.sh"

# The harness faults boot a built Image: on a fresh machine only the main
# job has built one.
PMU_OUT=${PMU_OUT:-$TOP/out}
if [ -s "$PMU_OUT/tip-image" ]; then
	PMU_FAULT_IMAGE=$(cat "$PMU_OUT/tip-image")
	export PMU_FAULT_IMAGE
	counted "harness fault tests" 900 sh "$P/t/harness-faults.sh"
else
	echo "not ok - harness faults: no tip Image from the main job"
	failed=$((failed + 1))
fi

if [ -s "$PMU_OUT/tip-image" ]; then
	counted "the boot stage as a LAVA job (lava-run)" 900 sh "$P/t/lava-test.sh" \
		"$(cat "$PMU_OUT/tip-image")" "$PMU_OUT/initramfs.cpio" aia
else
	echo "not ok - lava: no tip Image from the main job"
	failed=$((failed + 1))
fi
rm -f "$log"
echo "test command took $(($(date +%s) - t0))s"
echo "total: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
