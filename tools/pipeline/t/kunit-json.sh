#!/bin/sh
# Check that out/report/results.json has the shape of what the kernel's
# own tools/testing/kunit/kunit.py parse --json writes (the same keys and
# value types at every level), by running kunit.py on the tip's console.
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
echo "kunit-json: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
