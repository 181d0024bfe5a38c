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
