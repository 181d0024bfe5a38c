#!/bin/sh
# Fault tests of the pipeline's failure paths: a stage that gets a signal,
# a failure of a tool inside a stage, an infrastructure error in the main
# job's cell loop must each end non-zero with a message naming the stage
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
gitrepo "$fc/cache1/linux"
printf 'commit: %s\n' "$(git -C "$fc/cache1/linux" rev-parse base)" >"$ft/base-commit"
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
	"$fc/cache1/linux" series)
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
gitrepo "$C2/linux"
printf 'commit: %s\n' "$(git -C "$C2/linux" rev-parse base)" >"$ft/base-commit"
cp "$fc/top1/ci/cover-letter.in" "$fc/top1/ci/evidence.txt" "$ft/ci/"
mkdir -p "$C2/apply-wt/scripts" "$fc/p2"
printf 'KVM\nM:\tSome One <one@example.invalid>\nF:\tfile.c\n' >"$C2/apply-wt/MAINTAINERS"
cp "$C2/apply-wt/MAINTAINERS" "$ft/MAINTAINERS-snippet"
cat >"$C2/apply-wt/scripts/get_maintainer.pl" <<'EOF2'
print STDERR "get_maintainer-stderr-marker\n";
print "Some One <one\@example.invalid>\n";
exit($ENV{GM_RC} // 0);
EOF2
git -C "$C2/linux" format-patch -q -o "$fc/p2" base..series
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
gitrepo "$C3/linux"
echo "CONFIG_X=y" >"$fc/kernel.config"
B3=$C3/build/$(sha256sum "$fc/kernel.config" | cut -c1-16)
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
		"$(git -C "$C3/linux" rev-parse series)" "$(git -C "$C3/linux" rev-parse base)" \
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

[ -n "${FC_NESTED:-}" ] || closing fail-closed
