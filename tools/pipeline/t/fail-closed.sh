#!/bin/sh
# Fault tests of the pipeline's failure paths: a stage that gets a signal,
# a failure of a tool inside a stage, an infrastructure error in the main
# job's cells (cell.sh) must each end non-zero with a message naming the stage
# and the file, and must never leave a cached result behind.
#
# Needs neither the cache nor a kernel tree: each stage runs in a scratch
# copy of the repository layout (the real stage scripts, stubs for the
# stages and tools around them).  t/faults.sh runs it too.
#
# Usage:   sh tools/pipeline/t/fail-closed.sh
# Output:  one "ok"/"not ok" line per check, then
#          "fail-closed: N passed, N failed".
set -u
if [ -z "${FC_NESTED:-}" ]; then
	P=$(cd "$(dirname "$0")/.." && pwd)
	tmp=$(mktemp -d)
	trap 'rm -rf "$tmp"' EXIT
	trap 'exit 2' INT TERM
	. "$P/t/lib.sh"
fi
fc=$tmp/fail-closed
mkdir -p "$fc"

# faketop DIR FILE...: a scratch repository layout with lib.sh and the
# named files of tools/pipeline copied from this repository.
faketop() {
	_d=$1
	shift
	mkdir -p "$_d/tools/pipeline" "$_d/ci"
	for _f in lib.sh "$@"; do
		cp "$P/$_f" "$_d/tools/pipeline/$_f"
	done
}

# stub DIR NAME BODY: an executable sh script DIR/NAME.
stub() {
	mkdir -p "$1"
	printf '#!/bin/sh\n%s\n' "$3" >"$1/$2"
	chmod +x "$1/$2"
}

# slow DIR NAME: NAME, after it touched $fc/ready and slept 2 s.
slow() {
	stub "$1" "$2" ": >'$fc/ready'; sleep 2; exec $(command -v "$2") \"\$@\""
}

# term_rc CMD...: run CMD in the background, send it TERM once it has
# reached the slow tool, print its exit status.  CMD must exec the stage
# (so that the stage's shell is the process signalled).
term_rc() {
	rm -f "$fc/ready"
	"$@" >"$tmp/log" 2>"$tmp/err" &
	_pid=$!
	_n=0
	while [ ! -e "$fc/ready" ] && [ $_n -lt 200 ]; do
		sleep 0.1
		_n=$((_n + 1))
	done
	kill -TERM "$_pid" 2>/dev/null
	_rc=0
	wait "$_pid" || _rc=$?
	echo "$_rc"
}

# gitrepo DIR: a repository with branch base (one commit) and branch
# series (one more commit on it), checked out at base.
gitrepo() {
	git init -q "$1"
	echo base >"$1/file.c"
	git -C "$1" add file.c
	git -C "$1" -c user.name=t -c user.email=t@t.invalid commit -q -m base
	git -C "$1" branch -q -f base
	git -C "$1" checkout -q -b series
	echo patched >"$1/file.c"
	git -C "$1" -c user.name=t -c user.email=t@t.invalid commit -q -a \
		-m "file: a change"
	git -C "$1" checkout -q base
}

# ---- A signal ends a stage with status 2, its temporary files removed ----

ft=$fc/top1
faketop "$ft" initramfs.sh cover.sh export.sh stprog.sh
S=$fc/stub1
mkdir -p "$fc/tmpdir" "$fc/tools/guest" "$fc/st/riscv"
stub "$fc/tools/guest" init "exit 0"
stub "$fc/tools" pmu-report "exit 0"
stub "$fc/st/riscv" t1 "exit 0"
echo "run t1 10 old /tests/riscv/t1" >"$fc/tests.txt"
run1() {
	exec env TMPDIR="$fc/tmpdir" PATH="$S:$PATH" PMU_CACHE="$fc/cache1" \
		PMU_OUT="$fc/out1" PMU_TOOLS_BIN="$fc/tools" "$@"
}
no_tmp_left() {
	[ -z "$(ls -A "$fc/tmpdir")" ]
}

