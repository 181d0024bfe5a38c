#!/bin/sh
# Stage "fuzz": run the guest-side SBI PMU fuzzer (tools/fuzz/sbi_pmu_fuzz.c)
# against one kernel, normally built with the debug profile
# (ci/kernel.config + ci/kernel-debug.config, see "kconfig" below).
#
# The fuzzer is not part of the patch series: some of its inputs crash an
# unfixed host, and its results are seeded random findings rather than one
# exact case per defect.  It is copied into the given tree's KVM selftests
# only for the time of its build, and built with that tree's selftest
# library and UAPI headers, the way selftests.sh builds the selftests.
#
# Usage:   fuzz.sh kconfig <out-file>
#              write the debug profile fragment (kernel.config followed by
#              kernel-debug.config) for the build stage's PMU_KCONFIG
#          fuzz.sh run <kernel-tree> <Image> <outdir>
#              build the fuzzer against <kernel-tree>, pack an initramfs
#              with the guest init and a one-line test list, boot <Image>
#              under QEMU and classify the console with pmu-report
# Environment:
#   PMU_FUZZ_SEED   seed (default: from the clock; always printed)
#   PMU_FUZZ_CALLS  calls (default 100000)
#   PMU_FUZZ_BATCH  calls between host log checks (default 64)
#   PMU_FUZZ_TIMEOUT guest-side time limit of the fuzzer in s (default 1500)
#   PMU_FUZZ_ARGS   more fuzzer options (e.g. "-a": avoid the inputs known
#                   to crash an unfixed host, to reach the findings behind)
#   PMU_PROFILE     QEMU profile (default aia); PMU_BOOT_TIMEOUT as boot.sh
#   PMU_TOOLS_BIN   built project tools (default: built here)
# Outputs: <outdir>/{tests.txt,initramfs.cpio,st/,boot/console.log,
#          boot/cases.tsv,summary.txt,result}; exit 0 only if every case
#          passed.  "result" is written last, only by a run that has a
#          result: "clean" (exit 0) or "finding" (exit 1); a run without
#          it (it died, the boot had no result) must not be kept.
#
# Measured (2 cores, QEMU 10.0.2 TCG, profile aia, -m 1G is enough): a cold
# debug-profile build takes 7.5 to 15 min; boot plus 100000 calls takes
# 28 s at the tip (about 6000 calls/s); the fuzzer prints its own figures
# ("# totals:").
set -eu
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/stprog.sh"

cmd=${1:-}
case $cmd in
kconfig)
	[ $# -eq 2 ] || die fuzz "" "usage: fuzz.sh kconfig <out-file>"
	for f in "$CI_DIR/kernel.config" "$CI_DIR/kernel-debug.config"; do
		[ -r "$f" ] || die fuzz "$f" "missing kernel config fragment"
	done
	cat "$CI_DIR/kernel.config" "$CI_DIR/kernel-debug.config" >"$2.tmp" ||
		die fuzz "$2" "cannot write the combined fragment"
	mv "$2.tmp" "$2"
	exit 0
	;;
run)
	[ $# -eq 4 ] || die fuzz "" "usage: fuzz.sh run <kernel-tree> <Image> <outdir>"
	;;
*)
	die fuzz "" "usage: fuzz.sh kconfig <out-file> | run <kernel-tree> <Image> <outdir>"
	;;
esac
tree=$(cd "$2" 2>/dev/null && pwd) || die fuzz "$2" "no such kernel tree"
image=$3
out=$4
SRC=$TOOLS/fuzz/sbi_pmu_fuzz.c
PROFILE=${PMU_PROFILE:-aia}
CALLS=${PMU_FUZZ_CALLS:-100000}
BATCH=${PMU_FUZZ_BATCH:-64}
FTIMEOUT=${PMU_FUZZ_TIMEOUT:-1500}
SEED=${PMU_FUZZ_SEED:-$(printf '0x%x' "$(($(date +%s) * 2654435761 % 4294967296))")}

stage_begin fuzz
[ -r "$image" ] || die fuzz "$image" "no kernel image"
mkdir -p "$out"
out=$(cd "$out" && pwd)
rm -rf "${out:?}/st" "${out:?}/boot" "$out/hdr" "$out/hdr-build" "$out/result"

stprog_build fuzz "$SRC" "$tree" "$out"
export PMU_TOOLS_BIN

# One run line; the guest-side limit must fit in the host watchdog.
cat >"$out/tests.txt" <<EOF
# SBI PMU fuzzer (tools/pipeline/fuzz.sh): seed $SEED, $CALLS calls.
run sbi_pmu_fuzz $FTIMEOUT guard /tests/riscv/sbi_pmu_fuzz -s $SEED -n $CALLS -b $BATCH -t $((FTIMEOUT - 30)) ${PMU_FUZZ_ARGS:-}
EOF
export PMU_TESTS="$out/tests.txt"
sh "$TOOLS/pipeline/initramfs.sh" "$out/st" "$out/initramfs.cpio" >/dev/null ||
	die fuzz "$out/initramfs.cpio" "initramfs stage failed"
: "${PMU_BOOT_TIMEOUT:=$((FTIMEOUT + 300))}"
export PMU_BOOT_TIMEOUT
progress "booting $image (profile $PROFILE, seed $SEED, $CALLS calls)"
sh "$TOOLS/pipeline/boot.sh" "$image" "$out/initramfs.cpio" "$PROFILE" "$out/boot" ||
	die fuzz "$out/boot/console.log" "boot stage failed"

{
	echo "seed: $SEED"
	echo "calls: $CALLS"
	echo "image: $image"
	echo "tree: $tree ($(git -C "$tree" log -1 --format='%h %s' 2>/dev/null || echo '?'))"
	echo "qemu: $(cat "$out/boot/qemu-status")"
	grep -h 'boot ' "$out/boot/timings" 2>/dev/null | tail -1
	grep -E '# (totals|vcpu[0-9]):' "$out/boot/console.log" | sed 's/^ *//'
	grep -E 'FINDING|VIOLATION|SPLAT' "$out/boot/console.log" | sed 's/^ *//' | head -40
	echo "cases:"
	cat "$out/boot/cases.tsv"
} >"$out/summary.txt"
sed 's/^/    /' "$out/summary.txt"
bad=$(grep -v '^#' "$out/boot/cases.tsv" | cut -f2 | grep -cv '^pass$' || true)
if [ "$bad" -ne 0 ]; then
	echo finding >"$out/result"
	stage_end fuzz "$bad cases not passing, seed $SEED"
	echo "ERROR [fuzz] $out/summary.txt: $bad cases not passing (seed $SEED)" >&2
	exit 1
fi
echo clean >"$out/result"
stage_end fuzz "all cases pass, seed $SEED"
