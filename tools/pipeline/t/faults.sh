#!/bin/sh
# Fault tests of the pipeline itself: each bad input must stop the right
# stage with a clear message naming the stage and the file, and leave no
# half-applied state.  Needs the base stage to have run (the cached base).
#
# Usage:   sh tools/pipeline/t/faults.sh
# Output:  one "ok"/"not ok" line per check, then "N passed, N failed".
set -u
P=$(cd "$(dirname "$0")/.." && pwd)
TOP=$(cd "$P/../.." && pwd)
PMU_CACHE=${PMU_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/riscv-kvm-pmu}
export PMU_CACHE
REPO=$PMU_CACHE/linux-${PMU_LINE:-7.3}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
trap 'exit 2' INT TERM
export PMU_OUT="$tmp/out"
. "$P/t/lib.sh"
expect_fail() { # stage-regex message-regex, command...
	re1=$1
	re2=$2
	shift 2
	"$@" >"$tmp/log" 2>"$tmp/err" && return 1
	grep -qE "$re1" "$tmp/err" && grep -qE "$re2" "$tmp/err"
}
no_half_applied() {
	! git -C "$REPO" rev-parse -q --verify refs/heads/series >/dev/null &&
		[ "$(git -C "$REPO.apply-wt" rev-parse HEAD)" = "$(git -C "$REPO" rev-parse base)" ] &&
		[ -z "$(git -C "$REPO.apply-wt" status --porcelain)" ] &&
		[ ! -d "$REPO.apply-wt/.git/rebase-apply" ] &&
		[ ! -d "$(git -C "$REPO.apply-wt" rev-parse --git-dir)/rebase-apply" ]
}

# 1. A corrupt patch: named, aborted, nothing left half-applied.
mkdir -p "$tmp/p1"
cat >"$tmp/p1/0001-corrupt.patch" <<'P'
From 0000000000000000000000000000000000000000 Mon Sep 17 00:00:00 2001
From: riscv-kvm-pmu <series@riscv-kvm-pmu.invalid>
Date: Sat, 21 Nov 2026 00:00:00 +0000
Subject: [PATCH] RISC-V: KVM: Corrupt test patch

---
 arch/riscv/kvm/vcpu_pmu.c | 2 +-
 1 file changed, 1 insertion(+), 1 deletion(-)

diff --git a/arch/riscv/kvm/vcpu_pmu.c b/arch/riscv/kvm/vcpu_pmu.c
--- a/arch/riscv/kvm/vcpu_pmu.c
+++ b/arch/riscv/kvm/vcpu_pmu.c
@@ -1,3 +1,3 @@
-this line is not in the file
+neither is this one
 nor this
P
echo "0001-corrupt.patch" >"$tmp/p1/series"
check "corrupt patch: apply fails naming the patch" expect_fail \
	'^ERROR \[apply\]' '0001-corrupt\.patch: patch 1/1 does not apply' \
	env PMU_SERIES="$tmp/p1/series" PMU_PATCHDIR="$tmp/p1" sh "$P/apply.sh"
check "corrupt patch: no half-applied tree, no series branch" no_half_applied

# 2. A series that names a patch that is not there.
echo "0002-missing.patch" >"$tmp/p1/series2"
check "missing patch: apply fails naming the file" expect_fail \
	'^ERROR \[apply\]' '0002-missing\.patch: patch 1/1 listed in .* does not exist' \
	env PMU_SERIES="$tmp/p1/series2" PMU_PATCHDIR="$tmp/p1" sh "$P/apply.sh"
check "missing patch: no half-applied tree" no_half_applied

# 3. A good first patch followed by a bad one: the good one is rolled back.
cat >"$tmp/p1/0001-good.patch" <<'P'
From 0000000000000000000000000000000000000000 Mon Sep 17 00:00:00 2001
From: riscv-kvm-pmu <series@riscv-kvm-pmu.invalid>
Date: Sat, 21 Nov 2026 00:00:00 +0000
Subject: [PATCH] RISC-V: KVM: Good test patch

---
 pmu-ci-fault-test.txt | 1 +
 1 file changed, 1 insertion(+)
 create mode 100644 pmu-ci-fault-test.txt

diff --git a/pmu-ci-fault-test.txt b/pmu-ci-fault-test.txt
new file mode 100644
index 000000000000..000000000001
--- /dev/null
+++ b/pmu-ci-fault-test.txt
@@ -0,0 +1 @@
+fault test
P
printf '0001-good.patch\n0001-corrupt.patch\n' >"$tmp/p1/series3"
check "good then corrupt: fails at patch 2" expect_fail \
	'^ERROR \[apply\]' '0001-corrupt\.patch: patch 2/2 does not apply' \
	env PMU_SERIES="$tmp/p1/series3" PMU_PATCHDIR="$tmp/p1" sh "$P/apply.sh"