# initramfs.sh: TERM while it hashes the cpio.
slow "$S" sha256sum
rc=$(term_rc run1 env PMU_TESTS="$fc/tests.txt" sh "$ft/tools/pipeline/initramfs.sh" \
	"$fc/st" "$fc/out.cpio")
check "initramfs.sh: TERM ends it with status 2 (got $rc)" [ "$rc" = 2 ]
check "initramfs.sh: its temporary tree is removed" no_tmp_left
rm -f "$S/sha256sum"

# cover.sh: TERM while it copies the generated cover letter.
gitrepo "$fc/cache1/linux-7.3"
printf 'commit: %s\n' "$(git -C "$fc/cache1/linux-7.3" rev-parse base)" >"$ft/base-commit"
printf 'Subject: [PATCH 0/@@N@@]\n\n@@SHORTLOG@@\n@@DIFFSTAT@@\nbase-commit: @@BASE@@\n' \
	>"$ft/ci/cover-letter.in"
: >"$ft/ci/evidence.txt"
slow "$S" cp
rc=$(term_rc run1 sh "$ft/tools/pipeline/cover.sh")
check "cover.sh: TERM ends it with status 2 (got $rc)" [ "$rc" = 2 ]
check "cover.sh: its temporary files are removed" no_tmp_left
rm -f "$S/cp"

# export.sh: TERM while it counts the exported patches.
slow "$S" wc
rc=$(term_rc run1 env PMU_EXPORT_DIR="$fc/export" sh "$ft/tools/pipeline/export.sh" \
	"$fc/cache1/linux-7.3" series)
check "export.sh: TERM ends it with status 2 (got $rc)" [ "$rc" = 2 ]
check "export.sh: its temporary directory is removed" no_tmp_left
rm -f "$S/wc"

# stprog.sh: TERM while the program builds in the kernel tree.
cat >"$ft/tools/pipeline/drv.sh" <<'EOF'
set -eu
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/stprog.sh"
stprog_build drv "$1" "$2" "$3"
echo "stprog_build returned"
EOF
mkdir -p "$fc/tree/tools/testing/selftests/kvm/riscv" "$fc/stout"
echo "int main(void) { return 0; }" >"$fc/prog.c"
stub "$S" make "case \"\$*\" in *TEST_GEN_PROGS*) : >'$fc/ready'; sleep 2 ;; esac"
stub "$S" riscv64-linux-gnu-gcc "exit 0"
stub "$S" cpio "exit 0"
rc=$(term_rc run1 sh "$ft/tools/pipeline/drv.sh" "$fc/prog.c" "$fc/tree" "$fc/stout")
check "stprog.sh: TERM ends the stage with status 2 (got $rc)" [ "$rc" = 2 ]
check "stprog.sh: the program is removed from the kernel tree" \
	test ! -e "$fc/tree/tools/testing/selftests/kvm/riscv/prog.c"

# ---- Exit statuses a stage must not lose ----

