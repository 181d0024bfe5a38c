# Shared by the pipeline's own tests (sourced; needs $tmp set).
: "${tmp:?t/lib.sh needs tmp set}"
pass=0
fail=0
skipped=0
# check NAME CMD...: one "ok"/"not ok" line; on failure, the tail of the
# command's captured stderr and log ($tmp/err, $tmp/log).
check() {
	name=$1
	shift
	if "$@"; then
		pass=$((pass + 1))
		echo "ok - $name"
	else
		fail=$((fail + 1))
		echo "not ok - $name"
		for f in "$tmp/err" "$tmp/log"; do
			[ -s "$f" ] && sed 's/^/#   /' "$f" | tail -5
		done
	fi
	: >"$tmp/err"
	: >"$tmp/log"
}
# skip NAME WHY: a check that cannot run here, counted apart.
skip() {
	echo "ok - $1 # SKIP $2"
	skipped=$((skipped + 1))
}
# closing WORD: the closing line CI reads.
closing() {
	if [ "$skipped" -gt 0 ]; then
		echo "$1: $pass passed, $fail failed, $skipped skipped"
	else
		echo "$1: $pass passed, $fail failed"
	fi
	[ "$fail" -eq 0 ]
}
