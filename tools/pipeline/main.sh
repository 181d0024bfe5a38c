#!/bin/sh
# The main job: install what is missing, rebuild the pinned base, apply the
# series, build and check every patch, boot the guest at every patch with
# the tip's selftests, and report (matrix, attribution, 2x2, JUnit, JSON).
#
# Usage:   sh tools/pipeline/main.sh [profile]      (default profile: aia)
# Outputs: out/ (report/, cells/, logs/, timings.txt); exit 0 only if the
#          report holds.
set -eu
. "$(dirname "$0")/lib.sh"
PROFILE=${1:-${PMU_PROFILE:-aia}}
P=$TOOLS/pipeline
T_START=$(_now)
rm -rf "$PMU_OUT"
mkdir -p "$PMU_OUT" "$LOG_DIR"
echo "riscv-kvm-pmu main job: profile $PROFILE, cache $PMU_CACHE, output $PMU_OUT"

sh "$P/deps.sh"
sh "$P/base.sh"
sh "$P/apply.sh"
series_rc=0
sh "$P/series-checks.sh" || series_rc=1

stage_begin tools
PMU_TOOLS_BIN=$PMU_CACHE/tools-build
export PMU_TOOLS_BIN
run_timeout 600 make -s -C "$TOOLS" O="$PMU_TOOLS_BIN" guest-init report \
	>"$LOG_DIR/tools.log" 2>&1 || {
	cat "$LOG_DIR/tools.log" >&2
	die tools "$TOOLS/Makefile" "building the project's tools failed"
}
stage_end tools

REPO=$PMU_CACHE/linux
COMMITS=$PMU_OUT/commits.tsv
tip=$(tail -1 "$COMMITS" | cut -f2)
ST=$(sh "$P/selftests.sh" "$tip")
INITRD=$PMU_OUT/initramfs.cpio
initrd_sha=$(sh "$P/initramfs.sh" "$ST" "$INITRD")

# Cache keys.  A build cell is keyed by the base plus the sha256 of the
# patch prefix it tested (and the kernel config and the stage scripts); a
# boot cell additionally by the initramfs (tip tests + guest init), the
# profile and the report tool.
base=$(sed -n 's/^commit:[[:space:]]*//p' "$TOP/base-commit")
h() { sha256sum | cut -c1-32; }
src_hash=$(cat "$P/build.sh" "$P/lib.sh" "${PMU_KCONFIG:-$CI_DIR/kernel.config}" | h)
boot_hash=$(printf '%s\n' "$initrd_sha" | cat - "$CI_DIR/profiles/$PROFILE.conf" \
	"$P/boot.sh" $(find "$TOOLS/report" "$TOOLS/common" -type f | LC_ALL=C sort) | h)
revision="$base+$(cut -f3 "$COMMITS" | tail -n +2 | while read -r p; do
	sha256sum "${PMU_PATCHDIR:-$TOP/patches}/$p" | cut -d' ' -f1
done | h)"
echo "revision: $revision" | tee "$PMU_OUT/revision"

stage_begin cells
ncell=$(wc -l <"$COMMITS")
INDEX=$PMU_OUT/index.tsv
: >"$INDEX"
prefix=$base
parent=-
while IFS="$(printf '\t')" read -r idx commit pfile kind subj; do
	if [ "$pfile" != "-" ]; then
		prefix=$(printf '%s\n%s\n' "$prefix" \
			"$(sha256sum "${PMU_PATCHDIR:-$TOP/patches}/$pfile" | cut -d' ' -f1)" | h)
	fi
	bkey=$(printf '%s %s\n' "$prefix" "$src_hash" | h)
	cb=$PMU_CACHE/cells/build/$bkey
	cell=$PMU_OUT/cells/$(printf '%02d' "$idx")
	mkdir -p "$cell"
	progress "cell $idx/$((ncell - 1)): $subj"
	if [ -f "$cb/.done" ]; then
		echo "    cached build cell $bkey"
	else
		rm -rf "$cb"
		mkdir -p "$cb"
		printf 'apply\tpass\t0\t%s\n' "$commit" >"$cb/stages.tsv"
		sh "$P/build.sh" "$commit" "$parent" "$cb" </dev/null
		if [ "$pfile" = "-" ]; then
			printf 'checkpatch\tskip\t0\tbase\n' >>"$cb/stages.tsv"
		else
			sh "$P/checkpatch.sh" "${PMU_PATCHDIR:-$TOP/patches}/$pfile" "$cb" </dev/null
		fi
		touch "$cb/.done"
	fi
	cp "$cb"/stages.tsv "$cell/"
	printf 'selftests-build\tpass\t0\ttip tests, built once\n' >>"$cell/stages.tsv"
	cp "$cb"/*.log "$cb"/*.txt "$cell/" 2>/dev/null || true
	bootkey=$(printf '%s %s\n' "$bkey" "$boot_hash" | h)
	cbt=$PMU_CACHE/cells/boot/$PROFILE/$bootkey
	if [ -f "$cb/Image" ]; then
		if [ -f "$cbt/.done" ]; then
			echo "    cached boot cell $bootkey"
		else
			rm -rf "$cbt"
			sh "$P/boot.sh" "$cb/Image" "$INITRD" "$PROFILE" "$cbt" </dev/null
			touch "$cbt/.done"
		fi
		cp "$cbt/console.log" "$cbt/cases.tsv" "$cbt/qemu-status" "$cell/"
		cat "$cbt/timings" >>"$cell/timings" 2>/dev/null || true
	fi
	cat "$cb/timings" >>"$cell/timings" 2>/dev/null || true
	printf '%s\t%s\t%s\t%s\n' "$idx" "$kind" "$cell" "$subj" >>"$INDEX"
	parent=$commit
done <"$COMMITS"
stage_end cells "$ncell cells"

sh "$P/report.sh" "$PROFILE" "$revision" && rc=0 || rc=$?
sh "$P/summary.sh" "$T_START"
if [ $series_rc -ne 0 ]; then
	echo "ERROR [series-checks]: the series artifacts failed their checks (see above)" >&2
	[ $rc -ne 0 ] || rc=1
fi
exit $rc