# series-checks.sh: get_maintainer.pl fails (and writes on stderr).
ft=$fc/top2
faketop "$ft" series-checks.sh cover.sh export.sh
C2=$fc/cache2
gitrepo "$C2/linux-7.3"
printf 'commit: %s\n' "$(git -C "$C2/linux-7.3" rev-parse base)" >"$ft/base-commit"
cp "$fc/top1/ci/cover-letter.in" "$fc/top1/ci/evidence.txt" "$ft/ci/"
mkdir -p "$C2/linux-7.3.apply-wt/scripts" "$fc/p2"
printf 'KVM\nM:\tSome One <one@example.invalid>\nF:\tfile.c\n' >"$C2/linux-7.3.apply-wt/MAINTAINERS"
cp "$C2/linux-7.3.apply-wt/MAINTAINERS" "$ft/MAINTAINERS-snippet"
cat >"$C2/linux-7.3.apply-wt/scripts/get_maintainer.pl" <<'EOF2'
print STDERR "get_maintainer-stderr-marker\n";
print "Some One <one\@example.invalid>\n";
exit($ENV{GM_RC} // 0);
EOF2
git -C "$C2/linux-7.3" format-patch -q -o "$fc/p2" base..series
(cd "$fc/p2" && ls) >"$fc/p2.series"
run2() {
	env PATH="$fc/stub2:$PATH" PMU_CACHE="$C2" PMU_OUT="$fc/out2" \
		PMU_PATCHDIR="$fc/p2" PMU_SERIES="$fc/p2.series" "$@" \
		sh "$ft/tools/pipeline/series-checks.sh" >"$tmp/log" 2>"$tmp/err"
}
stub "$fc/stub2" quilt "exit 1"
stub "$fc/stub2" b4 "exit 1"
run2 GM_RC=1
check "series-checks.sh: a get_maintainer.pl failure is an error naming the patch" \
	grep -q '^ERROR \[series-checks\] .*get_maintainer.pl failed on .*0001-file-a-change.patch' \
	"$tmp/err"
run2 GM_RC=0
check "series-checks.sh: get_maintainer.pl's stderr stays out of recipients.txt" \
	sh -c "grep -q 'one@example.invalid' '$fc/out2/series-checks/recipients.txt' &&
		! grep -q 'stderr-marker' '$fc/out2/series-checks/recipients.txt'"

# build.sh: the closing rebuild of the Image (after W=1 and sparse) fails.
ft=$fc/top3
faketop "$ft" build.sh sparse-riscv.sh
C3=$fc/cache3
gitrepo "$C3/linux-7.3"
echo "CONFIG_X=y" >"$fc/kernel.config"
B3=$C3/build/7.3-$(sha256sum "$fc/kernel.config" | cut -c1-16)
mkdir -p "$B3"
: >"$B3/.config"
: >"$B3/.pmu-config-ok"
stub "$fc/stub3" ccache "exit 0"
stub "$fc/stub3" sparse "exit 0"
stub "$fc/stub3" riscv64-linux-gnu-gcc "exit 0"
# shellcheck disable=SC2016 # expanded by the stub
stub "$fc/stub3" make '
for a; do case $a in O=*) o=${a#O=} ;; esac; done
case "$*" in
*W=1* | *C=2*) exit 0 ;;
*Image*)
	n=$(($(cat "$o/n" 2>/dev/null || echo 0) + 1))
	echo $n >"$o/n"
	case "$n:${FAIL_FIRST:-}" in
	1:nospace) echo "ld: final link failed: No space left on device" >&2; exit 2 ;;
	1:slow) exec sleep 20 ;;
	esac
	if [ "$n" -gt 1 ] && [ -n "${FAIL_REBUILD:-}" ]; then
		echo "make: *** No space left on device" >&2
		exit 2
	fi
	mkdir -p "$o/arch/riscv/boot" && : >"$o/arch/riscv/boot/Image" ;;
esac'
run3() {
	rm -rf "$fc/cell3" "$B3/n"
	env PATH="$fc/stub3:$PATH" PMU_CACHE="$C3" PMU_OUT="$fc/out3" \
		PMU_KCONFIG="$fc/kernel.config" "$@" sh "$ft/tools/pipeline/build.sh" \
		"$(git -C "$C3/linux-7.3" rev-parse series)" "$(git -C "$C3/linux-7.3" rev-parse base)" \
		"$fc/cell3" >"$tmp/log" 2>"$tmp/err"
}
run3 FAIL_REBUILD=
check "build.sh: passes with the stub build (setup)" \
	grep -q '^sparse	pass' "$fc/cell3/stages.tsv"
rc=0
run3 FAIL_REBUILD=1 || rc=$?
cp "$tmp/err" "$fc/err3"
check "build.sh: a failed closing rebuild fails the stage (got $rc)" [ "$rc" -ne 0 ]
check "build.sh: ... with an error naming the stage and its log" \
	grep -qE '^ERROR \[build\] [^:]*cell3/rebuild.log: ' "$fc/err3"

# ---- An infrastructure error is an ERROR, never cached ----

