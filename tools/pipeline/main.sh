#!/bin/sh
# The main job: install what is missing, rebuild the pinned base, apply the
# series, build and check every patch, boot the guest at every patch with
# the tip's selftests in every QEMU profile, and report (matrix,
# attribution, 2x2, JUnit, JSON).
#
# Usage:   sh tools/pipeline/main.sh [profile...]
#          (default: the profiles listed in ci/profiles/list; the first is
#          the primary profile, whose cases keep their plain ids; cases of
#          the others are reported as "<profile>:<case>")
# Outputs: out/ (report/, cells/, logs/, timings.txt); exit 0 only if the
#          report holds, 1 if it does not, 2 if a result is missing (a
#          stage timed out, died or could not run: never cached, so the
#          next run tries again).
set -eu
. "$(dirname "$0")/lib.sh"
# shellcheck disable=SC2048,SC2086,SC2116 # the names, one space apart
PROFILES=$(echo ${*:-$(sed -e "s/#.*//" "$CI_DIR/profiles/list")})
PRIMARY=${PROFILES%% *}
P=$TOOLS/pipeline
T_START=$(_now)
# stage SECS SCRIPT ARGS...: every stage runs under an outer time limit (the
# stages also limit their own long steps); a stage that exceeds it fails
# the job, naming the stage and its script.
stage() {
	_lim=$1
	_scr=$2
	shift 2
	_src=0
	run_timeout "$_lim" sh "$P/$_scr" "$@" || _src=$?
	[ $_src -ne 124 ] ||
		echo "ERROR [${_scr%.sh}] $P/$_scr: stage timed out after ${_lim}s" >&2
	return $_src
}
cache_lock
rm -rf "$PMU_OUT"
mkdir -p "$PMU_OUT" "$LOG_DIR"
job_groups
echo "riscv-kvm-pmu main job: line $PMU_LINE, profiles $PROFILES, cache $PMU_CACHE, output $PMU_OUT"

stage 3000 deps.sh
stage 1200 base.sh
stage 900 apply.sh
series_rc=0
stage 1200 series-checks.sh || series_rc=1

stage_begin tools
run_timeout 600 make -s -C "$TOOLS" O="$PMU_TOOLS_BIN" guest-init report \
	>"$LOG_DIR/tools.log" 2>&1 || {
	cat "$LOG_DIR/tools.log" >&2
	die tools "$TOOLS/Makefile" "building the project's tools failed"
}
stage_end tools

# The guest test list of a profile: PROFILE_TESTS in its .conf, relative
# to ci/ (default tests.txt).
tests_of() {
	t=$(sed -n 's/^PROFILE_TESTS=//p' "$CI_DIR/profiles/$1.conf")
	echo "$LINE_CI/${t:-tests.txt}"
}
for p in $PROFILES; do
	[ -r "$CI_DIR/profiles/$p.conf" ] ||
		die main "$CI_DIR/profiles/$p.conf" "unknown profile '$p'"
done

COMMITS=$PMU_OUT/commits.tsv
tip=$(tail -1 "$COMMITS" | cut -f2)
# One selftests build serves every profile: all their test lists.
ALLTESTS=$PMU_OUT/tests-all.txt
for p in $PROFILES; do cat "$(tests_of "$p")"; done >"$ALLTESTS"
ST=$(PMU_TESTS=$ALLTESTS stage 1500 selftests.sh "$tip")

# The report sees one list: the primary's cases as they are, the other
# profiles' cases as "<profile>:<id>"; known failures likewise.
MERGED=$PMU_OUT/tests-merged.txt
KNOWN=$PMU_OUT/known-merged.txt
cp "$(tests_of "$PRIMARY")" "$MERGED"
awk -v pr="$PRIMARY" '$1 == pr' "$LINE_CI/known-failures.txt" >"$KNOWN"
h() { sha256sum | cut -c1-32; }
for p in $PROFILES; do
	PMU_TESTS=$(tests_of "$p") stage 300 initramfs.sh "$ST" "$PMU_OUT/initramfs-$p.cpio" \
		>"$PMU_OUT/initramfs-$p.sha"
	[ "$p" = "$PRIMARY" ] && continue
	awk -v p="$p" '$1 == "run" || $1 == "class" { $2 = p ":" $2 } { print }' \
		"$(tests_of "$p")" >>"$MERGED"
	printf 'run %s:boot 1 old /none\n' "$p" >>"$MERGED"
	awk -v p="$p" -v pr="$PRIMARY" '$1 == p { $1 = pr; $2 = p ":" $2; print }' \
		"$LINE_CI/known-failures.txt" >>"$KNOWN"
done
cp "$PMU_OUT/initramfs-$PRIMARY.cpio" "$PMU_OUT/initramfs.cpio"

