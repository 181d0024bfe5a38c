#!/bin/sh
# Fault tests of the boot and build harness: a guest that hangs, a kernel
# that never powers off, a kernel that panics on boot and a disk that fills
# up during the build must each give a clear, classified result and leave
# no state behind (no QEMU, no mount, no temporary tree).
#
# Reuses an already built kernel Image (no kernel build): $PMU_FAULT_IMAGE,
# else the first $PMU_CACHE/cells/build/*/Image.  The full-disk check needs
# root (a 2 MiB tmpfs as the build directory) and the cached base tree.
#
# Usage:   sh tools/pipeline/t/harness-faults.sh
# Output:  one "ok"/"not ok" line per check, then "faults: N passed, N failed".
set -u
P=$(cd "$(dirname "$0")/.." && pwd)
TOP=$(cd "$P/../.." && pwd)
PMU_CACHE=${PMU_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/riscv-kvm-pmu}
export PMU_CACHE
tmp=$(mktemp -d /tmp/pmu-harness-faults.XXXXXX)
mnt=$tmp/full
cleanup() {
	if mountpoint -q "$mnt" 2>/dev/null; then
		umount "$mnt" 2>/dev/null || umount -l "$mnt"
	fi
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
export PMU_OUT="$tmp/out"
. "$P/t/lib.sh"
# case_is DIR CASE STATUS: cases.tsv of DIR has CASE with STATUS.
case_is() {
	awk -F '\t' -v c="$2" -v s="$3" '$1 == c && $2 == s { f = 1 } END { exit !f }' \
		"$1/cases.tsv" 2>/dev/null
}
# no_qemu_left: no process of ours (its command line names $tmp) survives.
no_qemu_left() {
	! pgrep -f "qemu-system-riscv64.*$tmp" >/dev/null 2>&1
}
elapsed_below() { # DIR SECONDS: the boot took less than SECONDS
	t=$(awk '$1 == "boot" { print $2 }' "$1/timings" 2>/dev/null | tail -1)
	[ -n "$t" ] && [ "$t" -lt "$2" ]
}

IMAGE=${PMU_FAULT_IMAGE:-}
if [ -z "$IMAGE" ]; then
	for i in "$PMU_CACHE"/cells/build/*/Image; do
		[ -r "$i" ] && IMAGE=$i && break
	done
fi
if [ -z "$IMAGE" ] || [ ! -r "$IMAGE" ]; then
	echo "not ok - setup: no built kernel Image (set PMU_FAULT_IMAGE or run the main job)"
	echo "faults: 0 passed, 1 failed"
	exit 1
fi

# The project's guest init and report tool, and two tiny guest programs.
PMU_TOOLS_BIN=$tmp/tools
export PMU_TOOLS_BIN
if ! timeout 600 make -s -C "$TOP/tools" O="$PMU_TOOLS_BIN" guest-init report \
	>"$tmp/tools.log" 2>&1; then
	sed 's/^/#   /' "$tmp/tools.log" | tail -10
	echo "not ok - setup: building the project tools failed"
	echo "faults: 0 passed, 1 failed"
	exit 1
fi
mkdir -p "$tmp/st"
printf '#include <unistd.h>\nint main(void)\n{\n\tfor (;;)\n\t\tpause();\n}\n' >"$tmp/hang.c"
printf 'int main(void)\n{\n\treturn 0;\n}\n' >"$tmp/true.c"
for p in hang true; do
	riscv64-linux-gnu-gcc -static -O2 -o "$tmp/st/$p" "$tmp/$p.c" 2>>"$tmp/tools.log" || {
		echo "not ok - setup: cannot build the guest program $p"
		echo "faults: 0 passed, 1 failed"
		exit 1
	}
done

# pack ROOTDIR OUT: a cpio of ROOTDIR, as the initramfs stage does.
pack() {
	(cd "$1" && find . | LC_ALL=C sort | cpio --quiet -o -H newc -R 0:0) >"$2"
}
boot() { # initrd outdir [tests.txt]
	PMU_TESTS=${3:-$tmp/tests-none.txt} timeout 300 sh "$P/boot.sh" "$IMAGE" "$1" aia "$2" \
		>"$tmp/log" 2>"$tmp/err"
}

# 1. A test that sleeps forever: killed at its own time limit, classified
#    "timeout"; the next test still runs and the guest powers off.
cat >"$tmp/tests-hang.txt" <<'EOF'
run hang 3 guard /tests/hang
run after 30 guard /tests/true
EOF
PMU_TESTS=$tmp/tests-hang.txt sh "$P/initramfs.sh" "$tmp/st" "$tmp/hang.cpio" \
	>/dev/null 2>"$tmp/err"
PMU_BOOT_TIMEOUT=120 boot "$tmp/hang.cpio" "$tmp/b1" "$tmp/tests-hang.txt"
check "hanging test: classified timeout" case_is "$tmp/b1" hang timeout
check "hanging test: the next test still passes" case_is "$tmp/b1" after pass
check "hanging test: the guest powered off (boot ok, no watchdog)" \
	grep -q '^#boot	ok' "$tmp/b1/cases.tsv"
check "hanging test: no QEMU left" no_qemu_left

# 2. A kernel that never powers off (PID 1 sleeps forever): the host
#    watchdog kills QEMU; every test is classified "boot-hang".
mkdir -p "$tmp/r2/tests" "$tmp/r2/dev" "$tmp/r2/proc" "$tmp/r2/sys"
cp "$tmp/st/hang" "$tmp/r2/init"
cp "$tmp/tests-hang.txt" "$tmp/r2/tests.txt"
pack "$tmp/r2" "$tmp/noend.cpio"
t0=$(date +%s)
PMU_BOOT_TIMEOUT=20 boot "$tmp/noend.cpio" "$tmp/b2" "$tmp/tests-hang.txt"
t1=$(date +%s)
check "no power-off: watchdog fired (qemu-status timeout)" \
	grep -qx timeout "$tmp/b2/qemu-status"
check "no power-off: tests classified boot-hang" case_is "$tmp/b2" hang boot-hang
check "no power-off: boot classified timeout" grep -q '^#boot	timeout' "$tmp/b2/cases.tsv"
check "no power-off: stopped by the watchdog within 45s" [ $((t1 - t0)) -lt 45 ]
check "no power-off: no QEMU left" no_qemu_left

# 3. A kernel that panics on boot: an initramfs without /init.
mkdir -p "$tmp/r3/tests" "$tmp/r3/dev"
cp "$tmp/tests-hang.txt" "$tmp/r3/tests.txt"
pack "$tmp/r3" "$tmp/noinit.cpio"
PMU_BOOT_TIMEOUT=120 boot "$tmp/noinit.cpio" "$tmp/b3" "$tmp/tests-hang.txt"
check "panic on boot: tests classified panic" case_is "$tmp/b3" hang panic
check "panic on boot: boot classified panic, naming it" \
	grep -q '^#boot	panic	.*Kernel panic' "$tmp/b3/cases.tsv"
check "panic on boot: QEMU exited by itself (panic=-1, -no-reboot)" \
	grep -q '^exit:' "$tmp/b3/qemu-status"
check "panic on boot: well before the watchdog" elapsed_below "$tmp/b3" 60
check "panic on boot: no QEMU left" no_qemu_left

# 4. A job stopped by an outer limit in the middle of a boot: the limit
#    kills the job's shell, and the job kills every process group its
#    stages started (GNU timeout gives each limited command a group of its
#    own, out of the outer limit's reach), so no QEMU is left.  The job is
#    a small driver over the real lib.sh and boot.sh, nested as in
#    main.sh (job -> stage limit -> boot.sh -> QEMU limit).
echo "run hang 600 guard /tests/hang" >"$tmp/tests-long.txt"
PMU_TESTS=$tmp/tests-long.txt sh "$P/initramfs.sh" "$tmp/st" "$tmp/long.cpio" \
	>/dev/null 2>"$tmp/err"
mkdir -p "$tmp/ft/tools" "$tmp/ft/ci"
cp -r "$P" "$tmp/ft/tools/pipeline"
cp -r "$TOP/ci/profiles" "$tmp/ft/ci/profiles"
# shellcheck disable=SC2016 # the driver's own expansions
printf '%s\n' '. "$(dirname "$0")/lib.sh"' 'job_groups' \
	'run_timeout 900 sh "$(dirname "$0")/boot.sh" "$@"' >"$tmp/ft/tools/pipeline/job.sh"
PMU_TESTS=$tmp/tests-long.txt timeout 20 sh "$tmp/ft/tools/pipeline/job.sh" \
	"$IMAGE" "$tmp/long.cpio" aia "$tmp/b5" >"$tmp/log5" 2>&1
rc5=$?
sleep 3
check "job stopped mid-boot: the outer limit fired (exit 124)" test "$rc5" -eq 124
check "job stopped mid-boot: the job says it killed its process groups" \
	grep -q 'every process group of the job was killed' "$tmp/log5"
check "job stopped mid-boot: no QEMU left" no_qemu_left
check "job stopped mid-boot: no result recorded" test ! -s "$tmp/b5/cases.tsv"

# 5. The disk fills up during the kernel build: a 2 MiB tmpfs as the cache
#    (build directory and ccache); the tree is a shared clone of the base.
if [ "$(id -u)" -ne 0 ]; then
	skip "full disk during the build" "needs root to mount a small tmpfs"
elif ! git -C "$PMU_CACHE/linux-${PMU_LINE:-7.3}" rev-parse -q --verify base >/dev/null 2>&1; then
	skip "full disk during the build" "no cached base tree (run the base stage)"
else
	mkdir -p "$mnt"
	if ! mount -t tmpfs -o size=2m pmu-fault-full "$mnt" 2>"$tmp/err"; then
		skip "full disk during the build" "cannot mount a tmpfs here"
	else
		git clone -q --shared --no-checkout -b base "$PMU_CACHE/linux-${PMU_LINE:-7.3}" "$tmp/linux" \
			2>"$tmp/err"
		ln -s "$tmp/linux" "$mnt/linux-${PMU_LINE:-7.3}"
		base=$(git -C "$tmp/linux" rev-parse base)
		PMU_CACHE=$mnt CCACHE_DISABLE=1 PMU_BUILD_TIMEOUT=300 timeout 900 \
			sh "$P/build.sh" "$base" - "$tmp/cell4" >"$tmp/log4" 2>"$tmp/err4"
		rc=$?
		build_failed() {
			[ "$rc" -ne 0 ] || grep -q '^build	fail' "$tmp/cell4/stages.tsv" 2>/dev/null
		}
		check "full disk: the build stage fails" build_failed
		check "full disk: the error names the stage and a file" \
			grep -qE '^ERROR \[build\] [^:]+: ' "$tmp/err4"
		check "full disk: the log says why (no space left on device)" \
			grep -qs 'No space left on device' "$tmp/cell4/config.log" \
			"$tmp/cell4/build.log" "$tmp/err4"
		check "full disk: no Image recorded" test ! -e "$tmp/cell4/Image"
		umount "$mnt" 2>"$tmp/err"
		check "full disk: the tmpfs is released" sh -c "! mountpoint -q '$mnt'"
	fi
fi

cleanup
if [ -e "$tmp" ] || mountpoint -q "$mnt" 2>/dev/null; then
	fail=$((fail + 1))
	echo "not ok - no temporary state left ($tmp)"
else
	pass=$((pass + 1))
	echo "ok - no temporary state left"
fi
closing faults
