#!/bin/sh
# Stage "build": build the riscv64 kernel Image at one commit, incrementally
# (one build directory, ccache), and record per-file W=1 and sparse (C=2)
# warnings that the commit adds in the files it touches.
#
# Usage:   build.sh <commit> <parent-or-"-"> <cell-dir>
# Inputs:  $PMU_LINUX, ci/kernel.config (or $PMU_KCONFIG)
# Outputs: <cell-dir>/Image, <cell-dir>/stages.tsv lines for build, w1,
#          sparse; logs in <cell-dir>/.  Exit 0 with the results recorded
#          (a compile failure is a result); 2 (or die's 1) when there is
#          no result: a build or checker timeout, a full disk.
set -eu
. "$(dirname "$0")/lib.sh"
commit=$1
parent=$2
cell=$3
mkdir -p "$cell"
# shellcheck disable=SC2034 # read by lib.sh (progress, need)
STAGE=build
STAGE_T0=$(_now)
REPO=$PMU_LINUX
FRAG=${PMU_KCONFIG:-$CI_DIR/kernel.config}
cfgkey=$(sha256sum "$FRAG" | cut -c1-16)
BUILD=$PMU_CACHE/build/$PMU_LINE-$cfgkey
mkdir -p "$BUILD"
need riscv64-linux-gnu-gcc ccache sparse make
export CCACHE_DIR="$PMU_CACHE/ccache" CCACHE_BASEDIR="$PMU_CACHE"
export CCACHE_MAXSIZE="${CCACHE_MAXSIZE:-5G}" KBUILD_BUILD_TIMESTAMP="2025-11-14" \
	KBUILD_BUILD_USER=pmu KBUILD_BUILD_HOST=ci
J=${PMU_JOBS:-$(nproc)}
K="make -s -C $REPO ARCH=riscv O=$BUILD -j$J"
CC="CROSS_COMPILE=ccache riscv64-linux-gnu-"

rec() { # stage status seconds detail
	printf '%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$4" >>"$cell/stages.tsv"
}

checkout() {
	git -C "$REPO" -c advice.detachedHead=false checkout -q -f --detach "$1" ||
		die build "$REPO" "cannot check out $1"
}

checkout "$commit"
if [ ! -f "$BUILD/.config" ] || [ ! -f "$BUILD/.pmu-config-ok" ]; then
	progress "configuring (tinyconfig + $(basename "$FRAG"))"
	# shellcheck disable=SC2015,SC2086 # die if any step fails; $K is words
	$K "$CC" tinyconfig >"$cell/config.log" 2>&1 &&
		(cd "$REPO" && scripts/kconfig/merge_config.sh -m -O "$BUILD" \
			"$BUILD/.config" "$FRAG") >>"$cell/config.log" 2>&1 &&
		$K "$CC" olddefconfig >>"$cell/config.log" 2>&1 ||
		die build "$FRAG" "kernel configuration failed (see $cell/config.log)"
	# Every requested option must have survived olddefconfig.
	missing=$(grep -E '^CONFIG_[A-Za-z0-9_]+=' "$FRAG" | while IFS= read -r l; do
		grep -qx "$l" "$BUILD/.config" || echo "$l"
	done)
	[ -z "$missing" ] ||
		die build "$FRAG" "options not set after olddefconfig: $(printf '%s\n' "$missing" | paste -sd' ')"
	touch "$BUILD/.pmu-config-ok"
fi

t0=$(_now)
progress "Image at $(git -C "$REPO" log -1 --format='%h %s' "$commit")"
# shellcheck disable=SC2086 # $K is a command line
if run_timeout "${PMU_BUILD_TIMEOUT:-2400}" $K "$CC" Image >"$cell/build.log" 2>&1; then
	cp "$BUILD/arch/riscv/boot/Image" "$cell/Image"
	rec build pass $(($(_now) - t0)) ""
else
	rc=$?
	# A timeout or a full disk is no result of the commit: exit 2, so
	# that the caller does not keep it; a compile failure is one.
	st=fail
	why="see build.log"
	if [ $rc -eq 124 ]; then
		st=timeout
	elif grep -q 'No space left on device' "$cell/build.log"; then
		st=error
		why="no space left on device (see build.log)"
	fi
	rec build $st $(($(_now) - t0)) "$why"
	tail -20 "$cell/build.log" | sed 's/^/    /'
	echo "ERROR [build] $cell/build.log: kernel build $st at $commit" >&2
	[ $st = fail ] || exit 2
