#!/bin/sh
# Test of the LAVA stage (tools/pipeline/lava.sh) on a real kernel Image and
# initramfs: lava-run boots them under QEMU, and the results LAVA records
# must list the same cases with the same outcomes as the KTAP the guest
# printed on the console, in both namings (LAVA's suite/case and the
# pipeline's case ids from pmu-report).  Also checks that the job is the
# profile's QEMU machine and that a boot without results fails the stage.
#
# Usage:   sh tools/pipeline/t/lava-test.sh [<Image> <initramfs.cpio> [profile]]
#          Default: $PMU_LAVA_IMAGE and $PMU_LAVA_INITRD, else the newest
#          build-cell Image under $PMU_CACHE and $PMU_OUT/initramfs.cpio
#          (what tools/pipeline/main.sh leaves).  Needs lava-dispatcher.
# Output:  one "ok"/"not ok" line per check; the last line is
#          "lava: N passed, N failed".
# shellcheck disable=SC2317 # the check functions run through check()
set -u
P=$(cd "$(dirname "$0")/.." && pwd)
TOP=$(cd "$P/../.." && pwd)
PMU_CACHE=${PMU_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/riscv-kvm-pmu}
export PMU_CACHE
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
pmu_out_orig=${PMU_OUT:-$TOP/out}
export PMU_OUT="$tmp/pmu-out"
pass=0
fail=0
check() { # name, then a command whose success means the check holds
	name=$1
	shift
	if "$@" >"$tmp/err" 2>&1; then
		pass=$((pass + 1))
		echo "ok - $name"
	else
		fail=$((fail + 1))
		echo "not ok - $name"
		sed 's/^/#   /' "$tmp/err" | tail -15
	fi
}
finish() {
	echo "lava: $pass passed, $fail failed"
	[ "$fail" -eq 0 ]
	exit
}

image=${1:-${PMU_LAVA_IMAGE:-}}
initrd=${2:-${PMU_LAVA_INITRD:-}}
profile=${3:-${PMU_PROFILE:-aia}}
if [ -z "$image" ]; then
	# shellcheck disable=SC2012 # cache paths are hex keys
	image=$(ls -t "$PMU_CACHE"/cells/build/*/Image 2>/dev/null | head -1)
fi
[ -n "$initrd" ] || initrd=$pmu_out_orig/initramfs.cpio
echo "# Image $image"
echo "# initramfs $initrd, profile $profile"
inputs_ok() {
	[ -r "$image" ] || { echo "no kernel Image ('$image'): pass <Image> <initramfs>"; return 1; }
	[ -r "$initrd" ] || { echo "no initramfs ('$initrd'): pass <Image> <initramfs>"; return 1; }
	command -v lava-run || { echo "lava-run not installed (Debian package lava-dispatcher)"; return 1; }
}
check "inputs: a kernel Image, an initramfs and lava-run" inputs_ok
[ $fail -eq 0 ] || finish

# KTAP from a console log: per result line, "<run id>\t<description>\t<outcome>",
# nested results (two-space indent) first, then their run's own line.
ktap() {
	awk '
	function parse(l, a) {
		a["r"] = (l ~ /^not ok/) ? "fail" : "pass"
		a["n"] = l
		sub(/^(not )?ok [0-9]+ /, "", a["n"])
		if (a["n"] ~ /# SKIP/ && a["r"] == "pass")
			a["r"] = "skip"
		sub(/ *#.*/, "", a["n"])
	}
	{ sub(/\r+$/, "") }
	/^KTAP version 1$/ { on = 1; n = 0; next }
	!on { next }
	/^  (not )?ok [0-9]+ / { kid[++n] = substr($0, 3); next }
	/^(not )?ok [0-9]+ / {
		parse($0, top)
		for (i = 1; i <= n; i++) {
			parse(kid[i], k)
			print top["n"] "\t" k["n"] "\t" k["r"]
		}
		print top["n"] "\t" top["n"] "\t" top["r"]
		n = 0
	}' "$1"
}

O=$tmp/lava
t0=$(date +%s)
sh "$P/lava.sh" "$image" "$initrd" "$profile" "$O" >"$tmp/lava.out" 2>&1
rc=$?
dt=$(($(date +%s) - t0))
sed 's/^/# /' "$tmp/lava.out"
echo "# lava.sh: exit $rc in ${dt}s (lava-run $(cut -d' ' -f2 "$O/timings" 2>/dev/null)s)"
check "lava.sh runs the job and finds every result" [ $rc -eq 0 ]

