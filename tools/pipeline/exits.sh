#!/bin/sh
# Measurement "exits": VM exits of SBI PMU guest workloads, from KVM's own
# vCPU statistics (KVM_GET_STATS_FD), on a base kernel and the series tip
# in one run.  tools/measure/sbi_pmu_exits.c is built once, against
# <tip-tree>, the way fuzz.sh builds the fuzzer (copied into the tree's
# KVM selftests for the time of the build only); the same static binary
# then runs on both kernels.
#
# Usage:   exits.sh <base-tree> <tip-tree> <base-Image> <tip-Image> <outdir>
#          (<base-tree> is only named in the report: nothing is built in it)
# Environment:
#   PMU_EXITS_CALLS  SBI calls per fw_read/set_timer workload (default 1000)
#   PMU_EXITS_REPS   measured repetitions of each workload (default 10)
#   PMU_PROFILE      QEMU profile (default aia); PMU_BOOT_TIMEOUT as boot.sh
#   PMU_TOOLS_BIN    built project tools (default: built here)
# Outputs: <outdir>/{st/,tests.txt,initramfs.cpio,base/,tip/,table.txt,
#          result}; the table is also printed.  Exit 0 only if both boots
#          measured every workload and no workload has more
#          trap-attributed exits on the tip than on the base kernel.
#          "result" is written last, only by a complete measurement:
#          "same" (exit 0) or "more" (exit 1, the tip adds exits).
#
# "exits" is KVM's "exits" statistic of the vCPU: every exit, so it also
# counts the host interrupts (timer tick, HZ=250) taken while the guest
# ran, which under TCG depend on speed.  N SBI calls are made as runs of
# 50 calls, each run short enough to fit between two host ticks at times:
# the table shows runs x the fewest exits of one run (the workload's own
# exits) and the range up to the most exits of a whole repetition.  "csr" is
# csr_exit_kernel+csr_exit_user (exact).  KVM has no statistic for SBI
# calls handled in the kernel (ecall_exit_stat counts only the calls
# forwarded to userspace), hence the minimum of "exits".
set -eu
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/stprog.sh"

[ $# -eq 5 ] ||
	die exits "" "usage: exits.sh <base-tree> <tip-tree> <base-Image> <tip-Image> <outdir>"
base_tree=$1
tree=$(cd "$2" 2>/dev/null && pwd) || die exits "$2" "no such kernel tree"
base_image=$3
tip_image=$4
out=$5
SRC=$TOOLS/measure/sbi_pmu_exits.c
PROFILE=${PMU_PROFILE:-aia}
CALLS=${PMU_EXITS_CALLS:-1000}
REPS=${PMU_EXITS_REPS:-10}

stage_begin exits
for i in "$base_image" "$tip_image"; do
	[ -r "$i" ] || die exits "$i" "no kernel image"
done
mkdir -p "$out"
out=$(cd "$out" && pwd)
rm -rf "$out/st" "$out/base" "$out/tip" "$out/hdr" "$out/hdr-build" "$out/result"

stprog_build exits "$SRC" "$tree" "$out"
export PMU_TOOLS_BIN

cat >"$out/tests.txt" <<EOF
# VM exit measurement (tools/pipeline/exits.sh): $CALLS calls, $REPS repetitions.
run sbi_pmu_exits 240 guard /tests/riscv/sbi_pmu_exits -n $CALLS -r $REPS
EOF
export PMU_TESTS="$out/tests.txt"
sh "$TOOLS/pipeline/initramfs.sh" "$out/st" "$out/initramfs.cpio" >/dev/null ||
	die exits "$out/initramfs.cpio" "initramfs stage failed"
: "${PMU_BOOT_TIMEOUT:=300}"
export PMU_BOOT_TIMEOUT

for k in base tip; do
	case $k in base) img=$base_image ;; *) img=$tip_image ;; esac
	progress "booting $k: $img (profile $PROFILE)"
	sh "$TOOLS/pipeline/boot.sh" "$img" "$out/initramfs.cpio" "$PROFILE" "$out/$k" ||
		die exits "$out/$k/console.log" "boot stage failed"
	# "# exits: workload=w k=v ..." -> "w k=v ..."
	sed -n 's/^.*# exits: workload=//p' "$out/$k/console.log" | tr -d '\r' >"$out/$k/exits.txt"
	[ "$(wc -l <"$out/$k/exits.txt")" -eq 5 ] ||
		die exits "$out/$k/console.log" "no complete measurement on the $k kernel"
done

# key FILE WORKLOAD KEY: one value of one workload.
key() {
	awk -v w="$2" -v k="$3" '$1 == w {
		for (i = 2; i <= NF; i++) { split($i, a, "="); if (a[1] == k) print a[2] } }' "$1"
}

{
	echo "command: $0 $*"
	echo "base: $base_image ($(git -C "$base_tree" log -1 --format='%h %s' 2>/dev/null || echo '?'))"
	echo "tip:  $tip_image ($(git -C "$tree" log -1 --format='%h %s' 2>/dev/null || echo '?'))"
	echo "profile: $PROFILE; $REPS measured repetitions after one warm-up"
	echo
	printf '%-10s %5s | %10s %10s %5s | %-11s %-11s | %s\n' workload N \
		"exits base" "exits tip" diff "range base" "range tip" "csr base/tip"
	bad=0
	for w in empty fw_read set_timer csr_read stop_snap; do
		n=$(key "$out/tip/exits.txt" $w n)
		xb=$(key "$out/base/exits.txt" $w exits_min)
		xt=$(key "$out/tip/exits.txt" $w exits_min)
		rb=$xb-$(key "$out/base/exits.txt" $w exits_max)
		rt=$xt-$(key "$out/tip/exits.txt" $w exits_max)
		cb=$(key "$out/base/exits.txt" $w csr)
		ct=$(key "$out/tip/exits.txt" $w csr)
		[ "$xt" -le "$xb" ] || bad=$((bad + 1))
		printf '%-10s %5s | %10s %10s %+5d | %-11s %-11s | %s/%s\n' \
			$w "$n" "$xb" "$xt" $((xt - xb)) "$rb" "$rt" "$cb" "$ct"
	done
	echo
	echo "exits: KVM vCPU statistic \"exits\" less the closing ucall of each run."
	echo "  The N SBI calls run as N/50 runs of 50 calls: exits = runs x the"
	echo "  fewest exits of one run over all repetitions; range = that to the"
	echo "  most exits of one whole repetition (host timer interrupts added)."
} >"$out/table.txt"
cat "$out/table.txt"
if [ "$bad" -ne 0 ]; then
	echo more >"$out/result"
	stage_end exits "$bad workloads with more exits on the tip"
	exit 1
fi
echo same >"$out/result"
stage_end exits "no workload with more exits on the tip"
