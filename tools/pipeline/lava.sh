#!/bin/sh
# Stage "lava": the boot stage as a LAVA job.  Generates the job and the
# rendered QEMU device dictionary from the QEMU profile and the guest's test
# list (ci/lava/lavajob.sh), runs it with lava-run (lava-dispatcher), and
# turns the LAVA results back into the pipeline's case names
# ("pmu-report lava").
#
# Usage:   lava.sh <Image> <initramfs.cpio> <profile> <outdir>
# Inputs:  ci/profiles/<profile>.conf, ci/lava/device-qemu.yaml,
#          the test list inside the initramfs (/tests.txt);
#          lava-run (Debian package lava-dispatcher), run as root;
#          pmu-report ($PMU_TOOLS_BIN/pmu-report, else built in <outdir>/tools).
# Env:     PMU_BOOT_TIMEOUT, PMU_APPEND_EXTRA as for boot.sh;
#          PMU_LAVA_JOB_ID (default: unique per call).
# Outputs: <outdir>/job.yaml, device.yaml, monitors.tsv (the job);
#          lava.log (the lava-run log), run/ (its output dir);
#          console.log (the serial console as LAVA saw it);
#          results.yaml, results.tsv (one LAVA result per KTAP result line:
#          run id, case, pass|fail|skip); cases.tsv (pipeline case id,
#          pass|fail|skip|missing); timings ("lava <s>").
#          Exit 0 only if lava-run finished the job and every run of the
#          test list has its LAVA result.
set -eu
. "$(dirname "$0")/lib.sh"
[ $# -eq 4 ] || die lava "" "usage: lava.sh <Image> <initramfs> <profile> <outdir>"
image=$1
initrd=$2
profile=$3
out=$4
# shellcheck disable=SC2034 # read by lib.sh (progress, need)
STAGE=lava
STAGE_T0=$(_now)
conf=$CI_DIR/profiles/$profile.conf
[ -r "$conf" ] || die lava "$conf" "unknown QEMU profile '$profile'"
# shellcheck disable=SC1090
. "$conf"
[ -r "$image" ] || die lava "$image" "no kernel image"
[ -r "$initrd" ] || die lava "$initrd" "no initramfs"
need "$QEMU" timeout cpio lava-run
if [ -n "${QEMU_VERSION_WANT:-}" ]; then
	qv=$("$QEMU" --version | head -1)
	case "$qv" in
	*"version $QEMU_VERSION_WANT "*) ;;
	*) die lava "$conf" "profile wants QEMU $QEMU_VERSION_WANT, $QEMU is '$qv' (run the deps stage)" ;;
	esac
fi
mkdir -p "$out"
out=$(cd "$out" && pwd)
# The tools stage's pmu-report if it reads LAVA logs, else one built here.
rep=$PMU_TOOLS_BIN/pmu-report
if ! { [ -x "$rep" ] && "$rep" --help | grep -q '^  pmu-report lava '; }; then
	make -s -C "$TOP/tools" O="$out/tools" report >&2 ||
		die lava "$TOP/tools/report" "building pmu-report failed"
	rep=$out/tools/pmu-report
fi
rm -rf "$out/artifacts" "$out/run"
rm -f "$out/job.yaml" "$out/device.yaml" "$out/monitors.tsv" "$out/lava.log" \
	"$out/console.log" "$out/results.yaml" "$out/results.tsv" "$out/cases.tsv"
mkdir -p "$out/artifacts" "$out/run"

# Private copies: the job downloads them by file:// URL later, and the
# pipeline may rewrite the originals meanwhile.
cp "$image" "$out/artifacts/Image"
cp "$initrd" "$out/artifacts/initramfs.cpio"
(cd "$out/artifacts" && cpio -i --quiet --to-stdout tests.txt <initramfs.cpio) \
	>"$out/tests.txt" 2>/dev/null || true
[ -s "$out/tests.txt" ] || die lava "$initrd" "no /tests.txt in the initramfs"

timeout_s=${PMU_BOOT_TIMEOUT:-$BOOT_TIMEOUT}
sh "$CI_DIR/lava/lavajob.sh" --device-base "$CI_DIR/lava/device-qemu.yaml" \
	--tests "$out/tests.txt" --profile "$profile" \
	--kernel-url "file://$out/artifacts/Image" \
	--initrd-url "file://$out/artifacts/initramfs.cpio" \
	--qemu "$QEMU" --machine "$QEMU_MACHINE" --cpu "$QEMU_CPU" \
	--smp "$QEMU_SMP" --memory "$QEMU_MEM" --bios "${QEMU_BIOS:-default}" \
	--append "$QEMU_APPEND ${PMU_APPEND_EXTRA:-}" --timeout "$timeout_s" \
	--name "riscv-kvm-pmu boot $profile" --outdir "$out" ||
	die lava "$CI_DIR/lava/lavajob.sh" "generating the LAVA job failed"
progress "job $out/job.yaml: $(wc -l <"$out/monitors.tsv") monitors"

# lava-run keeps its downloads under /var/lib/lava/dispatcher/tmp/<job id>:
# the id must be unique among concurrent jobs on this machine.
jobid=${PMU_LAVA_JOB_ID:-$(date +%s)$$}
t0=$(_now)
rc=0
run_timeout $((timeout_s + 240)) lava-run --job-id "$jobid" \
	--output-dir "$out/run" --device "$out/device.yaml" "$out/job.yaml" \
	</dev/null >"$out/lava.log" 2>&1 || rc=$?
dt=$(($(_now) - t0))
echo "lava $dt" >>"$out/timings"
progress "lava-run exit $rc in ${dt}s (log $out/lava.log)"

rrc=0
"$rep" lava --log "$out/lava.log" \
	--monitors "$out/monitors.tsv" --outdir "$out" || rrc=$?
if [ $rc -ne 0 ]; then
	tail -5 "$out/lava.log" >&2
	die lava "$out/lava.log" "lava-run failed (exit $rc)"
fi
[ $rrc -eq 0 ] || die lava "$out/results.tsv" "LAVA results missing or the job failed"
progress "done in $(($(_now) - STAGE_T0))s"
