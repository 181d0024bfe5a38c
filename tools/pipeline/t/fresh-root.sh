#!/bin/sh
# Fresh-root check: every install step of the pipeline, proven from a
# minimal Debian 12 root, so that a package a developer's machine happens
# to have cannot hide a missing line of a package list.
#
# Builds the root with mmdebstrap (variant apt) from the machine's own
# apt sources, in their own format (deb822 or one-line), then runs in it:
#   1. a fault case: the deps stage with one line ("sparse") removed from
#      ci/packages.txt must fail, naming the stage and ci/requires.txt;
#   2. the deps stage with the main job's packages;
#   3. the deps stage with PMU_LAVA=1;
#   4. each kernel line's base fetch and sha256 check (base.sh
#      --fetch-only, for every pin file in $FRESH_PINS);
#   5. the tools' unit tests.
# The root is unmounted and removed afterwards, whatever happens.
#
# Usage:   sh tools/pipeline/t/fresh-root.sh [--readme]
#          --readme: instead of the checks, run the README's two commands
#          in the root, in a fresh clone, as a new user would (main job,
#          then test command), and print the wall time of each.  Takes as
#          long as a cold main job; not part of the test command.
# Env:     PMU_FRESH_DIR (default /var/tmp): where the root is made.
#          PMU_FRESH_KEEP_DEBS=0: do not reuse downloaded .debs (by default
#          the root's apt archive is $PMU_CACHE/fresh-debs, which apt
#          checks against the index hashes like any download; with
#          --readme the default is 0, a first run downloads everything).
# Output:  one "ok"/"not ok" line per check, then "N passed, N failed";
#          every log in $PMU_OUT/fresh-root/.
# Exit:    0 pass, 1 fail, 2 error (the root could not be made).
set -u
P=$(cd "$(dirname "$0")/.." && pwd)
TOP=$(cd "$P/../.." && pwd)
PMU_CACHE=${PMU_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/riscv-kvm-pmu}
PMU_OUT=${PMU_OUT:-$TOP/out}
L=$PMU_OUT/fresh-root
mkdir -p "$L"
# shellcheck disable=SC2034 # read by t/lib.sh
tmp=$L
. "$P/t/lib.sh"

command -v mmdebstrap >/dev/null 2>&1 || {
	echo "ERROR [fresh-root]: mmdebstrap not found (deps stage with PMU_TEST_DEPS=1)"
	echo "fresh-root: 0 passed, 1 failed"
	exit 2
}
[ "$(id -u)" = 0 ] || {
	echo "ERROR [fresh-root]: needs root (chroot and mounts)"
	echo "fresh-root: 0 passed, 1 failed"
	exit 2
}

