#!/bin/sh
# Stage "base": fetch and verify a pinned Debian linux-source tarball and
# import it into git deterministically (fixed identity, dates, modes and
# message), so that the tree id and the commit id are the same on every
# machine.
#
# Usage:   sh base.sh [--fetch-only]
#          --fetch-only: fetch and check the sha256 pins, import nothing.
# Inputs:  $PMU_BASE_COMMIT_FILE (default: base-commit), the pinned facts.
#          With a "suite:" field the package is fetched with a private apt
#          configuration (the machine's own Debian mirror, read from its
#          apt sources, with that suite) and its .deb is checked against
#          "deb-sha256:"; without one it is the installed package (deps).
#          PMU_BASE_TARBALL overrides the tarball (tests).
# Outputs: $PMU_LINUX (default: $PMU_CACHE/linux-<line>): a repository whose
#          branch "base" is the import commit recorded in the pin file.
# Exit:    0 done, 1 a pin does not match or an input is missing, 2 error.
set -eu
. "$(dirname "$0")/lib.sh"
stage_begin base

fetch_only=0
[ "${1:-}" != --fetch-only ] || fetch_only=1
BC=$PMU_BASE_COMMIT_FILE
[ -r "$BC" ] || die base "$BC" "missing"
field() {
	v=$(sed -n "s/^$1:[[:space:]]*//p" "$BC")
	[ -n "$v" ] || die base "$BC" "no '$1:' field"
	echo "$v"
}
opt_field() {
	sed -n "s/^$1:[[:space:]]*//p" "$BC"
}
pkg=$(field package)
ver=$(field version)
sha=$(field sha256)
tag=$(field upstream-tag)
want_tree=$(field tree)
want_commit=$(field commit)
suite=$(opt_field suite)
idate=$(opt_field import-date)
idate=${idate:-2025-11-14T00:00:00+0000}
REPO=$PMU_LINUX

if [ "$fetch_only" = 0 ] &&
	git -C "$REPO" rev-parse -q --verify refs/heads/base >/dev/null 2>&1 &&
	[ "$(git -C "$REPO" rev-parse refs/heads/base)" = "$want_commit" ] &&
	[ -f "$REPO/.pmu-base-ok" ]; then
	stage_end base "cached $want_commit"
	exit 0
fi

tmp=""
cleanup() { [ -z "$tmp" ] || rm -rf "$tmp"; }
trap cleanup EXIT
trap 'cleanup; exit 2' INT TERM

if [ -n "${PMU_BASE_TARBALL:-}" ]; then
	tarball=$PMU_BASE_TARBALL
