#!/bin/sh
# Stage "selftests": build the tip's KVM selftests named in ci/tests.txt,
# statically, against the tip's UAPI headers.  Cached by the tip tree id.
#
# Usage:   selftests.sh <tip-commit>
# Inputs:  $PMU_LINUX (+ apply worktree), ci/tests.txt
# Outputs: prints the directory holding the binaries (riscv/..., ...)
set -eu
. "$(dirname "$0")/lib.sh"
stage_begin selftests >&2
tip=$1
REPO=$PMU_LINUX
WT=$APPLY_WT
TESTS=${PMU_TESTS:-$LINE_CI/tests.txt}
tree=$(git -C "$REPO" rev-parse "$tip^{tree}")
key=$(printf '%s\n' "$tree" | cat - "$TESTS" | sha256sum | cut -c1-16)
ST=$PMU_CACHE/selftests/$key
targets=$(awk '$1 == "run" { print $5 }' "$TESTS" | sed 's|^/tests/||' | sort -u)
[ -n "$targets" ] || die selftests "$TESTS" "no run lines"
if [ -f "$ST/.ok" ]; then
	stage_end selftests "cached" >&2
	echo "$ST/out"
	exit 0
fi
need riscv64-linux-gnu-gcc make
rm -rf "$ST"
mkdir -p "$ST"
git -C "$WT" -c advice.detachedHead=false checkout -q -f --detach "$tip" ||
	die selftests "$WT" "cannot check out $tip"
progress "headers_install" >&2
run_timeout 600 make -s -C "$WT" ARCH=riscv O="$ST/hdr-build" \
	INSTALL_HDR_PATH="$ST/hdr" headers_install >"$ST/headers.log" 2>&1 ||
	die selftests "$ST/headers.log" "headers_install failed at $tip"
tgt=""
for t in $targets; do
	tgt="$tgt $ST/out/$t"
done
progress "building:$(echo " $targets" | tr '\n' ' ')" >&2
# shellcheck disable=SC2086
if ! run_timeout 900 make -C "$WT/tools/testing/selftests/kvm" -j"${PMU_JOBS:-$(nproc)}" \
	ARCH=riscv CROSS_COMPILE=riscv64-linux-gnu- USERLDFLAGS=-static \
	KHDR_INCLUDES="-isystem $ST/hdr/include" OUTPUT="$ST/out" $tgt \
	>"$ST/build.log" 2>&1; then
	tail -20 "$ST/build.log" | sed 's/^/    /' >&2
	git -C "$WT" checkout -q -f --detach base
	die selftests "$ST/build.log" "KVM selftests failed to build at $tip"
fi
git -C "$WT" checkout -q -f --detach base
rm -rf "$ST/hdr-build"
touch "$ST/.ok"
stage_end selftests "built" >&2
echo "$ST/out"