# build.sh: a full disk and a timeout are no build result (exit 2).
rc=0
run3 FAIL_FIRST=nospace || rc=$?
cp "$tmp/err" "$fc/err3"
check "build.sh: a full disk ends the stage with status 2 (got $rc)" [ "$rc" = 2 ]
check "build.sh: ... recorded as a build error, naming build.log" sh -c "
	grep -q '^build	error	.*build.log' '$fc/cell3/stages.tsv' &&
	grep -qE '^ERROR \\[build\\] [^:]*cell3/build.log: ' '$fc/err3'"
rc=0
run3 FAIL_FIRST=slow PMU_BUILD_TIMEOUT=1 || rc=$?
check "build.sh: a build timeout ends the stage with status 2 (got $rc)" [ "$rc" = 2 ]
check "build.sh: ... recorded as a build timeout" \
	grep -q '^build	timeout' "$fc/cell3/stages.tsv"

# main.sh: the real cell loop (cell.sh), boot.sh and report.sh around stub
# stages; a fake QEMU and a stub build.sh whose behaviour each run chooses.
ft=$fc/top4
faketop "$ft" main.sh cell.sh report.sh summary.sh boot.sh
S=$fc/stub4
mkdir -p "$S" "$ft/ci/profiles" "$ft/patches" "$ft/tools/report" "$ft/tools/common"
: >"$ft/tools/report/x.c"
: >"$ft/tools/common/x.h"
printf 'all guest-init report:\n\t@true\n' >"$ft/tools/Makefile"
echo "commit: 0123456789abcdef" >"$ft/base-commit"
echo "CONFIG_X=y" >"$ft/ci/kernel.config"
echo "run t1 10 old /tests/riscv/t1" >"$ft/ci/tests.txt"
: >"$ft/ci/known-failures.txt"
echo aia >"$ft/ci/profiles/list"
cat >"$ft/ci/profiles/aia.conf" <<CONF
QEMU=$S/fake-qemu
QEMU_MACHINE=virt
QEMU_CPU=rv64
QEMU_SMP=1
QEMU_MEM=64M
QEMU_APPEND=console=ttyS0
BOOT_TIMEOUT=2
CONF
echo "patch one" >"$ft/patches/0001-one.patch"
for f in deps.sh base.sh series-checks.sh measure.sh sparse-riscv.sh; do
	stub "$ft/tools/pipeline" "$f" "exit 0"
done
# shellcheck disable=SC2016 # expanded by the stubs
{
	stub "$ft/tools/pipeline" apply.sh \
		'printf "0\tc0\t-\tbase\tLinux\n1\tc1\t0001-one.patch\tother\tRISC-V: one\n" >"$PMU_OUT/commits.tsv"'
	stub "$ft/tools/pipeline" selftests.sh 'echo "$PMU_OUT/st"'
	stub "$ft/tools/pipeline" initramfs.sh ': >"$2"; echo 0123'
	stub "$ft/tools/pipeline" checkpatch.sh 'printf "checkpatch\tpass\t0\t\n" >>"$2/stages.tsv"'
}
cat >"$ft/tools/pipeline/build.sh" <<STUB
#!/bin/sh
echo x >>"$fc/build.count"
case \$FB_MODE in
die) echo "ERROR [build] \$3: a tool went missing" >&2; exit 1 ;;
timeout) printf 'build\ttimeout\t9\tsee build.log\nw1\tskip\t0\t\nsparse\tskip\t0\t\n' >>"\$3/stages.tsv"; exit 0 ;;
esac
printf 'build\tpass\t1\t\nw1\tpass\t0\t\nsparse\tpass\t0\t\n' >>"\$3/stages.tsv"
: >"\$3/Image"
STUB
cat >"$S/fake-qemu" <<STUB
#!/bin/sh
echo x >>"$fc/qemu.count"
while [ \$# -gt 0 ]; do
	case \$1 in -serial) con=\${2#file:}; shift ;; esac
	shift
done
case \$FQ_MODE in
hang) exec sleep 30 ;;
fail) echo "qemu-system-riscv64: cannot load the kernel" >&2; exit 1 ;;
noktap) echo "OpenSBI v1.5.1" >"\$con"; exit 0 ;;
esac
printf 'KTAP version 1\n1..2\nok 1 t1\nok 2 pmu-ci.post-checks\n# pmu-ci: end\n' >"\$con"
STUB
chmod +x "$ft/tools/pipeline/build.sh" "$S/fake-qemu"
make -s -C "$P/.." O="$fc/tools4" report >"$fc/tools4.log" 2>&1 ||
	echo "not ok - setup: building pmu-report failed (see $fc/tools4.log)"
