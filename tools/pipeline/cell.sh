#!/bin/sh
# Stage "cell": one cell of the per-patch matrix, the base plus the first
# <idx> patches of commits.tsv.  Computes the cell's cache keys (the one
# place that does), builds and checks the cell (build.sh, checkpatch.sh)
# unless its build cell is cached, boots its Image in every profile
# (boot.sh) unless that boot cell is cached, and fills $PMU_OUT/cells/NN
# from the cache.  main.sh runs it for every cell; a CI engine can run one
# cell per job (ci/lava/README.md).
#
# Usage:   cell.sh <idx> [profile...]
#          cell.sh --keys <idx> [profile...]
#          (profiles: default ci/profiles/list, the first is the primary;
#          --keys prints "<idx> <bkey> <bootkey>...", one boot key per
#          profile, and does nothing else)
# Inputs:  $PMU_OUT/commits.tsv (apply.sh); for every profile
#          $PMU_OUT/initramfs-<profile>.cpio and .sha (initramfs.sh);
#          base-commit, patches/; what build.sh, checkpatch.sh and boot.sh
#          read ($PMU_LINUX with the series, $APPLY_WT, pmu-report).
# Env:     PMU_CACHE, PMU_OUT, PMU_TOOLS_BIN, PMU_LINE, PMU_PATCHDIR,
#          PMU_BASE_COMMIT_FILE (lib.sh); those of build.sh (PMU_KCONFIG,
#          PMU_JOBS, ...) and boot.sh (PMU_BOOT_TIMEOUT, ...).
#          Outside main.sh it takes the cache lock and owns its process
#          groups itself, as main.sh does.
# Outputs: $PMU_CACHE/cells/build/<bkey>/, $PMU_CACHE/cells/boot/<p>/<bootkey>/
#          (".done" once every stage has a result); $PMU_OUT/cells/NN/
#          (NN: idx, two digits), rewritten: stages.tsv, cell.info,
#          timings, the build logs; console.log, qemu-status and cases.tsv
#          (with the other profiles' cases as "<p>:<id>") of the primary;
#          console-<p>.log, qemu-status-<p> and cases-<p>.tsv of the
#          others; <p>-console.log, <p>-qemu-status, <p>-qemu.log and no
#          cases.tsv after a boot without a result.
# Exit:    0, every stage of the cell has a result (a failed build or case
#          is a result: the report judges it); 2, a stage has none (timed
#          out, died or could not run, a boot without KTAP) or an input is
#          missing: named on stderr, nothing of it cached, the next run
#          tries again; 1, a bad argument (no such cell or profile).
set -eu
. "$(dirname "$0")/lib.sh"
# shellcheck disable=SC2034 # read by lib.sh (progress, need)
{
	STAGE=cell
	STAGE_T0=$(_now)
}
keys=
if [ "${1:-}" = --keys ]; then
	keys=1
	shift
fi
case ${1:-} in
'' | *[!0-9]*) die cell "" "usage: cell.sh [--keys] <idx> [profile...]" ;;
esac
want=$(echo "$1" | sed 's/^0*//')
want=${want:-0}
shift
# shellcheck disable=SC2048,SC2086,SC2116 # the names, one space apart
PROFILES=$(echo ${*:-$(sed -e "s/#.*//" "$CI_DIR/profiles/list")})
PRIMARY=${PROFILES%% *}
P=$TOOLS/pipeline
# die_infra FILE MSG: an input is missing: no result (exit 2).
die_infra() {
	echo "ERROR [cell] $1: $2" >&2
	exit 2
}
if [ -z "$keys" ]; then
	trap 'exit 2' INT TERM
	# Under main.sh (PMU_PGRPS set) the job holds the lock and the groups.
	if [ -z "${PMU_PGRPS:-}" ]; then
		cache_lock
		job_groups
	fi
