#!/bin/sh
# Stage "reliability": the debug kernel profile (KASAN, UBSAN, lockdep,
# DEBUG_ATOMIC_SLEEP, DEBUG_OBJECTS, KMEMLEAK) and the guest-side SBI PMU
# fuzzer, at the tip and, in boots of their own, at the base.  Run at the
# tip and the base only: a debug build per patch would not fit CI's time.
#
# Usage:   reliability.sh <tip-commit>
# Inputs:  ci/kernel.config + ci/kernel-debug.config, ci/fuzz.conf,
#          tools/fuzz/sbi_pmu_fuzz.c
# Outputs: $PMU_OUT/reliability/{tip,base-full,base-avoid}/summary.txt,
#          $PMU_OUT/reliability/summary.txt; exit 1 if the tip is not
#          clean (any splat, crash or invariant violation), 2 if a debug
#          build or a fuzz run has no result (timed out, died): nothing
#          of it is cached, the next run tries again.
set -eu
. "$(dirname "$0")/lib.sh"
stage_begin reliability
tip=$1
P=$TOOLS/pipeline
REPO=$PMU_LINUX
WT=$APPLY_WT
out=$PMU_OUT/reliability
rm -rf "$out"
mkdir -p "$out"
# shellcheck disable=SC1091
. "$CI_DIR/fuzz.conf"
base=$(git -C "$REPO" rev-parse base)
dbgcfg=$PMU_CACHE/debug.config
sh "$P/fuzz.sh" kconfig "$dbgcfg"
h() { sha256sum | cut -c1-32; }
fuzz_hash=$(cat "$TOOLS/fuzz/sbi_pmu_fuzz.c" "$P/fuzz.sh" "$P/boot.sh" "$CI_DIR/fuzz.conf" \
	"$CI_DIR/profiles/aia.conf" | h)

# no_result FILE MSG: a debug build or fuzz run without a result: the
# stage ends with status 2, nothing of it cached.
no_result() {
	stage_end reliability "ERROR: no result" >&2
	echo "ERROR [reliability] $1: $2: not cached, the next run tries again" >&2
	exit 2
}
# build <commit> <cell>: the debug Image at <commit> (incremental).
build() {
	if [ ! -f "$2/.done" ]; then
		rm -rf "$2"
		mkdir -p "$2"
		b_rc=0
		PMU_KCONFIG=$dbgcfg PMU_BUILD_TIMEOUT=2400 sh "$P/build.sh" "$1" - "$2" </dev/null ||
			b_rc=$?
		if grep -qs '^build	fail' "$2/stages.tsv"; then
			die reliability "$2/build.log" "debug kernel build failed at $1"
		elif [ $b_rc -ne 0 ] || ! grep -qs '^build	pass' "$2/stages.tsv"; then
			no_result "$2/build.log" "debug kernel build at $1 has no result (build.sh exit $b_rc)"
		fi
		touch "$2/.done"
	fi
}
# fuzz <name> <commit> <cell> [args]: one boot of its own, cached by the
# debug Image, the fuzzer and its settings.
fuzz() {
	name=$1
	commit=$2
	img=$3/Image
	key=$(printf '%s %s %s %s\n' "$(sha256sum "$img" | cut -d' ' -f1)" "$fuzz_hash" \
		"$name" "${4:-}" | h)
	c=$PMU_CACHE/fuzz/$key
	if [ ! -f "$c/.done" ]; then
		rm -rf "$c"
		git -C "$WT" -c advice.detachedHead=false checkout -q -f --detach "$commit"
		rc=0
		PMU_FUZZ_SEED=$FUZZ_SEED PMU_FUZZ_CALLS=$FUZZ_CALLS PMU_FUZZ_ARGS="${4:-}" \
			sh "$P/fuzz.sh" run "$WT" "$img" "$c" </dev/null >&2 || rc=$?
		git -C "$WT" checkout -q -f --detach "$base"
		# A result only if fuzz.sh got to its end (result: clean or
		# finding); a run that died is not one.
		res=$(cat "$c/result" 2>/dev/null) || res=""
		case $rc:$res in
		0:clean | 1:finding) ;;
		*) no_result "$c" "fuzz run $name has no result (fuzz.sh exit $rc${res:+, result $res})" ;;
		esac
		echo "$rc" >"$c/rc"
		touch "$c/.done"
	fi
	mkdir -p "$out/$name"
	cp "$c/summary.txt" "$c/rc" "$out/$name/"
	cp "$c/boot/console.log" "$c/boot/cases.tsv" "$out/$name/" 2>/dev/null || true
	cat "$c/rc"
}

progress "debug kernel at the tip"
build "$tip" "$PMU_CACHE/cells/debug/tip-$(git -C "$REPO" rev-parse "$tip^{tree}" | cut -c1-16)"
tipcell=$PMU_CACHE/cells/debug/tip-$(git -C "$REPO" rev-parse "$tip^{tree}" | cut -c1-16)
rc_tip=$(fuzz tip "$tip" "$tipcell")
progress "debug kernel at the base"
basecell=$PMU_CACHE/cells/debug/base-$(git -C "$REPO" rev-parse "$base^{tree}" | cut -c1-16)
build "$base" "$basecell"
rc_full=$(fuzz base-full "$base" "$basecell")
rc_avoid=$(fuzz base-avoid "$base" "$basecell" -a)

{
	echo "== reliability: debug profile + SBI PMU fuzzer (seed $FUZZ_SEED, $FUZZ_CALLS steps) =="
	for n in tip base-full base-avoid; do
		echo "-- $n (exit $(cat "$out/$n/rc"))"
		sed 's/^/   /' "$out/$n/summary.txt"
	done
	echo "reproduce: PMU_FUZZ_SEED=$FUZZ_SEED PMU_FUZZ_CALLS=$FUZZ_CALLS sh tools/pipeline/fuzz.sh run <tree at the commit> <debug Image> <outdir>"
} >"$out/summary.txt"
cat "$out/summary.txt"
[ "$rc_full" != 0 ] || [ "$rc_avoid" != 0 ] ||
	echo "WARNING [reliability]: the fuzzer found nothing at the base kernel"
if [ "$rc_tip" != 0 ]; then
	stage_end reliability "FAILED at the tip"
	echo "ERROR [reliability] $out/tip/summary.txt: the tip is not clean under the debug profile and the fuzzer (seed $FUZZ_SEED)" >&2
	exit 1
fi
stage_end reliability "tip clean"