C4=$fc/cache4
# run4 FB_MODE FQ_MODE: the main job; its status in $rc4, its stderr in
# $fc/err4 (and $tmp/err, shown by the first check that fails), the
# summary in $fc/out4/report/summary.txt.
run4() {
	rc4=0
	env PMU_CACHE="$C4" PMU_OUT="$fc/out4" PMU_TOOLS_BIN="$fc/tools4" \
		PMU_RELIABILITY=0 FB_MODE="$1" FQ_MODE="$2" \
		sh "$ft/tools/pipeline/main.sh" >"$fc/log4" 2>"$fc/err4" || rc4=$?
	cp "$fc/err4" "$tmp/err"
}
count() { # file: its number of lines
	if [ -f "$1" ]; then wc -l <"$1"; else echo 0; fi
}
no_done() { # dir: no .done marker below it
	[ -z "$(find "$1" -name .done 2>/dev/null)" ]
}
summary_has() {
	grep -q "$1" "$fc/out4/report/summary.txt" 2>/dev/null
}
rc_and_count() { # status file n: status 0 and the stub ran n times in all
	[ "$1" = 0 ] && [ "$(count "$2")" -eq "$3" ]
}
boots_again() { # n
	rc_and_count "$rc4" "$fc/qemu.count" "$1" && summary_has "Result: PASS"
}

for mode in hang fail noktap; do
	rm -rf "$C4/cells/boot"
	run4 pass "$mode"
	check "main.sh: QEMU $mode: the job ends with status 2 (got $rc4)" [ "$rc4" = 2 ]
	check "main.sh: QEMU $mode: an error names the boot stage and a file" \
		grep -qE '^ERROR \[boot\] /[^:]+: ' "$fc/err4"
	check "main.sh: QEMU $mode: no boot result cached" no_done "$C4/cells/boot"
	check "main.sh: QEMU $mode: the summary says ERROR, naming cases.tsv" sh -c "
		grep -q 'Result: ERROR' '$fc/out4/report/summary.txt' &&
		grep -q 'cells/01/cases.tsv missing' '$fc/out4/report/summary.txt'"
done
n=$(count "$fc/qemu.count")
run4 pass ok
check "main.sh: the next run boots again and passes (got $rc4)" boots_again $((n + 2))

for mode in timeout die; do
	rm -rf "$C4/cells"
	run4 "$mode" ok
	check "main.sh: build $mode: the job ends with status 2 (got $rc4)" [ "$rc4" = 2 ]
	check "main.sh: build $mode: an error names the build stage and a file" \
		grep -qE '^ERROR \[build\] /[^:]+: .*not cached' "$fc/err4"
	check "main.sh: build $mode: no build result cached" no_done "$C4/cells/build"
	check "main.sh: build $mode: the summary says ERROR" summary_has "Result: ERROR"
done
n=$(count "$fc/build.count")
run4 pass ok
check "main.sh: the next run builds again and passes (got $rc4)" \
	rc_and_count "$rc4" "$fc/build.count" $((n + 2))
run4 pass ok
check "main.sh: a run that passed is cached (got $rc4)" \
	rc_and_count "$rc4" "$fc/build.count" $((n + 2))

# reliability.sh: a fuzz run that died is not a result.
ft=$fc/top5
faketop "$ft" reliability.sh
mkdir -p "$ft/tools/fuzz" "$ft/ci/profiles"
: >"$ft/tools/fuzz/sbi_pmu_fuzz.c"
: >"$ft/ci/profiles/aia.conf"
printf 'FUZZ_SEED=0x1\nFUZZ_CALLS=10\n' >"$ft/ci/fuzz.conf"
stub "$ft/tools/pipeline" boot.sh "exit 0"
# shellcheck disable=SC2016 # expanded by the stub
stub "$ft/tools/pipeline" build.sh \
	'mkdir -p "$3"; printf "build\tpass\t1\t\n" >>"$3/stages.tsv"; echo "$1" >"$3/Image"'