elif [ -n "$suite" ]; then
	# Fetched apart: the package is of another release.
	dsha=$(field deb-sha256)
	D=$PMU_CACHE/base-fetch/$pkg
	tarball=$D/$pkg.tar.xz
	if [ ! -f "$D/ok" ] || [ "$(cat "$D/ok")" != "$ver $sha" ]; then
		uri=$(debian_mirror "${PMU_APT_ETC:-/etc/apt}") ||
			die base "${PMU_APT_ETC:-/etc/apt}" "no Debian archive entry for this release in the apt sources"
		rm -rf "$D"
		mkdir -p "$D/deb"
		apt_private "$D/apt" /dev/null \
			"deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $uri $suite main"
		progress "apt-get update ($suite, private configuration)"
		run_timeout 600 apt-get -c "$D/apt/apt.conf" update -q \
			>"$LOG_DIR/base-fetch.log" 2>&1 ||
			{ echo "ERROR [base] $LOG_DIR/base-fetch.log: apt-get update of $suite failed" >&2; exit 2; }
		progress "apt-get download $pkg=$ver"
		(cd "$D/deb" && run_timeout 900 apt-get -c "$D/apt/apt.conf" download "$pkg=$ver") \
			>>"$LOG_DIR/base-fetch.log" 2>&1 ||
			die base "$BC" "apt-get download $pkg=$ver from $suite failed (gone from the archive? see $LOG_DIR/base-fetch.log; move the pin deliberately, never silently)"
		deb=$(ls "$D"/deb/*.deb)
		got=$(sha256sum "$deb" | cut -d' ' -f1)
		[ "$got" = "$dsha" ] ||
			die base "$deb" "sha256 mismatch: got $got, pinned deb-sha256 $dsha in $BC (refusing it)"
		member=.$(field tarball)
		progress "extracting $member"
		# shellcheck disable=SC2016 # expanded by the inner sh
		run_timeout 600 sh -c 'dpkg-deb --fsys-tarfile "$1" | tar -xO "$2" >"$3"' \
			sh "$deb" "$member" "$tarball.part" ||
			die base "$deb" "no $member in the package"
		mv "$tarball.part" "$tarball"
		rm -rf "$D/deb" "$D/apt/archives"
	fi
else
	tarball=$(field tarball)
	got=$(dpkg-query -W -f='${Version}' "$pkg" 2>/dev/null || true)
	[ "$got" = "$ver" ] ||
		die base "$BC" "package $pkg is '${got:-not installed}', pinned '$ver' (run the deps stage; if apt cannot find $ver, the archive dropped it: update the pin deliberately, never silently)"
fi
[ -r "$tarball" ] || die base "$tarball" "base tarball not found"

progress "sha256 of $tarball"
got_sha=$(sha256sum "$tarball" | cut -d' ' -f1)
if [ "$got_sha" != "$sha" ]; then
	[ -z "$suite" ] || [ -n "${PMU_BASE_TARBALL:-}" ] || rm -f "$PMU_CACHE/base-fetch/$pkg/ok"
	die base "$tarball" "sha256 mismatch: got $got_sha, pinned $sha in $BC (refusing to import)"
fi
[ -z "$suite" ] || [ -n "${PMU_BASE_TARBALL:-}" ] ||
	echo "$ver $sha" >"$PMU_CACHE/base-fetch/$pkg/ok"
if [ "$fetch_only" = 1 ]; then
	stage_end base "fetched and verified $pkg $ver"
	exit 0
fi

need git tar xz
tmp=$REPO.import.$$
rm -rf "$tmp"
mkdir -p "$tmp"
progress "extracting"
run_timeout 600 tar -C "$tmp" -xJf "$tarball" --strip-components=1 ||
	die base "$tarball" "extraction failed"
mv_ver=$(sed -n -e 's/^VERSION = //p' -e 's/^PATCHLEVEL = //p' -e 's/^SUBLEVEL = //p' "$tmp/Makefile" | paste -sd.)
[ "v$mv_ver" = "$tag" ] ||
	die base "$tmp/Makefile" "Makefile says $mv_ver, $BC says $tag"

progress "importing into git"
g() {
	git -C "$tmp" -c core.autocrlf=false -c core.fileMode=true \
		-c core.symlinks=true -c core.safecrlf=false \
		-c core.bigFileThreshold=512m -c gc.auto=0 "$@"
}
g init -q -b base
run_timeout 900 git -C "$tmp" -c core.autocrlf=false -c core.fileMode=true \
	-c core.symlinks=true -c core.safecrlf=false -c gc.auto=0 add -A -f ||
	die base "$tmp" "git add of the extracted tree failed"
tree=$(g write-tree) || die base "$tmp" "git write-tree failed"
[ "$tree" = "$want_tree" ] ||
	die base "$BC" "imported tree is $tree, pinned tree is $want_tree (tarball content or git differ)"
msg="Import $pkg $ver (Linux $tag)

sha256 $sha
of $(field tarball)"
commit=$(echo "$msg" | GIT_AUTHOR_NAME="riscv-kvm-pmu base import" \
	GIT_AUTHOR_EMAIL="base@riscv-kvm-pmu.invalid" \
	GIT_COMMITTER_NAME="riscv-kvm-pmu base import" \
	GIT_COMMITTER_EMAIL="base@riscv-kvm-pmu.invalid" \
	GIT_AUTHOR_DATE="$idate" \
	GIT_COMMITTER_DATE="$idate" \
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
tmp=""
stage_end base "imported $commit"
