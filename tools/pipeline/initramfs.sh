#!/bin/sh
# Stage "initramfs": pack the guest PID 1, the test list and the test
# binaries into a reproducible cpio (fixed mtimes, owners and order).
#
# Usage:   initramfs.sh <selftests-dir> <out.cpio>
# Inputs:  $PMU_TOOLS_BIN/guest/init, ci/tests.txt
# Outputs: <out.cpio>; prints its sha256
set -eu
. "$(dirname "$0")/lib.sh"
stage_begin initramfs >&2
st=$1
out=$2
TESTS=${PMU_TESTS:-$LINE_CI/tests.txt}
need cpio
[ -x "$PMU_TOOLS_BIN/guest/init" ] || die initramfs "$PMU_TOOLS_BIN/guest/init" "guest init not built"
root=$(mktemp -d)
cleanup() { rm -rf "$root"; }
trap cleanup EXIT
trap 'cleanup; exit 2' INT TERM
mkdir -p "$root/tests" "$root/proc" "$root/sys" "$root/dev" "$root/tmp"
cp "$PMU_TOOLS_BIN/guest/init" "$root/init"
cp "$TESTS" "$root/tests.txt"
# shellcheck disable=SC2013 # test paths are words (ci/tests.txt syntax)
for t in $(awk '$1 == "run" { print $5 }' "$TESTS" | sed 's|^/tests/||' | sort -u); do
	[ -x "$st/$t" ] || die initramfs "$st/$t" "test binary missing"
	mkdir -p "$root/tests/$(dirname "$t")"
	cp "$st/$t" "$root/tests/$t"
done
find "$root" -exec touch -h -d @0 {} +
(cd "$root" && find . | LC_ALL=C sort |
	cpio --quiet -o -H newc -R 0:0 --reproducible) >"$out.tmp" ||
	die initramfs "$out" "cpio failed"
mv "$out.tmp" "$out"
stage_end initramfs "$(du -k "$out" | cut -f1) KiB" >&2
sha256sum "$out" | cut -d' ' -f1