same_as_console() {
	ktap "$O/console.log" >"$tmp/ktap.tsv"
	[ -s "$tmp/ktap.tsv" ] || { echo "no KTAP on the console"; return 1; }
	diff -u "$tmp/ktap.tsv" "$O/results.tsv"
}
check "LAVA results = the KTAP results on the console (names, outcomes, order)" same_as_console

every_run() {
	runs=$(awk '$1 == "run"' "$O/tests.txt" | wc -l)
	tops=$(grep -cE '^(not )?ok [0-9]+ ' "$O/console.log" | tr -d ' ')
	[ "$tops" -eq $((runs + 1)) ] || { echo "console: $tops top-level results, test list: $runs runs + post-checks"; return 1; }
	[ "$(cut -f1 "$O/monitors.tsv" | wc -l)" -eq $((runs + 1)) ] || { echo "monitors.tsv"; return 1; }
	! grep -q '	missing$' "$O/cases.tsv"
}
check "one LAVA monitor and one top-level result per run of the test list" every_run

# The pipeline's view of the same console: pmu-report cell, outcomes folded
# to LAVA's pass/fail/skip.
same_as_pmu_report() {
	rep=${PMU_TOOLS_BIN:+$PMU_TOOLS_BIN/pmu-report}
	if [ -z "$rep" ] || [ ! -x "$rep" ]; then
		make -s -C "$TOP/tools" O="$tmp/tools" report || return 1
		rep=$tmp/tools/pmu-report
	fi
	echo "exit:0" >"$tmp/qemu-status"
	"$rep" cell --console "$O/console.log" --qemu-status "$tmp/qemu-status" \
		--tests "$O/tests.txt" --out "$tmp/pr.tsv" || return 1
	awk -F'\t' '$1 != "#boot" {
		s = ($2 == "pass" || $2 == "skip") ? $2 : "fail"
		print $1 "\t" s }' "$tmp/pr.tsv" >"$tmp/pr2.tsv"
	diff -u "$tmp/pr2.tsv" "$O/cases.tsv"
}
check "LAVA cases = pmu-report's cases of the same console (pipeline ids)" same_as_pmu_report

summary_matches() {
	line=$(grep '^LAVA results:' "$tmp/lava.out")
	p=$(awk -F'\t' '$2 == "pass"' "$O/cases.tsv" | wc -l)
	f=$(awk -F'\t' '$2 == "fail"' "$O/cases.tsv" | wc -l)
	s=$(awk -F'\t' '$2 == "skip"' "$O/cases.tsv" | wc -l)
	echo "$line" | grep -q ": $((p + f + s)) cases: $p pass, $f fail, $s skip, 0 missing" ||
		{ echo "summary '$line' vs cases.tsv $p/$f/$s"; return 1; }
}
check "lava.sh summary counts the cases" summary_matches

same_machine() {
	# shellcheck disable=SC1090
	. "$TOP/ci/profiles/$profile.conf"
	for o in "-machine $QEMU_MACHINE" "-cpu $QEMU_CPU" "-smp $QEMU_SMP" \
		"-m $QEMU_MEM" "-bios ${QEMU_BIOS:-default}" "-no-reboot"; do
		grep -qxE -- " *- $o" "$O/device.yaml" || { echo "device.yaml lacks '$o'"; return 1; }
	done
	grep -qF -- "-append \"$QEMU_APPEND\"" "$O/job.yaml" ||
		{ echo "job.yaml lacks -append \"$QEMU_APPEND\""; return 1; }
	grep -qF "Boot command: $(command -v "$QEMU")" "$O/lava.log"
}
check "the job boots the profile's QEMU machine and command line" same_machine

# A boot that never prints results (no /init: the kernel panics) must fail
# the stage and say that results are missing.
no_results() {
	mkdir -p "$tmp/noinit" && cp "$O/tests.txt" "$tmp/noinit/tests.txt" &&
		(cd "$tmp/noinit" && echo tests.txt | cpio --quiet -o -H newc) >"$tmp/noinit.cpio" || return 1
	PMU_BOOT_TIMEOUT=60 sh "$P/lava.sh" "$image" "$tmp/noinit.cpio" "$profile" \
		"$tmp/lava-noinit" >"$tmp/noinit.out" 2>&1 && { cat "$tmp/noinit.out"; return 1; }
	grep -q 'ERROR \[lava\]' "$tmp/noinit.out" && grep -q 'Kernel panic' "$tmp/lava-noinit/console.log"
}
check "a boot without KTAP results fails the stage" no_results

finish