# The machine's sources, as they are: deb822 if there is a .sources
# file naming the archive, else the one-line sources.list.
src=""
for f in /etc/apt/sources.list.d/*.sources /etc/apt/sources.list; do
	[ -r "$f" ] || continue
	src=$f
	break
done
[ -n "$src" ] || {
	echo "ERROR [fresh-root] /etc/apt: no apt sources to build the root from"
	echo "fresh-root: 0 passed, 1 failed"
	exit 2
}

root=$(mktemp -d "${PMU_FRESH_DIR:-/var/tmp}/pmu-fresh-root.XXXXXX")
mounted=""
cleanup() {
	# Every process still running in the root first (a stopped check
	# leaves its apt, make or QEMU there), then the mounts, then the tree.
	for _s in TERM KILL; do
		for _p in /proc/[0-9]*; do
			case $(readlink "$_p/root" 2>/dev/null) in
			"$root" | "$root"/*) kill "-$_s" "${_p#/proc/}" 2>/dev/null || true ;;
			esac
		done
		[ "$_s" = KILL ] || sleep 2
	done
	for m in $mounted; do
		umount -l "$m" 2>/dev/null || true
	done
	rm -rf "$root"
}
trap cleanup EXIT
trap 'cleanup; exit 2' INT TERM

t0=$(date +%s)
echo "# building the root from $src in $root"
if ! timeout --foreground 900 mmdebstrap --variant=apt --mode=root --quiet \
	bookworm "$root" "$src" >"$L/mmdebstrap.log" 2>&1; then
	echo "ERROR [fresh-root] $L/mmdebstrap.log: mmdebstrap failed"
	tail -5 "$L/mmdebstrap.log"
	echo "fresh-root: 0 passed, 1 failed"
	exit 2
fi
echo "# root built in $(($(date +%s) - t0))s"
mkdir -p "$root/src" "$root/cache/apt/archives" "$root/proc" "$root/sys" "$root/dev"
cp /etc/resolv.conf "$root/etc/resolv.conf" 2>/dev/null || true
git -C "$TOP" ls-files -z --cached --others --exclude-standard | (cd "$TOP" && tar --null -T - -cf -) | tar -C "$root/src" -xf -
for m in proc sys dev; do
	case $m in
	proc) mount -t proc proc "$root/proc" ;;
	sys) mount -t sysfs sys "$root/sys" ;;
	dev) mount --bind /dev "$root/dev" ;;
	esac && mounted="$root/$m $mounted"
done
keep=${PMU_FRESH_KEEP_DEBS:-1}
[ "${1:-}" != --readme ] || keep=${PMU_FRESH_KEEP_DEBS:-0}
if [ "$keep" = 1 ]; then
	mkdir -p "$PMU_CACHE/fresh-debs/partial"
	mount --bind "$PMU_CACHE/fresh-debs" "$root/cache/apt/archives" &&
		mounted="$root/cache/apt/archives $mounted"
fi

# inroot LOG SECS CMD: run a shell command in the root, in /src.
inroot() {
	_log=$1
	_t=$2
	shift 2
	# In the background and waited for, so that a TERM to this script
	# runs its trap (cleanup) at once rather than after the check.
	timeout --foreground "$_t" chroot "$root" /usr/bin/env -i \
		PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 \
		PMU_CACHE=/cache PMU_OUT=/out sh -c "cd /src && $*" \
		>"$L/$_log" 2>&1 &
	wait $!
}
# ran LOG: the tail of a log, for a failure.
ran() {
	echo "#   see $L/$1"
	tail -5 "$L/$1" | sed 's/^/#   /'
}

# step NAME LOG SECS CMD: one check, run in the root and timed.
step() { # NAME LOG SECS CMD
	_n=$1
	_lg=$2
	_s=$3
	shift 3
	t=$(date +%s)
	inroot "$_lg" "$_s" "$@"
	_rc=$?
	if [ $_rc -eq 0 ]; then
		pass=$((pass + 1))
		echo "ok - fresh root: $_n ($(($(date +%s) - t))s)"
	else
		fail=$((fail + 1))
		echo "not ok - fresh root: $_n (rc $_rc)"
		ran "$_lg"
	fi
}
if [ "${1:-}" = --readme ]; then
	rm -rf "$root/src"
	git clone -q "$TOP" "$root/src" || { echo "ERROR [fresh-root] $TOP: clone failed"; exit 2; }
	rm -rf "$root/src/.git/hooks"
	step "README, first run of sh tools/pipeline/main.sh" readme-main.log 5400 \
		"sh tools/pipeline/main.sh"
	step "README, first run of sh tools/test.sh" readme-test.log 5400 \
		"sh tools/test.sh"
	tail -1 "$L/readme-test.log" | sed 's/^/#   test command: /'
	closing fresh-root-readme
	exit
fi

# 1. One line less: the deps stage must fail, naming itself and the list.
cp -a "$root/src" "$root/src-fault"
sed -i '/^sparse$/d' "$root/src-fault/ci/packages.txt"
t=$(date +%s)
inroot deps-fault.log 1500 "cd /src-fault && sh tools/pipeline/deps.sh"
rc=$?
if [ $rc -eq 1 ] && grep -q 'ERROR \[deps\] ci/requires.txt: missing after install: sparse' "$L/deps-fault.log"; then
	pass=$((pass + 1))
	echo "ok - fresh root: a package list without 'sparse' fails in deps, naming ci/requires.txt ($(($(date +%s) - t))s)"
else
	fail=$((fail + 1))
	echo "not ok - fresh root: a package list without 'sparse' must fail in deps (rc $rc)"
	ran deps-fault.log
fi

# 2..4. The real install steps.
step "deps, the main job's packages" deps.log 1500 "sh tools/pipeline/deps.sh"
step "deps, PMU_LAVA=1" deps-lava.log 1500 "PMU_LAVA=1 sh tools/pipeline/deps.sh"
for pin in ${FRESH_PINS:-base-commit backport/6.12/base-commit}; do
	[ -f "$TOP/$pin" ] || continue
	lg=base-$(echo "$pin" | tr '/' '_').log
	step "base fetch and sha256 check, $pin" "$lg" 900 \
		"PMU_BASE_COMMIT_FILE=/src/$pin sh tools/pipeline/base.sh --fetch-only"
done
step "unit tests of the tools" unit.log 600 \
	"make -s -C tools O=/cache/tools-test check"
grep -E '[0-9]+ passed, [0-9]+ failed' "$L/unit.log" | tail -1 | sed 's/^/#   unit: /'
echo "# fresh root checks took $(($(date +%s) - t0))s"
closing fresh-root
