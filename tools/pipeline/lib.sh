# Common helpers for the pipeline stages.  POSIX sh; sourced, not run.
#
# Environment (all optional):
#   PMU_CACHE  per-user cache: base tree, builds, ccache, cell results
#              (default: ${XDG_CACHE_HOME:-$HOME/.cache}/riscv-kvm-pmu)
#   PMU_OUT    per-run output directory (default: <repo>/out)

TOP=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck disable=SC2034 # CI_DIR and TOOLS are for the stages
CI_DIR=$TOP/ci
# shellcheck disable=SC2034
TOOLS=$TOP/tools
PMU_CACHE=${PMU_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/riscv-kvm-pmu}
PMU_OUT=${PMU_OUT:-$TOP/out}
PMU_TOOLS_BIN=${PMU_TOOLS_BIN:-$PMU_CACHE/tools-build}
LOG_DIR=$PMU_OUT/logs
mkdir -p "$PMU_CACHE" "$LOG_DIR"
export PMU_CACHE PMU_OUT PMU_TOOLS_BIN

# The kernel line (PMU_LINE): "7.3", the series at the top level (patches/,
# series, base-commit, cover-letter.txt, MAINTAINERS-snippet; test lists and
# cover prose in ci/), or "6.12", its backport in backport/6.12/ (test lists
# and cover prose in ci/6.12/).  Each line has its own base repository
# (PMU_LINUX, branches "base" and "series") and worktrees.  PMU_SERIES,
# PMU_PATCHDIR and PMU_BASE_COMMIT_FILE override one file or directory.
PMU_LINE=${PMU_LINE:-7.3}
# shellcheck disable=SC2034 # LINE_DIR and LINE_CI are for the stages
case $PMU_LINE in
7.3)
	LINE_DIR=$TOP
	LINE_CI=$CI_DIR
	;;
6.12)
	LINE_DIR=$TOP/backport/6.12
	LINE_CI=$CI_DIR/6.12
	;;
*)
	echo "ERROR [lib] PMU_LINE: unknown kernel line '$PMU_LINE' (7.3 or 6.12)" >&2
	exit 2
	;;
esac
export PMU_LINE
# shellcheck disable=SC2034 # for the stages
{
	PMU_LINUX=${PMU_LINUX:-$PMU_CACHE/linux-$PMU_LINE}
	APPLY_WT=$PMU_LINUX.apply-wt
	CHECK_WT=$PMU_LINUX.check-wt
	PMU_SERIES=${PMU_SERIES:-$LINE_DIR/series}
	PMU_PATCHDIR=${PMU_PATCHDIR:-$LINE_DIR/patches}
	PMU_BASE_COMMIT_FILE=${PMU_BASE_COMMIT_FILE:-$LINE_DIR/base-commit}
}

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
# GNU timeout puts CMD in a process group of its own and, at the limit,
# kills that whole group (make's compilers, QEMU).  A limit further out
# cannot reach into such a group, so within a job (PMU_PGRPS set, see
# job_groups) every group is recorded, and a job that is stopped kills
# them all.  CMD runs in the background and is waited for, so that a
# signal to this shell runs its trap at once; its stdin is /dev/null.
run_timeout() {
	_t=$1
	shift
	timeout --kill-after=10 "$_t" "$@" &
	_p=$!
	[ -z "${PMU_PGRPS:-}" ] || echo "$_p" >>"$PMU_PGRPS"
	_rc=0
	wait "$_p" || _rc=$?
	if [ $_rc -eq 124 ] || [ $_rc -eq 137 ]; then
		echo "TIMEOUT [${STAGE:-?}]: '$*' exceeded ${_t}s" >&2
		return 124
	fi
	return $_rc
}

# job_groups: make this shell the owner of a job's process groups.  Every
# run_timeout below it, in any stage, records its group in PMU_PGRPS; on
# INT or TERM (an outer limit, a user's ^C) the trap kills every recorded
# group, then the job exits 2.  Nested calls keep the outermost owner.
job_groups() {
	[ -z "${PMU_PGRPS:-}" ] || return 0
	PMU_PGRPS=${TMPDIR:-/tmp}/pmu-pgrps.$$
	: >"$PMU_PGRPS"
	export PMU_PGRPS
	trap 'kill_groups; exit 2' INT TERM
	trap 'rm -f "$PMU_PGRPS"' EXIT
}

# kill_groups: TERM, then KILL, every process group the job started.
kill_groups() {
	trap - INT TERM
	[ -f "${PMU_PGRPS:-}" ] || return 0
	for _sig in TERM KILL; do
		while read -r _g; do
			kill "-$_sig" "-$_g" 2>/dev/null || true
		done <"$PMU_PGRPS"
		[ "$_sig" = KILL ] || sleep 2
	done
	echo "ERROR [${STAGE:-job}]: stopped by a signal: every process group of the job was killed" >&2
}