# Cache keys.  A build cell is keyed by the base plus the sha256 of the
# patch prefix it tested (each patch without its "[PATCH n/N]" counter) (and the kernel config and the build scripts); a
# boot cell additionally by the initramfs (tip tests + guest init), the
# profile and the report tool.
base=$(sed -n 's/^commit:[[:space:]]*//p' "$PMU_BASE_COMMIT_FILE")
# The tools' versions are part of both keys: a new compiler, sparse or QEMU
# invalidates the cells it could change.
tool_versions boot >"$PMU_OUT/versions.txt"
src_hash=$( (cat "$P/build.sh" "$P/lib.sh" "$P/sparse-riscv.sh" "$P/checkpatch.sh" \
	"${PMU_KCONFIG:-$CI_DIR/kernel.config}" && tool_versions) | h)
boot_hash() { # profile
	# shellcheck disable=SC2046 # the project's file names have no spaces
	cat "$PMU_OUT/initramfs-$1.sha" "$CI_DIR/profiles/$1.conf" "$(tests_of "$1")" \
		"$P/boot.sh" $(find "$TOOLS/report" "$TOOLS/common" -type f | LC_ALL=C sort) \
		"$PMU_OUT/versions.txt" | h
}
revision="$base+$(cut -f3 "$COMMITS" | tail -n +2 | while read -r p; do
	sha256sum "$PMU_PATCHDIR/$p" | cut -d' ' -f1
done | h)"
echo "revision: $revision" | tee "$PMU_OUT/revision"

# infra_error STAGE FILE MSG: a cell without a result (a stage that timed
# out, died or could not run, a boot without KTAP): named with its stage
# and file, never cached (no .done, so the next run tries again), and the
# job ends with status 2.
infra=0
infra_error() {
	echo "ERROR [$1] $2: $3" >&2
	infra=$((infra + 1))
}
# no_result FILE: the stages of a stages.tsv that timed out or could not
# run, on one line (empty if none).
no_result() {
	awk -F'\t' '$2 == "timeout" || $2 == "error" { print $1 }' "$1" | paste -sd' '
}

