#!/bin/sh
# Stage "apply": git am every patch listed in `series`, in order, onto a
# detached head at the base, then point branch "series" at the result.
# Committer identity and dates are fixed (committer date = author date), so
# the commit ids are the same on every machine.
#
# Inputs:  series, patches/*.patch, $PMU_LINUX (branch base)
# Outputs: branch "series" in $PMU_LINUX; $PMU_OUT/commits.tsv with
#          <idx> <commit> <patch-file> <kind> <subject> (idx 0 = base)
# On failure: names the patch, aborts git am, deletes branch "series" and
# leaves the apply worktree clean at the base.
set -eu
. "$(dirname "$0")/lib.sh"
stage_begin apply

REPO=$PMU_LINUX
WT=$APPLY_WT
SERIES=$PMU_SERIES
PATCHDIR=$PMU_PATCHDIR
[ -r "$SERIES" ] || die apply "$SERIES" "missing series file"
base=$(git -C "$REPO" rev-parse -q --verify refs/heads/base) ||
	die apply "$REPO" "no base branch (run the base stage)"

if [ ! -d "$WT/.git" ] && [ ! -f "$WT/.git" ]; then
	progress "creating apply worktree"
	git -C "$REPO" worktree prune
	run_timeout 600 git -C "$REPO" worktree add -q --detach "$WT" "$base" ||
		die apply "$WT" "cannot create worktree"
fi
GITC="-c user.name=riscv-kvm-pmu -c user.email=ci@riscv-kvm-pmu.invalid -c gc.auto=0"
ga() {
	# shellcheck disable=SC2086 # GITC is options without spaces
	git -C "$WT" $GITC "$@"
}
cleanup_wt() {
	ga am --abort >/dev/null 2>&1 || true
	ga checkout -q -f --detach "$base"
	ga reset -q --hard "$base"
	ga clean -q -fdx >/dev/null 2>&1 || true
}
cleanup_wt
git -C "$REPO" update-ref -d refs/heads/series 2>/dev/null || true

out=$PMU_OUT/commits.tsv
: >"$out.tmp"
printf '0\t%s\t-\tbase\t%s\n' "$base" \
	"$(git -C "$REPO" log -1 --format=%s "$base")" >>"$out.tmp"

idx=0
n=$(grep -cv -e '^[[:space:]]*$' -e '^[[:space:]]*#' "$SERIES" || true)
while IFS= read -r line; do
	case "$line" in '' | '#'*) continue ;; esac
	p=${line%% *}
	idx=$((idx + 1))
	f=$PATCHDIR/$p
	[ -r "$f" ] || {
		cleanup_wt
		die apply "$f" "patch $idx/$n listed in $SERIES does not exist"
	}
	progress "[$idx/$n] $p"
	# shellcheck disable=SC2086 # GITC is options without spaces
	if ! run_timeout 300 git -C "$WT" $GITC am -q --committer-date-is-author-date \
		--whitespace=nowarn "$f" >"$LOG_DIR/apply-$idx.log" 2>&1; then
		cleanup_wt
		sed 's/^/    /' "$LOG_DIR/apply-$idx.log" >&2
		die apply "$f" "patch $idx/$n does not apply; aborted, no partial tree left (branch 'series' removed)"
	fi
	c=$(ga rev-parse HEAD)
	subj=$(ga log -1 --format=%s HEAD)
	body=$(ga log -1 --format=%b HEAD)
	case "$subj" in
	"RISC-V: KVM: "*)
		# A kernel patch must be the first-pass point of a test case,
		# unless its message declares it preparatory (kind prep), or
		# says why no guest-visible case can show it (kind declared).
		if printf '%s\n' "$body" | grep -qi -e 'no functional change' \
			-e 'preparatory'; then
			kind=prep
		elif printf '%s\n' "$body" | tr '\n' ' ' | grep -qiE \
			'there is no test case|no selftest case can observe'; then
			kind=declared
		else
			kind=fix
		fi ;;
	"KVM: riscv: selftests: "*) kind="test" ;;
	*) kind=other ;;
	esac
	printf '%s\t%s\t%s\t%s\t%s\n' "$idx" "$c" "$p" "$kind" "$subj" >>"$out.tmp"
done <"$SERIES"

tip=$(ga rev-parse HEAD)
git -C "$REPO" update-ref refs/heads/series "$tip"
ga checkout -q --detach "$base"
mv "$out.tmp" "$out"
stage_end apply "$idx patches, tip $tip"