# tool_versions [boot]: one line per tool whose version can change a
# result: the cross compiler, binutils, sparse and the host compiler for a
# build; with "boot", QEMU (both profiles' binaries) and OpenSBI as well.
# Part of the cache keys, and printed in the summary.
tool_versions() {
	for _c in riscv64-linux-gnu-gcc riscv64-linux-gnu-ld sparse gcc; do
		printf '%s: %s\n' "$_c" "$("$_c" --version 2>/dev/null | head -1)"
	done
	[ "${1:-}" = boot ] || return 0
	for _q in qemu-system-riscv64 "$PMU_CACHE/qemu72/usr/bin/qemu-system-riscv64"; do
		printf '%s: %s\n' "${_q##*/}" "$("$_q" --version 2>/dev/null | head -1)"
	done
	printf 'opensbi: %s\n' "$(dpkg-query -W -f '${Version}' opensbi 2>/dev/null)"
}

# cache_lock: hold $PMU_CACHE/.lock until the job exits, so that two jobs
# never share one cache (its git worktrees, build directories and cells);
# a second job stops at once with an error (exit 2) naming the lock.
cache_lock() {
	need flock
	exec 9>"$PMU_CACHE/.lock"
	flock -n 9 || {
		echo "ERROR [${STAGE:-main}] $PMU_CACHE/.lock: another job holds this cache; wait for it or set PMU_CACHE" >&2
		exit 2
	}
}

# need CMD...: fail clearly when a tool is missing.
need() {
	for _c in "$@"; do
		command -v "$_c" >/dev/null 2>&1 ||
			die "${STAGE:-?}" "" "required tool '$_c' not found (run the deps stage)"
	done
}

# debian_mirror [ETC]: print the URI of the machine's own Debian archive,
# read from its apt sources (deb822 *.sources and one-line sources.list /
# *.list alike): the first enabled "deb" entry whose suite is the
# release's codename.  ETC defaults to $PMU_APT_ETC or /etc/apt; the
# codename to $PMU_APT_CODENAME or VERSION_CODENAME of /etc/os-release.
# No host name is ever written by the project: it is read here, each time.
debian_mirror() {
	_etc=${1:-${PMU_APT_ETC:-/etc/apt}}
	_code=${PMU_APT_CODENAME:-$(sed -n 's/^VERSION_CODENAME=//p' /etc/os-release 2>/dev/null)}
	[ -n "$_code" ] || return 1
	_files=""
	for _f in "$_etc/sources.list" "$_etc"/sources.list.d/*.list \
		"$_etc"/sources.list.d/*.sources; do
		[ -r "$_f" ] && _files="$_files $_f"
	done
	[ -n "$_files" ] || return 1
	# shellcheck disable=SC2086
	awk -v code="$_code" '
	function flush() {
		if (types ~ /(^|[ \t])deb([ \t]|$)/ && enabled !~ /^(no|false)$/) {
			ns = split(suites, s, /[ \t]+/)
			for (i = 1; i <= ns; i++)
				if (s[i] == code && uris != "") {
					split(uris, u, /[ \t]+/); print u[1]; found = 1; exit
				}
		}
		types = uris = suites = enabled = ""
	}
	FNR == 1 { if (deb822) flush(); deb822 = (FILENAME ~ /\.sources$/) }
	deb822 && /^[ \t]*$/ { flush(); next }
	deb822 && /^[ \t]*#/ { next }
	deb822 {
		k = tolower($1); sub(/:$/, "", k); v = $0
		sub(/^[^:]*:[ \t]*/, "", v); sub(/[ \t]+$/, "", v)
		if (k == "types") types = v
		else if (k == "uris") uris = v
		else if (k == "suites") suites = v
		else if (k == "enabled") enabled = tolower(v)
		next
	}
	/^[ \t]*deb[ \t]/ {
		line = $0; sub(/#.*/, "", line); gsub(/\[[^]]*\]/, "", line)
		n = split(line, f, /[ \t]+/); j = 0
		for (i = 1; i <= n; i++) if (f[i] != "") g[++j] = f[i]
		if (j >= 3 && g[3] == code) { print g[2]; found = 1; exit }
	}
	END { if (!found && deb822) flush(); exit !found }' $_files
}

# apt_private DIR PARTS SOURCES_LINE...: a private apt configuration
# under DIR that leaves the system's sources, lists and preferences alone:
# its own sources.list (the SOURCES_LINEs, one-line format), PARTS as the
# sources.list.d to read (the system's, or /dev/null), its own lists,
# archives and DIR/preferences.  Writes DIR/apt.conf, for apt-get -c.
apt_private() {
	_d=$1
	_p=$2
	shift 2
	mkdir -p "$_d/lists/partial" "$_d/archives/partial"
	[ -e "$_d/preferences" ] || : >"$_d/preferences"
	: >"$_d/sources.list.new"
	for _l in "$@"; do
		printf '%s\n' "$_l" >>"$_d/sources.list.new"
	done
	mv "$_d/sources.list.new" "$_d/sources.list"
	cat >"$_d/apt.conf" <<APTCONF
Dir::Etc::SourceList "$_d/sources.list";
Dir::Etc::SourceParts "$_p";
Dir::State::Lists "$_d/lists";
Dir::Cache::Archives "$_d/archives";
Dir::Etc::Preferences "$_d/preferences";
Dir::Etc::PreferencesParts "/dev/null";
Debug::NoLocking "1";
APTCONF
}
