#!/bin/sh
# Stage "cover": generate cover-letter.txt (patch 0/N) from the prose in
# ci/cover-letter.in and the applied series, so that the subjects, the
# count N, the diffstat and the base-commit trailer cannot drift.
#
# Usage:   cover.sh [--check]
# Inputs:  ci/cover-letter.in, ci/evidence.txt (the test evidence), branch "series" of $PMU_LINUX (apply
#          stage), series, base-commit
# Outputs: cover-letter.txt (or, with --check, exit 1 and a diff if the
#          committed cover letter differs from the generated one)
set -eu
. "$(dirname "$0")/lib.sh"
# shellcheck disable=SC2034 # read by lib.sh (die, need)
STAGE=cover
REPO=$PMU_LINUX
IN=$LINE_CI/cover-letter.in
[ -r "$IN" ] || die cover "$IN" "missing"
base=$(sed -n 's/^commit:[[:space:]]*//p' "$PMU_BASE_COMMIT_FILE")
git -C "$REPO" rev-parse -q --verify refs/heads/series >/dev/null ||
	die cover "$REPO" "no branch 'series' (run the apply stage)"
n=$(git -C "$REPO" rev-list --count "$base..series")
w=${#n}
tmp=$(mktemp)
cleanup() { rm -f "$tmp" "$tmp.short" "$tmp.stat"; }
trap cleanup EXIT
trap 'cleanup; exit 2' INT TERM
i=0
git -C "$REPO" log --reverse --format='%s' "$base..series" | while IFS= read -r s; do
	i=$((i + 1))
	printf '  [%0*d/%d] %s\n' "$w" "$i" "$n" "$s"
done >"$tmp.short"
git -C "$REPO" -c diff.renames=true diff --stat=72 --summary "$base" series >"$tmp.stat"
awk -v n="$n" -v base="$base" -v short="$tmp.short" -v stat="$tmp.stat" \
	-v evidence="$LINE_CI/evidence.txt" '
	function cat(f,   l) { while ((getline l < f) > 0) print l; close(f) }
	/^@@SHORTLOG@@$/ { cat(short); next }
	/^@@DIFFSTAT@@$/ { cat(stat); next }
	/^@@EVIDENCE@@$/ { cat(evidence); next }
	{ gsub(/@@N@@/, n); gsub(/@@BASE@@/, base); print }
' "$IN" >"$tmp"
if [ "${1:-}" = "--check" ]; then
	if diff -u "$LINE_DIR/cover-letter.txt" "$tmp" >"$PMU_OUT/cover-letter.diff" 2>&1; then
		echo "    cover letter matches the series ($n patches)"
	else
		cat "$PMU_OUT/cover-letter.diff"
		die cover "$LINE_DIR/cover-letter.txt" "out of date with the series: run 'sh tools/pipeline/cover.sh'"
	fi
else
	cp "$tmp" "$LINE_DIR/cover-letter.txt"
	echo "    wrote cover-letter.txt ($n patches)"
fi