check "good then corrupt: the good patch is rolled back too" no_half_applied

# 4. A base tarball with a wrong checksum (a fresh cache, so nothing cached
#    can hide it).
printf 'not a kernel\n' | xz >"$tmp/bad.tar.xz"
check "wrong base tarball: refused on sha256" expect_fail \
	'^ERROR \[base\]' 'bad\.tar\.xz: sha256 mismatch: got [0-9a-f]{64}, pinned 76df1aff' \
	env PMU_CACHE="$tmp/cache" PMU_BASE_TARBALL="$tmp/bad.tar.xz" sh "$P/base.sh"
check "wrong base tarball: nothing imported" test ! -e "$tmp/cache/linux-7.3"

# 5. A pinned version that is not the installed one (the 6.12 line's
#    package, installed by the deps stage), and one that the archive no
#    longer has (the 7.3 line's, fetched with its suite).
sed 's/^version:.*/version: 6.12.999-1~deb12u1/' "$TOP/backport/6.12/base-commit" >"$tmp/base-commit"
check "wrong pinned version: refused, naming both versions" expect_fail \
	'^ERROR \[base\]' "is '6\.12\.117-1~deb12u1', pinned '6\.12\.999-1~deb12u1'" \
	env PMU_LINE=6.12 PMU_CACHE="$tmp/cache" PMU_BASE_COMMIT_FILE="$tmp/base-commit" sh "$P/base.sh"
sed 's/^version:.*/version: 7.3.999-1~bpo13+1/' "$TOP/base-commit" >"$tmp/base-commit-73"
check "pinned version gone from the archive: refused, naming the pin file" expect_fail \
	'^ERROR \[base\]' "base-commit-73: apt-get download linux-source-7\.3=7\.3\.999-1~bpo13\+1 from trixie-backports failed" \
	env PMU_CACHE="$tmp/cache" PMU_BASE_COMMIT_FILE="$tmp/base-commit-73" sh "$P/base.sh"
check "pinned version gone from the archive: nothing imported" test ! -e "$tmp/cache/linux-7.3"

# 6. A missing tool is named.
check "missing tool: named with its stage" expect_fail \
	'^ERROR \[faults\]' "required tool 'no-such-tool-xyz' not found" \
	sh -c ". '$P/lib.sh'; STAGE=faults; need no-such-tool-xyz"

# 7. The failure paths that must end a stage non-zero and never be cached
#    (also runnable alone: sh tools/pipeline/t/fail-closed.sh).
# shellcheck disable=SC2034 # read by t/fail-closed.sh
FC_NESTED=1
. "$P/t/fail-closed.sh"

# 8. A patch that rewrites a line of an earlier patch of the series (churn):
#    series-checks names the lines and fails.
cat >"$tmp/p1/0002-rewrite.patch" <<'P'
From 0000000000000000000000000000000000000000 Mon Sep 17 00:00:00 2001
From: riscv-kvm-pmu <series@riscv-kvm-pmu.invalid>
Date: Sat, 21 Nov 2026 00:00:01 +0000
Subject: [PATCH] RISC-V: KVM: Rewrite the line of the good test patch

---
 pmu-ci-fault-test.txt | 2 +-
 1 file changed, 1 insertion(+), 1 deletion(-)

diff --git a/pmu-ci-fault-test.txt b/pmu-ci-fault-test.txt
index 000000000001..000000000002 100644
--- a/pmu-ci-fault-test.txt
+++ b/pmu-ci-fault-test.txt
@@ -1 +1 @@
-fault test
+fault test, rewritten
P
printf '0001-good.patch\n0002-rewrite.patch\n' >"$tmp/p1/series4"
if env PMU_SERIES="$tmp/p1/series4" PMU_PATCHDIR="$tmp/p1" sh "$P/apply.sh" \
	>"$tmp/log" 2>&1; then
	check "churn: series-checks names the rewritten line" expect_fail \
		'^patch 2 changes line 1 of pmu-ci-fault-test\.txt, written by patch 1$' \
		'^ERROR \[series-checks\] .*churn\.txt: 1 lines that a later patch of the series rewrites' \
		env PMU_SERIES="$tmp/p1/series4" PMU_PATCHDIR="$tmp/p1" sh "$P/series-checks.sh"
else
	check "churn: the two-patch series applies" false
fi
git -C "$REPO" update-ref -d refs/heads/series 2>/dev/null || true

closing faults
