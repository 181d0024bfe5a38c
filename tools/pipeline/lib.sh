# Common helpers for the pipeline stages.  POSIX sh; sourced, not run.
#
# Environment (all optional):
#   PMU_CACHE  per-user cache: base tree, builds, ccache, cell results
#              (default: ${XDG_CACHE_HOME:-$HOME/.cache}/riscv-kvm-pmu)
#   PMU_OUT    per-run output directory (default: <repo>/out)

TOP=$(cd "$(dirname "$0")/../.." && pwd)
CI_DIR=$TOP/ci
TOOLS=$TOP/tools
PMU_CACHE=${PMU_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/riscv-kvm-pmu}
PMU_OUT=${PMU_OUT:-$TOP/out}
PMU_TOOLS_BIN=${PMU_TOOLS_BIN:-$PMU_CACHE/tools-build}
LOG_DIR=$PMU_OUT/logs
mkdir -p "$PMU_CACHE" "$LOG_DIR"
export PMU_CACHE PMU_OUT PMU_TOOLS_BIN

_now() { date +%s; }

# stage_begin NAME: announce a stage and start its clock.
stage_begin() {
	STAGE=$1
	STAGE_T0=$(_now)
	echo "==> [$STAGE] start"
}

# stage_end NAME [note]: stop the clock, record the time for the summary.
stage_end() {
	_dt=$(($(_now) - STAGE_T0))
	echo "==> [$1] done in ${_dt}s${2:+ ($2)}"
	printf '%s %s\n' "$1" "$_dt" >>"$PMU_OUT/timings.txt"
}

# progress MSG: a progress line with the elapsed time of the stage.
progress() {
	echo "    [${STAGE:-?} +$(($(_now) - ${STAGE_T0:-$(_now)}))s] $*"
}

# die STAGE FILE MSG: a clear error naming the stage and the file.
die() {
	if [ -n "$2" ]; then
		echo "ERROR [$1] $2: $3" >&2
	else
		echo "ERROR [$1]: $3" >&2
	fi
	exit 1
}

# run_timeout SECS CMD...: run CMD with a hard limit; 124 on timeout.
run_timeout() {
	_t=$1
	shift
	timeout --kill-after=10 "$_t" "$@"
	_rc=$?
	if [ $_rc -eq 124 ] || [ $_rc -eq 137 ]; then
		echo "TIMEOUT [${STAGE:-?}]: '$*' exceeded ${_t}s" >&2
		return 124
	fi
	return $_rc
}

# need CMD...: fail clearly when a tool is missing.
need() {
	for _c in "$@"; do
		command -v "$_c" >/dev/null 2>&1 ||
			die "${STAGE:-?}" "" "required tool '$_c' not found (run the deps stage)"
	done
}
