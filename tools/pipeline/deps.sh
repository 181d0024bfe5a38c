#!/bin/sh
# Stage "deps": install every host package the pipeline needs, pinned where
# it matters, then check that every tool the stages use is there.
# Idempotent: apt runs only when something is missing.
#
# apt runs with a private configuration under $PMU_CACHE/apt: the
# machine's own sources (read, never changed), plus a bookworm-backports
# line whose URI is the machine's Debian mirror, read from those sources
# at run time, and the preferences in ci/apt-preferences.  All packages
# are resolved in one apt-get call, so that the backports set (QEMU 10 and
# its firmware) is consistent.
#
# Inputs:  ci/packages.txt, ci/packages-backports.txt, ci/apt-preferences,
#          ci/requires.txt; with PMU_LAVA=1 ci/packages-lava.txt; with
#          PMU_TEST_DEPS=1 ci/packages-test.txt; ci/qemu72.txt.
#          PMU_APT_ETC (default /etc/apt): where the machine's sources are.
# Outputs: installed packages; $PMU_CACHE/qemu72 (QEMU 7.2 extracted apart)
# Exit:    0 done, 1 a package or tool is missing, 2 apt could not run.
set -eu
. "$(dirname "$0")/lib.sh"
stage_begin deps

ETC=${PMU_APT_ETC:-/etc/apt}
want_pkgs() {
	# $1 = list file; prints "name" or "name=version" per line
	[ -r "$1" ] || die deps "$1" "package list missing"
	sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "$1"
}
is_installed() {
	# $1 = name or name=version
	n=${1%%=*}
	v=""
	case "$1" in *=*) v=${1#*=} ;; esac
	got=$(dpkg-query -W -f='${Status} ${Version}' "$n" 2>/dev/null) || return 1
	case "$got" in "install ok installed "*) ;; *) return 1 ;; esac
	[ -z "$v" ] || [ "${got##* }" = "$v" ]
}

lists="$CI_DIR/packages.txt $CI_DIR/packages-backports.txt"
[ "${PMU_LAVA:-0}" != 1 ] || lists="$lists $CI_DIR/packages-lava.txt"
[ "${PMU_TEST_DEPS:-0}" != 1 ] || lists="$lists $CI_DIR/packages-test.txt"
missing=""
for l in $lists; do
	for p in $(want_pkgs "$l"); do
		is_installed "$p" || missing="$missing $p"
	done
done

A=$PMU_CACHE/apt
APT_READY=0
# apt_ready: the private configuration, updated once per run.
apt_ready() {
	[ "$APT_READY" = 0 ] || return 0
	[ "$(id -u)" = 0 ] ||
		die deps "" "missing packages:$missing (run as root to install)"
	uri=$(debian_mirror "$ETC") ||
		die deps "$ETC" "no Debian archive entry for this release in sources.list or sources.list.d/*.{list,sources}"
	own=""
	[ ! -r "$ETC/sources.list" ] ||
		own=$(sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "$ETC/sources.list")
	apt_private "$A" "$ETC/sources.list.d" "$own" \
		"deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $uri bookworm-backports main"
	cp "$CI_DIR/apt-preferences" "$A/preferences"
	progress "apt-get update (private configuration in $A)"
	run_timeout 600 apt-get -c "$A/apt.conf" update -q \
		>"$LOG_DIR/apt-update.log" 2>&1 ||
		{ echo "ERROR [deps] $LOG_DIR/apt-update.log: apt-get update failed" >&2; exit 2; }
	APT_READY=1
}

if [ -n "$missing" ]; then
	apt_ready
	export DEBIAN_FRONTEND=noninteractive
	progress "installing:$missing"
	# shellcheck disable=SC2086
	if ! run_timeout 1500 apt-get -c "$A/apt.conf" install -y -q \
		--no-install-recommends $missing >"$LOG_DIR/apt-install.log" 2>&1; then
		tail -5 "$LOG_DIR/apt-install.log" >&2
		die deps "$LOG_DIR/apt-install.log" "apt-get install failed for:$missing (a pinned version may be gone from the archive)"
	fi
fi

# Every tool and file the stages use.
REQ=ci/requires.txt
bad=""
while read -r a b c; do
	case "$a" in
	'' | '#'*) continue ;;
	lava) [ "${PMU_LAVA:-0}" = 1 ] || continue; a=$b; b=$c ;;
	test) [ "${PMU_TEST_DEPS:-0}" = 1 ] || continue; a=$b; b=$c ;;
	esac
	case "$a" in
	cmd) command -v "$b" >/dev/null 2>&1 || bad="$bad $b" ;;
	file) [ -e "$b" ] || bad="$bad $b" ;;
	*) die deps "$REQ" "bad line '$a $b'" ;;
	esac
done <"$CI_DIR/requires.txt"
[ -z "$bad" ] ||
	die deps "$REQ" "missing after install:$bad (which package list lost its line?)"

# QEMU 7.2, extracted into the cache beside the installed QEMU 10.
Q72=$PMU_CACHE/qemu72
if [ ! -x "$Q72/usr/bin/qemu-system-riscv64" ]; then
	qf=$CI_DIR/qemu72.txt
	qpkg=$(sed -n 's/^package:[[:space:]]*//p' "$qf")
	qver=$(sed -n 's/^version:[[:space:]]*//p' "$qf")
	qsha=$(sed -n 's/^sha256:[[:space:]]*//p' "$qf")
	apt_ready
	tmpd=$(mktemp -d)
	progress "fetching $qpkg=$qver (for the qemu72 profile)"
	(cd "$tmpd" && run_timeout 600 apt-get -c "$A/apt.conf" download "$qpkg=$qver") \
		>"$LOG_DIR/qemu72.log" 2>&1 ||
		{ rm -rf "$tmpd"; die deps "$qf" "apt-get download $qpkg=$qver failed (pinned version gone? see $LOG_DIR/qemu72.log)"; }
	got=$(sha256sum "$tmpd"/*.deb | cut -d' ' -f1)
	[ "$got" = "$qsha" ] ||
		{ rm -rf "$tmpd"; die deps "$qf" "sha256 of $qpkg $qver is $got, pinned $qsha"; }
	rm -rf "$Q72.tmp"
	dpkg-deb -x "$tmpd"/*.deb "$Q72.tmp" ||
		{ rm -rf "$tmpd"; die deps "$qf" "cannot extract $qpkg"; }
	rm -rf "$tmpd" "$Q72"
	mv "$Q72.tmp" "$Q72"
fi
stage_end deps
