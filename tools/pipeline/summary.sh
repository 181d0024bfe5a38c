#!/bin/sh
# Stage "summary": stage timings, per-cell timings and the benchmark
# figures; a reproduce: block for re-running any cell.
#
# Usage:   summary.sh <start-epoch> [report-exit-status]
# Inputs:  $PMU_OUT/timings.txt, $PMU_OUT/cells/*/timings
# Outputs: stdout, $PMU_OUT/report/timings.txt
set -eu
. "$(dirname "$0")/lib.sh"
t_start=$1
report_rc=${2:-0}
total=$(($(_now) - t_start))
mkdir -p "$PMU_OUT/report"
{
	echo "== timings (seconds) =="
	awk '{ printf "  %-14s %5d\n", $1, $2 }' "$PMU_OUT/timings.txt"
	echo "  per cell (build = incremental Image + W=1/sparse; boot = boot + selftests):"
	for c in "$PMU_OUT"/cells/*; do
		[ -f "$c/timings" ] || continue
		printf '    cell %s:' "$(basename "$c")"
		awk '{ t[$1] += $2 } END { for (k in t) printf " %s %d", k, t[k] }' "$c/timings"
		img=$(awk -F'\t' '$1 == "build" { print $3 }' "$c/stages.tsv" 2>/dev/null)
		printf ' (Image %ss)\n' "${img:-?}"
	done
	echo "== tool versions (part of the cache keys) =="
	sed 's/^/  /' "$PMU_OUT/versions.txt" 2>/dev/null || echo "  (not recorded)"
	echo "== benchmark =="
	echo "  main job wall time: ${total}s"
	for c in "$PMU_OUT"/cells/*; do
		awk -F'\t' '$1 == "build" { print $3 }' "$c/stages.tsv" 2>/dev/null
	done | tail -n +2 | sort -n | awk '
		{ a[NR] = $1; s += $1 }
		END { if (NR) printf "  per-patch incremental Image build: max %ds, mean %.1fs over %d patches\n", a[NR], s / NR, NR;
		      else print "  per-patch incremental Image build: no patches" }'
	# Boot timings are "boot-<profile> <s>" lines in each cell.
	cat "$PMU_OUT"/cells/*/timings 2>/dev/null | awk '$1 ~ /^boot-/ {
			p = substr($1, 6); n[p]++; s[p] += $2; if ($2 > m[p]) m[p] = $2 }
		END { for (p in n) printf "  boot + selftests, profile %s: max %ds, mean %.1fs over %d boots run now\n", p, m[p], s[p] / n[p], n[p];
		      if (!length(n)) print "  boot + selftests: all boot cells cached" }'
	# LKP-style: the exact commands to re-run every cell that did not
	# pass cleanly (and the tip), from a clone of this repository.
	echo "== reproduce: =="
	for last in "$PMU_OUT"/cells/*; do :; done
	for c in "$PMU_OUT"/cells/*; do
		[ -f "$c/cell.info" ] || continue
		bad=$(awk -F'\t' '$2 == "fail" || $2 == "timeout" || $2 == "error"' "$c/stages.tsv" 2>/dev/null)
		badc=$(awk -F'\t' '$1 !~ /^#/ && $2 != "pass" && $2 != "skip"' "$c/cases.tsv" 2>/dev/null)
		# Case failures before a fix are expected: list them only
		# when the report did not hold.
		[ "$report_rc" != 0 ] || badc=""
		[ -n "$bad$badc" ] || [ "$c" = "$last" ] || continue
		commit=$(sed -n 's/^commit //p' "$c/cell.info")
		cb=$(sed -n 's/^build_cell //p' "$c/cell.info")
		prof=$(sed -n 's/^profile //p' "$c/cell.info")
		echo "  # cell $(basename "$c") ($commit)${bad:+: stage failures}${badc:+: case failures}"
		echo "  sh tools/pipeline/main.sh    # rebuilds the base, the series and the caches"
		echo "  git -C $PMU_LINUX checkout --detach $commit"
		echo "  sh tools/pipeline/build.sh $commit - /tmp/cell-$(basename "$c")"
		echo "  sh tools/pipeline/boot.sh $cb/Image $PMU_OUT/initramfs.cpio $prof /tmp/boot-$(basename "$c")"
	done
} | tee "$PMU_OUT/report/timings.txt"