stage_begin cells
ncell=$(wc -l <"$COMMITS")
INDEX=$PMU_OUT/index.tsv
: >"$INDEX"
prefix=$base
parent=-
while IFS="$(printf '\t')" read -r idx commit pfile kind subj; do
	if [ "$pfile" != "-" ]; then
		# The "[PATCH n/N]" counter is not content: dropping or adding a
		# patch must not invalidate the cells before it.
		prefix=$(printf '%s\n%s\n' "$prefix" "$(sed -E \
			'1,/^$/ s/^Subject: \[PATCH [0-9]+\/[0-9]+\]/Subject: [PATCH]/' \
			"$PMU_PATCHDIR/$pfile" | sha256sum | cut -d' ' -f1)" | h)
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
		b_rc=0
		stage 3000 build.sh "$commit" "$parent" "$cb" </dev/null || b_rc=$?
		[ $b_rc -eq 0 ] || [ -n "$(no_result "$cb/stages.tsv")" ] ||
			printf 'build\terror\t0\tbuild.sh exit %s (see its errors)\n' "$b_rc" >>"$cb/stages.tsv"
		c_rc=0
		if [ "$pfile" = "-" ]; then
			printf 'checkpatch\tskip\t0\tbase\n' >>"$cb/stages.tsv"
		else
			stage 600 checkpatch.sh "$PMU_PATCHDIR/$pfile" "$cb" </dev/null ||
				c_rc=$?
		fi
		[ $c_rc -eq 0 ] ||
			printf 'checkpatch\terror\t0\tcheckpatch.sh exit %s (see its errors)\n' "$c_rc" >>"$cb/stages.tsv"
		bad=$(no_result "$cb/stages.tsv")
		if [ -z "$bad" ]; then
			touch "$cb/.done"
		else
			infra_error "${bad%% *}" "$cb/stages.tsv" \
				"cell $idx: no result from stage(s) $bad (timed out or could not run): not cached, the next run tries again"
		fi
	fi
	cp "$cb"/stages.tsv "$cell/"
	printf 'selftests-build\tpass\t0\ttip tests, built once\n' >>"$cell/stages.tsv"
	cp "$cb"/*.log "$cb"/*.txt "$cell/" 2>/dev/null || true
	cat "$cb/timings" >>"$cell/timings" 2>/dev/null || true
	printf 'commit %s\npatch %s\nbuild_cell %s\n' "$commit" "$pfile" "$cb" >"$cell/cell.info"
	if [ -f "$cb/Image" ]; then
		boot_err=0
		for p in $PROFILES; do
			bootkey=$(printf '%s %s\n' "$bkey" "$(boot_hash "$p")" | h)
			cbt=$PMU_CACHE/cells/boot/$p/$bootkey
			if [ -f "$cbt/.done" ]; then
				echo "    cached boot cell $p/$bootkey"
			else
				rm -rf "$cbt"
				t_rc=0
				PMU_TESTS=$(tests_of "$p") stage 900 boot.sh "$cb/Image" \
					"$PMU_OUT/initramfs-$p.cpio" "$p" "$cbt" </dev/null || t_rc=$?
				if [ $t_rc -eq 0 ] && [ -s "$cbt/cases.tsv" ]; then
					touch "$cbt/.done"
				else
					infra_error boot "$cbt" \
						"cell $idx, profile $p: no boot result (boot.sh exit $t_rc): not cached, the next run tries again"
				fi
			fi
			printf 'boot_cell %s %s\n' "$p" "$cbt" >>"$cell/cell.info"
			if [ ! -f "$cbt/.done" ]; then
				# No result: the logs for diagnosis, no cases.tsv.
				boot_err=1
				for f in console.log qemu-status qemu.log; do
					[ ! -f "$cbt/$f" ] || cp "$cbt/$f" "$cell/$p-$f"
				done
				continue
			fi
			if [ "$p" = "$PRIMARY" ]; then
				cp "$cbt/console.log" "$cbt/qemu-status" "$cell/"
				cp "$cbt/cases.tsv" "$cell/cases.tsv"
			else
				cp "$cbt/console.log" "$cell/console-$p.log"
				cp "$cbt/qemu-status" "$cell/qemu-status-$p"
				# "<p>:<id>"; the boot itself becomes the case "<p>:boot".
				awk -F'\t' -v OFS='\t' -v p="$p" '
					$1 == "#boot" { print p ":boot", ($2 == "ok" ? "pass" : $2), $3; next }
					{ $1 = p ":" $1; print }' "$cbt/cases.tsv" >"$cell/cases-$p.tsv"
			fi
			awk -v p="$p" '{ print $1 "-" p, $2 }' "$cbt/timings" >>"$cell/timings" 2>/dev/null || true
		done
		# A boot without a result leaves the cell without cases.tsv: the
		# report names it (ERROR).
		if [ $boot_err -ne 0 ]; then
			rm -f "$cell/cases.tsv" "$cell"/cases-*.tsv
		fi
	fi
	if [ -f "$cell/cases.tsv" ]; then
		# The primary's "#boot" line stays last.
		for p in $PROFILES; do
			[ "$p" = "$PRIMARY" ] || cat "$cell/cases-$p.tsv"
		done >"$cell/cases-extra.tsv"
		grep -v '^#boot' "$cell/cases.tsv" >"$cell/cases.tmp" || true
		cat "$cell/cases-extra.tsv" >>"$cell/cases.tmp"
		grep '^#boot' "$cell/cases.tsv" >>"$cell/cases.tmp" || true
		mv "$cell/cases.tmp" "$cell/cases.tsv"
		rm -f "$cell/cases-extra.tsv"
	fi
	printf 'profile %s\n' "$PRIMARY" >>"$cell/cell.info"
	printf '%s\t%s\t%s\t%s\n' "$idx" "$kind" "$cell" "$subj" >>"$INDEX"
	parent=$commit
done <"$COMMITS"
stage_end cells "$ncell cells"
# The tip's Image, for the stages that run after the main job (LAVA).
tail -1 "$INDEX" | cut -f3 | while read -r d; do
	sed -n 's/^build_cell //p' "$d/cell.info"
done | sed 's|$|/Image|' >"$PMU_OUT/tip-image"

rel_rc=0
if [ "${PMU_RELIABILITY:-1}" = 1 ]; then
	stage 4000 reliability.sh "$tip" || rel_rc=$?
fi

mes_rc=0
stage 1200 measure.sh "$tip" "$(sed -n 's/^build_cell //p' "$PMU_OUT/cells/00/cell.info")/Image" \
	"$(cat "$PMU_OUT/tip-image")" || mes_rc=$?

PMU_TESTS=$MERGED PMU_KNOWN=$KNOWN stage 300 report.sh "$PRIMARY" "$revision" && rc=0 || rc=$?
# The job's status: 0 the report holds, 1 it does not (FAIL), 2 some
# result is missing (ERROR); a report stage that died is an ERROR.
case $rc in 0 | 1 | 2) ;; *) rc=2 ;; esac
stage 120 summary.sh "$T_START" "$rc" || true
worse() { # status: the job's status becomes status if that is worse
	[ "$1" -le "$rc" ] || rc=$1
}
if [ "$series_rc" -ne 0 ]; then
	echo "ERROR [series-checks]: the series artifacts failed their checks (see above)" >&2
	worse 1
fi
case $mes_rc in
0) ;;
1)
	echo "ERROR [measure] $PMU_OUT/exits/table.txt: the tip adds VM exits (see the table above)" >&2
	worse 1
	;;
*)
	echo "ERROR [measure]: no measurement (exit $mes_rc, see above): run the job again" >&2
	worse 2
	;;
esac
case $rel_rc in
0) ;;
1)
	echo "ERROR [reliability]: the tip is not clean under the debug profile (see above)" >&2
	worse 1
	;;
*)
	echo "ERROR [reliability]: no result (exit $rel_rc, see above): run the job again" >&2
	worse 2
	;;
esac
if [ "$infra" -ne 0 ]; then
	echo "ERROR [cells]: $infra cell stage(s) without a result (see above), none cached: run the job again" >&2
	worse 2
fi
exit "$rc"