fi

# W=1 and sparse on the kernel C files the commit touches, compared with
# the same files at the parent: only warnings the commit adds count.
infra=0
if [ "$parent" = "-" ]; then
	rec w1 skip 0 "base"
	rec sparse skip 0 "base"
else
	objs=$(git -C "$REPO" diff --name-only --diff-filter=AM "$parent" "$commit" -- \
		'*.c' | grep -v -e '^tools/' -e '^scripts/' -e '^Documentation/' |
		sed 's/\.c$/.o/' || true)
	if [ -z "$objs" ]; then
		rec w1 skip 0 "no kernel C files touched"
		rec sparse skip 0 "no kernel C files touched"
	else
		t0=$(_now)
		checker_failed() { # status what commit
			if [ "$1" -eq 124 ]; then
				echo "pmu-ci: $2 timed out at $3"
			else
				echo "pmu-ci: $2 failed at $3"
			fi
		}
		warn() { # commit outprefix
			checkout "$1"
			# Normalise: drop line/column numbers so that moved code
			# does not count as a new warning.
			norm='s/:[0-9]+:[0-9]+:/:/; s/:[0-9]+:/:/'
			# shellcheck disable=SC2086
			run_timeout 900 $K "$CC" W=1 $objs >"$2-w1.raw" 2>&1 ||
				checker_failed $? "W=1 build of $objs" "$1" >>"$2-w1.raw"
			grep -E 'warning:|error:|^pmu-ci:' "$2-w1.raw" | sed -E "$norm" |
				sort >"$2-w1.txt" || true
			# shellcheck disable=SC2086
			run_timeout 900 $K "$CC" C=2 CHECK="$TOOLS/pipeline/sparse-riscv.sh" \
				$objs >"$2-sparse.raw" 2>&1 ||
				checker_failed $? "sparse run on $objs" "$1" >>"$2-sparse.raw"
			# Kbuild drops C=2 with only a warning when the checker
			# fails scripts/checker-valid.sh: no sparse result.
			! grep -q 'specified, but .* is not available or not up to date' "$2-sparse.raw" ||
				echo "pmu-ci: sparse did not run (Kbuild rejected the checker) at $1" >>"$2-sparse.raw"
			grep -E 'warning:|error:|^pmu-ci:' "$2-sparse.raw" | sed -E "$norm" |
				sort >"$2-sparse.txt" || true
		}
		warn "$parent" "$cell/warn-parent"
		warn "$commit" "$cell/warn-commit"
		dt=$(($(_now) - t0))
		for kind in w1 sparse; do
			comm -13 "$cell/warn-parent-$kind.txt" "$cell/warn-commit-$kind.txt" \
				>"$cell/new-$kind.txt"
			# A checker that did not run is a failure, never a pass.
			grep '^pmu-ci:' "$cell/warn-commit-$kind.txt" >>"$cell/new-$kind.txt" || true
			if grep -q -e '^pmu-ci: .* timed out at' -e '^pmu-ci: sparse did not run' \
				"$cell/warn-parent-$kind.txt" "$cell/warn-commit-$kind.txt"; then
				# No result at the parent or the commit: not a fail.
				rec $kind timeout "$dt" "see warn-*-$kind.raw"
				echo "ERROR [build] $cell/warn-commit-$kind.raw: $kind timed out or did not run at $commit or its parent" >&2
				infra=1
			elif [ -s "$cell/new-$kind.txt" ]; then
				rec $kind fail "$dt" "$(wc -l <"$cell/new-$kind.txt") new warnings (new-$kind.txt)"
				sed "s/^/    new $kind: /" "$cell/new-$kind.txt"
			else
				rec $kind pass "$dt" "$(printf '%s\n' "$objs" | paste -sd' ')"
			fi
			dt=0
		done
		# Leave the build directory matching the commit again: the next
		# cell builds on it incrementally.
		checkout "$commit"
		# shellcheck disable=SC2086 # $K is a command line
		run_timeout "${PMU_BUILD_TIMEOUT:-2400}" $K "$CC" Image >"$cell/rebuild.log" 2>&1 ||
			die build "$cell/rebuild.log" "rebuilding the Image at $commit after W=1 and sparse failed"
	fi
fi
echo "build $(($(_now) - STAGE_T0))" >>"$cell/timings"
# A checker that timed out: no result, exit 2 (see above).
[ $infra -eq 0 ] || exit 2
