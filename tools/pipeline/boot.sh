#!/bin/sh
# Stage "boot": boot a kernel with the guest initramfs under QEMU, with a
# host-side watchdog, and classify the console log.
#
# Usage:   boot.sh <Image> <initramfs.cpio> <profile> <outdir>
# Inputs:  ci/profiles/<profile>.conf, ci/tests.txt, tools build (pmu-report)
# Outputs: <outdir>/console.log, <outdir>/qemu-status ("exit:N"|"timeout"),
#          <outdir>/cases.tsv (per-case classification)
# Exit:    0, a boot with a result (which may be a kernel failure: a
#          panic, a splat, failed cases); 2, a boot without one, all
#          outputs kept for diagnosis: the watchdog stopped QEMU, QEMU
#          failed, or the guest printed no KTAP (and the kernel did not
#          panic).  Callers must not keep such a boot as a result.
set -eu
. "$(dirname "$0")/lib.sh"
image=$1
initrd=$2
profile=$3
out=$4
# shellcheck disable=SC2034 # read by lib.sh (progress, need)
STAGE=boot
STAGE_T0=$(_now)
conf=$CI_DIR/profiles/$profile.conf
[ -r "$conf" ] || die boot "$conf" "unknown QEMU profile '$profile'"
# shellcheck disable=SC1090
. "$conf"
[ -r "$image" ] || die boot "$image" "no kernel image"
[ -r "$initrd" ] || die boot "$initrd" "no initramfs"
need "$QEMU" timeout
if [ -n "${QEMU_VERSION_WANT:-}" ]; then
	qv=$("$QEMU" --version | head -1)
	case "$qv" in
	*"version $QEMU_VERSION_WANT "*) ;;
	*) die boot "$conf" "profile wants QEMU $QEMU_VERSION_WANT, $QEMU is '$qv' (run the deps stage)" ;;
	esac
fi
# die_infra FILE MSG: a boot without a result (see above).
die_infra() {
	echo "ERROR [boot] $1: $2: no result" >&2
	exit 2
}
mkdir -p "$out"
rm -f "$out/console.log" "$out/qemu-status"
rc=0
# shellcheck disable=SC2086 # QEMU_EXTRA_ARGS is a list of arguments
run_timeout "${PMU_BOOT_TIMEOUT:-$BOOT_TIMEOUT}" "$QEMU" -M "$QEMU_MACHINE" \
	-cpu "$QEMU_CPU" -smp "$QEMU_SMP" -m "$QEMU_MEM" \
	-display none -monitor none -serial "file:$out/console.log" \
	-bios "${QEMU_BIOS:-default}" -kernel "$image" -initrd "$initrd" \
	-append "$QEMU_APPEND ${PMU_APPEND_EXTRA:-}" -no-reboot ${QEMU_EXTRA_ARGS:-} \
	</dev/null >"$out/qemu.log" 2>&1 || rc=$?
if [ $rc -eq 124 ]; then
	echo timeout >"$out/qemu-status"
else
	echo "exit:$rc" >"$out/qemu-status"
fi
touch "$out/console.log"
"$PMU_TOOLS_BIN/pmu-report" cell --console "$out/console.log" \
	--qemu-status "$out/qemu-status" --tests "${PMU_TESTS:-$LINE_CI/tests.txt}" \
	--out "$out/cases.tsv" >"$out/report-cell.log" 2>&1 ||
	die boot "$out/console.log" "pmu-report cell failed (see $out/report-cell.log)"
dt=$(($(_now) - STAGE_T0))
echo "boot $dt" >>"$out/timings"
progress "$(cut -f2 "$out/cases.tsv" | sort | uniq -c | tr -s ' \n' ' ') ($(cat "$out/qemu-status"), ${dt}s)"
qs=$(cat "$out/qemu-status")
case $qs in
timeout)
	die_infra "$out/console.log" "the watchdog stopped QEMU after ${PMU_BOOT_TIMEOUT:-$BOOT_TIMEOUT}s"
	;;
exit:0)
	grep -q 'KTAP version [0-9]' "$out/console.log" ||
		grep -q '^#boot	panic' "$out/cases.tsv" ||
		die_infra "$out/console.log" "no KTAP from the guest"
	;;
*)
	die_infra "$out/qemu.log" "QEMU failed ($qs)"
	;;
esac
