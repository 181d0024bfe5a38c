#!/bin/sh
# Stage "base": verify the pinned Debian linux-source tarball and import it
# into git deterministically (fixed identity, dates, modes and message), so
# that the tree id and the commit id are the same on every machine.
#
# Inputs:  base-commit (the pinned facts), the installed linux-source-6.12
#          package (or PMU_BASE_TARBALL, for tests)
# Outputs: $PMU_CACHE/linux: a git repository whose branch "base" is the
#          import commit recorded in base-commit
set -eu
. "$(dirname "$0")/lib.sh"
stage_begin base

BC=${PMU_BASE_COMMIT_FILE:-$TOP/base-commit}
[ -r "$BC" ] || die base "$BC" "missing"
field() {
	v=$(sed -n "s/^$1:[[:space:]]*//p" "$BC")
	[ -n "$v" ] || die base "$BC" "no '$1:' field"
	echo "$v"
}
pkg=$(field package)
ver=$(field version)
sha=$(field sha256)
want_tree=$(field tree)
want_commit=$(field commit)
tarball=${PMU_BASE_TARBALL:-$(field tarball)}

if [ -z "${PMU_BASE_TARBALL:-}" ]; then
	got=$(dpkg-query -W -f='${Version}' "$pkg" 2>/dev/null || true)
	[ "$got" = "$ver" ] ||
		die base "$BC" "package $pkg is '${got:-not installed}', pinned '$ver' (run the deps stage; if apt cannot find $ver, the archive dropped it: update base-commit deliberately, never silently)"
fi
[ -r "$tarball" ] || die base "$tarball" "base tarball not found"

REPO=$PMU_CACHE/linux
if git -C "$REPO" rev-parse -q --verify refs/heads/base >/dev/null 2>&1 &&
	[ "$(git -C "$REPO" rev-parse refs/heads/base)" = "$want_commit" ] &&
	[ -f "$REPO/.pmu-base-ok" ]; then
	stage_end base "cached $want_commit"
	exit 0
fi

progress "sha256 of $tarball"
got_sha=$(sha256sum "$tarball" | cut -d' ' -f1)
[ "$got_sha" = "$sha" ] ||
	die base "$tarball" "sha256 mismatch: got $got_sha, pinned $sha (refusing to import)"

need git tar xz
tmp=$PMU_CACHE/linux.import.$$
rm -rf "$tmp"
trap 'rm -rf "$tmp"' EXIT INT TERM
mkdir -p "$tmp"
progress "extracting"
run_timeout 600 tar -C "$tmp" -xJf "$tarball" --strip-components=1 ||
	die base "$tarball" "extraction failed"
mv_ver=$(sed -n -e 's/^VERSION = //p' -e 's/^PATCHLEVEL = //p' -e 's/^SUBLEVEL = //p' "$tmp/Makefile" | paste -sd.)
[ "v$mv_ver" = "$(field upstream-tag)" ] ||
	die base "$tmp/Makefile" "Makefile says $mv_ver, base-commit says $(field upstream-tag)"

progress "importing into git"
G="git -C $tmp -c core.autocrlf=false -c core.fileMode=true -c core.symlinks=true -c core.safecrlf=false -c core.bigFileThreshold=512m -c gc.auto=0"
g() {
	$G "$@"
}
g init -q -b base
run_timeout 900 $G add -A -f || die base "$tmp" "git add of the extracted tree failed"
tree=$(run_timeout 300 $G write-tree) || die base "$tmp" "git write-tree failed"
[ "$tree" = "$want_tree" ] ||
	die base "$BC" "imported tree is $tree, pinned tree is $want_tree (tarball content or git differ)"
msg="Import linux-source-6.12 $ver (Linux $(field upstream-tag))

sha256 $sha
of $(field tarball)"
commit=$(echo "$msg" | GIT_AUTHOR_NAME="riscv-kvm-pmu base import" \
	GIT_AUTHOR_EMAIL="base@riscv-kvm-pmu.invalid" \
	GIT_COMMITTER_NAME="riscv-kvm-pmu base import" \
	GIT_COMMITTER_EMAIL="base@riscv-kvm-pmu.invalid" \
	GIT_AUTHOR_DATE="2025-11-14T00:00:00+0000" \
	GIT_COMMITTER_DATE="2025-11-14T00:00:00+0000" \
	g commit-tree "$tree")
[ "$commit" = "$want_commit" ] ||
	die base "$BC" "import commit is $commit, pinned commit is $want_commit"
g update-ref refs/heads/base "$commit"
g reset -q --hard base
g config user.name "riscv-kvm-pmu"
g config user.email "ci@riscv-kvm-pmu.invalid"
g config gc.auto 0
touch "$tmp/.git/info/exclude"
echo "/.pmu-base-ok" >>"$tmp/.git/info/exclude"
touch "$tmp/.pmu-base-ok"
rm -rf "$REPO"
mv "$tmp" "$REPO"
trap - EXIT INT TERM
stage_end base "imported $commit"
