#!/bin/sh
# Stage "export": write the commits base..BRANCH of a kernel tree back to
# patches/ and series, deterministically: --zero-commit, no signature, a
# fixed base, fixed abbreviation, no version/volatile headers.
#
# Usage:   export.sh <kernel-repo> [branch]   (branch defaults to HEAD)
# Inputs:  base-commit (for the base commit id)
# Outputs: the line's patches/*.patch and series (replaced); in
#          $PMU_EXPORT_DIR instead of the line's directory when set
set -eu
. "$(dirname "$0")/lib.sh"
stage_begin export

repo=${1:?usage: export.sh <kernel-repo> [branch]}
branch=${2:-HEAD}
base=$(sed -n 's/^commit:[[:space:]]*//p' "$PMU_BASE_COMMIT_FILE")
git -C "$repo" cat-file -e "$base^{commit}" 2>/dev/null ||
	die export "$repo" "base commit $base is not in this repository"
git -C "$repo" merge-base --is-ancestor "$base" "$branch" ||
	die export "$repo" "$branch is not based on $base"

tmp=$(mktemp -d)
cleanup() { rm -rf "$tmp"; }
trap cleanup EXIT
trap 'cleanup; exit 2' INT TERM
run_timeout 300 git -C "$repo" -c core.abbrev=12 -c diff.renames=true -c format.signature= \
	-c format.coverLetter=false -c format.numbered=auto \
	format-patch -q --zero-commit --no-signature --no-cover-letter \
	--base="$base" --abbrev=12 -o "$tmp" "$base..$branch" ||
	die export "$repo" "git format-patch failed"
dest=${PMU_EXPORT_DIR:-$LINE_DIR}
mkdir -p "$dest"
rm -rf "$dest/patches"
mkdir -p "$dest/patches"
: >"$dest/series.tmp"
for f in "$tmp"/*.patch; do
	[ -e "$f" ] || continue
	b=$(basename "$f")
	mv "$f" "$dest/patches/$b"
	echo "$b" >>"$dest/series.tmp"
done
mv "$dest/series.tmp" "$dest/series"
stage_end export "$(wc -l <"$dest/series") patches"
