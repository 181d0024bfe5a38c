#!/bin/sh
# kunit.py as a cross-check of pmu-report:
#   1. out/report/results.json has the shape of what the kernel's own
#      tools/testing/kunit/kunit.py parse --json writes (the same keys and
#      value types at every level), on the tip's console;
#   2. for every boot cell and profile, kunit.py parse --json of the
#      console and pmu-report's cases of that boot agree case by case:
#      the same case names with the same statuses, and kunit.py finds no
#      crashed or unparsable test.
#
# Usage:   sh tools/pipeline/t/kunit-json.sh [out-dir]
# Output:  "kunit-json: N passed, N failed"
set -u
TOP=$(cd "$(dirname "$0")/../../.." && pwd)
PMU_CACHE=${PMU_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/riscv-kvm-pmu}
out=${1:-${PMU_OUT:-$TOP/out}}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
pass=0
fail=0
last=""
for c in "$out"/cells/*; do [ -e "$c" ] && last=$c; done
if [ -z "$last" ] || [ ! -f "$out/report/results.json" ]; then
	echo "not ok - no main job output in $out"
	echo "kunit-json: 0 passed, 1 failed"
	exit 1
fi
# The guest's KTAP, without the firmware and kernel lines before it.
sed -n '/^KTAP version 1/,$p' "$last/console.log" >"$tmp/ktap.txt"
# kunit.py exits non-zero when the parsed tests did not all pass: only its
# JSON matters here.
timeout 120 python3 "$PMU_CACHE/linux-${PMU_LINE:-7.3}/tools/testing/kunit/kunit.py" parse \
	--json="$tmp/kunit.json" "$tmp/ktap.txt" >"$tmp/kunit.log" 2>&1
if [ -s "$tmp/kunit.json" ] && timeout 60 python3 - "$tmp/kunit.json" "$out/report/results.json" <<'PY'
import json, sys

def shape(d):
    if isinstance(d, dict):
        s = {k: shape(v) for k, v in d.items() if k not in ("sub_groups", "test_cases")}
        for k in ("sub_groups", "test_cases"):
            if k in d:
                s[k] = sorted({json.dumps(shape(x), sort_keys=True) for x in d[k]})
        return s
    return type(d).__name__

ref, ours = (json.load(open(f)) for f in sys.argv[1:3])
# Compare the group and case levels that both have.
rg, og = shape(ref), shape(ours)
for k in set(rg) - {"sub_groups", "test_cases"}:
    assert rg[k] == og.get(k), "top-level key %s: %s vs %s" % (k, rg[k], og.get(k))
rc = {c for g in [ref] + ref["sub_groups"] for c in map(lambda x: json.dumps(shape(x), sort_keys=True), g["test_cases"])}
oc = {c for g in [ours] + ours["sub_groups"] for c in map(lambda x: json.dumps(shape(x), sort_keys=True), g["test_cases"])}
assert oc and oc <= rc, "test case shapes differ: %s vs %s" % (oc, rc)
PY
then
	pass=$((pass + 1))
	echo "ok - results.json has the shape of kunit.py parse --json"
else
	fail=$((fail + 1))
	echo "not ok - results.json differs from kunit.py parse --json"
	tail -5 "$tmp/kunit.log" "$tmp/py.log" 2>/dev/null
fi

# 2. Case by case, every boot of every cell.
cat >"$tmp/cmp.py" <<'PY'
import json, sys

kj, tsv, prefix = sys.argv[1:4]
status = {"PASS": "pass", "FAIL": "fail", "SKIP": "skip"}
ref = {}
bad = []

def walk(g, name):
    for t in g.get("test_cases", []):
        n = t["name"]
        # kselftest_harness names a plain TEST() global.<name>
        if name and n.startswith("global."):
            n = n[len("global."):]
        if t["status"] not in status:
            bad.append("kunit.py: %s%s is %s" % (name, n, t["status"]))
        ref[name + n] = status.get(t["status"], t["status"])
    for sg in g.get("sub_groups", []):
        walk(sg, name + sg["name"] + ".")

walk(json.load(open(kj)), "")
ours = {}
for line in open(tsv):
    f = line.rstrip("\n").split("\t")
    # pmu-report's own rows: the boot and its post-checks are not KTAP
    # results of a test run, and other profiles have their own console.
    if f[0].startswith("#"):
        continue
    if (not f[0].startswith(prefix)) if prefix else ":" in f[0]:
        continue
    n = f[0][len(prefix):]
    if n == "boot":
        continue
    ours[n] = f[1]
for k in sorted(set(ref) | set(ours)):
    if ref.get(k) != ours.get(k):
        bad.append("%s: kunit.py %s, pmu-report %s" % (k, ref.get(k), ours.get(k)))
for b in bad:
    print("# " + b)
sys.exit(1 if bad or not ours else 0)
PY
ncell=0
for c in "$out"/cells/*; do
	[ -d "$c" ] || continue
	for prof in aia icount qemu72; do
		if [ "$prof" = aia ]; then
			con=$c/console.log
			tsv=$c/cases.tsv
			prefix=""
		else
			con=$c/console-$prof.log
			tsv=$c/cases-$prof.tsv
			prefix="$prof:"
		fi
		[ -f "$con" ] || continue
		ncell=$((ncell + 1))
		sed -n '/^KTAP version 1/,$p' "$con" >"$tmp/c.txt"
		rm -f "$tmp/c.json"
		timeout 120 python3 "$PMU_CACHE/linux-${PMU_LINE:-7.3}/tools/testing/kunit/kunit.py" \
			parse --json="$tmp/c.json" "$tmp/c.txt" >"$tmp/c.log" 2>&1
		if [ -s "$tmp/c.json" ] && [ -f "$tsv" ] &&
			timeout 60 python3 "$tmp/cmp.py" "$tmp/c.json" "$tsv" "$prefix" >"$tmp/cmp.log" 2>&1; then
			pass=$((pass + 1))
		else
			fail=$((fail + 1))
			echo "not ok - $con: kunit.py and pmu-report differ"
			head -5 "$tmp/cmp.log"
		fi
	done
done
if [ "$ncell" -eq 0 ]; then
	fail=$((fail + 1))
	echo "not ok - no boot cell console in $out/cells"
else
	echo "# case by case: $ncell boots compared"
fi
echo "kunit-json: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