fi
# stage SECS SCRIPT ARGS...: as in main.sh, a stage under an outer limit.
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
# The guest test list of a profile: PROFILE_TESTS in its .conf, relative
# to ci/ (default tests.txt).
tests_of() {
	t=$(sed -n 's/^PROFILE_TESTS=//p' "$CI_DIR/profiles/$1.conf")
	echo "$LINE_CI/${t:-tests.txt}"
}
COMMITS=$PMU_OUT/commits.tsv
[ -r "$COMMITS" ] || die_infra "$COMMITS" "no list of cells (run the apply stage)"
for p in $PROFILES; do
	[ -r "$CI_DIR/profiles/$p.conf" ] ||
		die cell "$CI_DIR/profiles/$p.conf" "unknown profile '$p'"
	for f in "$PMU_OUT/initramfs-$p.sha" "$PMU_OUT/initramfs-$p.cpio"; do
		[ -r "$f" ] || die_infra "$f" "no initramfs for profile $p (run the initramfs stage)"
	done
done

# Cache keys.  A build cell is keyed by the base plus the sha256 of the
# patch prefix it tested (each patch without its "[PATCH n/N]" counter)
# (and the kernel config and the build scripts); a boot cell additionally
# by the initramfs (tip tests + guest init), the profile and the report
# tool.
h() { sha256sum | cut -c1-32; }
base=$(sed -n 's/^commit:[[:space:]]*//p' "$PMU_BASE_COMMIT_FILE")
# The tools' versions are part of both keys: a new compiler, sparse or QEMU
# invalidates the cells it could change.
src_hash=$( (cat "$P/build.sh" "$P/lib.sh" "$P/sparse-riscv.sh" "$P/checkpatch.sh" \
	"${PMU_KCONFIG:-$CI_DIR/kernel.config}" && tool_versions) | h)
versions=$(tool_versions boot)
boot_hash() { # profile
	{
		cat "$PMU_OUT/initramfs-$1.sha" "$CI_DIR/profiles/$1.conf" "$(tests_of "$1")" \
			"$P/boot.sh"
		find "$TOOLS/report" "$TOOLS/common" -type f | LC_ALL=C sort |
			while IFS= read -r f; do cat "$f"; done
		printf '%s\n' "$versions"
	} | h
}
# The cell's row of commits.tsv, its parent (the row before it, "-" for
# the first) and its prefix key (folded over the rows up to it).
prefix=$base
parent=-
idx=
while IFS="$(printf '\t')" read -r i c pf _; do
	if [ "$pf" != "-" ]; then
		# The "[PATCH n/N]" counter is not content: dropping or adding a
		# patch must not invalidate the cells before it.
		prefix=$(printf '%s\n%s\n' "$prefix" "$(sed -E \
			'1,/^$/ s/^Subject: \[PATCH [0-9]+\/[0-9]+\]/Subject: [PATCH]/' \
			"$PMU_PATCHDIR/$pf" | sha256sum | cut -d' ' -f1)" | h)
	fi
	if [ "$i" = "$want" ]; then
		idx=$i commit=$c pfile=$pf
		break
	fi
	parent=$c
done <"$COMMITS"
[ -n "$idx" ] || die cell "$COMMITS" "no cell $want"
bkey=$(printf '%s %s\n' "$prefix" "$src_hash" | h)
if [ -n "$keys" ]; then
	printf '%s %s' "$idx" "$bkey"
	for p in $PROFILES; do
		printf ' %s' "$(printf '%s %s\n' "$bkey" "$(boot_hash "$p")" | h)"
	done
	echo
	exit 0
fi

# infra_error STAGE FILE MSG: a cell without a result (a stage that timed
# out, died or could not run, a boot without KTAP): named with its stage
# and file, never cached (no .done, so the next run tries again), and the
# cell ends with status 2.
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

cb=$PMU_CACHE/cells/build/$bkey
cell=$PMU_OUT/cells/$(printf '%02d' "$idx")
rm -rf "$cell"
mkdir -p "$cell"
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
[ "$infra" -eq 0 ] || exit 2
