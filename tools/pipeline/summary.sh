#!/bin/sh
# Stage "summary": stage timings, per-cell timings and the benchmark
# figures; a reproduce: block for re-running any cell.
#
# Usage:   summary.sh <start-epoch>
# Inputs:  $PMU_OUT/timings.txt, $PMU_OUT/cells/*/timings
# Outputs: stdout, $PMU_OUT/report/timings.txt
set -eu
. "$(dirname "$0")/lib.sh"
t_start=$1
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
	echo "== benchmark =="
	echo "  main job wall time: ${total}s"
	for c in "$PMU_OUT"/cells/*; do
		awk -F'\t' '$1 == "build" { print $3 }' "$c/stages.tsv" 2>/dev/null
	done | tail -n +2 | sort -n | awk '
		{ a[NR] = $1; s += $1 }
		END { if (NR) printf "  per-patch incremental Image build: max %ds, mean %.1fs over %d patches\n", a[NR], s / NR, NR;
		      else print "  per-patch incremental Image build: no patches" }'
	cat "$PMU_OUT"/cells/*/timings 2>/dev/null | awk '$1 == "boot" { n++; s += $2; if ($2 > m) m = $2 }
		END { if (n) printf "  boot + selftests: max %ds, mean %.1fs over %d boots run now\n", m, s / n, n;
		      else print "  boot + selftests: all boot cells cached" }'
	echo "== reproduce: =="
	echo "  sh tools/pipeline/main.sh ${PMU_PROFILE:-aia}"
	echo "  # one boot cell, e.g. the tip:"
	last=$(ls -d "$PMU_OUT"/cells/* | tail -1)
	echo "  sh tools/pipeline/boot.sh \$(ls -d \$HOME/.cache/riscv-kvm-pmu/cells/build/*/Image | head -1) out/initramfs.cpio ${PMU_PROFILE:-aia} /tmp/cell"
	echo "  # console: $last/console.log"
} | tee "$PMU_OUT/report/timings.txt"