cat >"$ft/tools/pipeline/fuzz.sh" <<STUB
#!/bin/sh
[ "\$1" = kconfig ] && { : >"\$2"; exit 0; }
echo x >>"$fc/fuzz.count"
mkdir -p "\$4/boot"
[ "\$FZ_MODE" = die ] && { echo "ERROR [fuzz] \$4/boot/console.log: boot stage failed" >&2; exit 1; }
echo "seed: 0x1" >"\$4/summary.txt"
case \$3 in
*/tip-*) echo clean >"\$4/result"; exit 0 ;;
*) echo finding >"\$4/result"; exit 1 ;;
esac
STUB
chmod +x "$ft/tools/pipeline/fuzz.sh"
C5=$fc/cache5
gitrepo "$C5/linux-7.3"
git -C "$C5/linux-7.3" worktree add -q --detach "$C5/linux-7.3.apply-wt" base
run5() {
	rc5=0
	env PMU_CACHE="$C5" PMU_OUT="$fc/out5" FZ_MODE="$1" \
		sh "$ft/tools/pipeline/reliability.sh" series >"$fc/log5" 2>"$fc/err5" || rc5=$?
	cp "$fc/err5" "$tmp/err"
}
run5 die
check "reliability.sh: a fuzz run that died: status 2 (got $rc5)" [ "$rc5" = 2 ]
check "reliability.sh: ... an error names the stage and the run's directory" \
	grep -qE '^ERROR \[reliability\] /[^:]+: .*not cached' "$fc/err5"
check "reliability.sh: ... no fuzz result cached" no_done "$C5/fuzz"
n=$(count "$fc/fuzz.count")
run5 ok
check "reliability.sh: the next run fuzzes again and passes (got $rc5)" \
	rc_and_count "$rc5" "$fc/fuzz.count" $((n + 3))

# measure.sh: an exits run that died is not a result.
ft=$fc/top6
faketop "$ft" measure.sh
mkdir -p "$ft/tools/measure" "$ft/ci/profiles"
: >"$ft/tools/measure/sbi_pmu_exits.c"
: >"$ft/ci/profiles/aia.conf"
cat >"$ft/tools/pipeline/exits.sh" <<STUB
#!/bin/sh
echo x >>"$fc/exits.count"
mkdir -p "\$5"
[ "\$EX_MODE" = die ] && { echo "ERROR [exits] \$5/tip/console.log: no complete measurement" >&2; exit 1; }
echo "workload table" >"\$5/table.txt"
echo same >"\$5/result"
STUB
chmod +x "$ft/tools/pipeline/exits.sh"
C6=$fc/cache6
gitrepo "$C6/linux-7.3"
git -C "$C6/linux-7.3" worktree add -q --detach "$C6/linux-7.3.apply-wt" base
echo base >"$fc/base.Image"
echo tip >"$fc/tip.Image"
run6() {
	rc6=0
	env PMU_CACHE="$C6" PMU_OUT="$fc/out6" EX_MODE="$1" \
		sh "$ft/tools/pipeline/measure.sh" series "$fc/base.Image" "$fc/tip.Image" \
		>"$fc/log6" 2>"$fc/err6" || rc6=$?
	cp "$fc/err6" "$tmp/err"
}
run6 die
check "measure.sh: an exits run that died: status 2 (got $rc6)" [ "$rc6" = 2 ]
check "measure.sh: ... an error names the stage and the run's directory" \
	grep -qE '^ERROR \[measure\] /[^:]+: .*not cached' "$fc/err6"
check "measure.sh: ... no measurement cached" no_done "$C6/exits"
n=$(count "$fc/exits.count")
run6 ok
check "measure.sh: the next run measures again and passes (got $rc6)" \
	rc_and_count "$rc6" "$fc/exits.count" $((n + 1))

[ -n "${FC_NESTED:-}" ] || closing fail-closed
