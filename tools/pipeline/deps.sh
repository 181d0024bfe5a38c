#!/bin/sh
# Stage "deps": install every host package the pipeline needs, pinned where
# it matters.  Idempotent; runs apt-get only for what is missing.
#
# Inputs:  ci/packages.txt (bookworm), ci/packages-backports.txt (pinned)
# Outputs: installed packages; $PMU_CACHE/qemu72 (QEMU 7.2 extracted apart)
set -eu
. "$(dirname "$0")/lib.sh"
stage_begin deps

missing=""
want_pkgs() {
	# $1 = list file; prints "name" or "name=version" per line
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

for p in $(want_pkgs "$CI_DIR/packages.txt"); do
	is_installed "$p" || missing="$missing $p"
done
bp_missing=""
for p in $(want_pkgs "$CI_DIR/packages-backports.txt"); do
	is_installed "$p" || bp_missing="$bp_missing $p"
done

if [ -n "$missing$bp_missing" ]; then
	[ "$(id -u)" = 0 ] || die "deps" "" "missing packages:$missing$bp_missing (run as root to install)"
	export DEBIAN_FRONTEND=noninteractive
	if [ -n "$bp_missing" ]; then
		# Backports entry whose URI is copied from the existing
		# Debian sources at install time: no host name is written here.
		src=/etc/apt/sources.list.d/debian.sources
		bp=/etc/apt/sources.list.d/pmu-ci-backports.sources
		if [ ! -f "$bp" ]; then
			[ -r "$src" ] || die deps "$src" "cannot read apt sources to derive a backports entry"
			uri=$(awk '/^URIs:/ && $2 !~ /security/ { print $2; exit }' "$src")
			[ -n "$uri" ] || die deps "$src" "no URIs: line for the main archive"
			printf 'Types: deb\nURIs: %s\nSuites: bookworm-backports\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' \
				"$uri" >"$bp"
		fi
	fi
	progress "apt-get update"
	run_timeout 600 apt-get update -q >"$LOG_DIR/apt-update.log" 2>&1 ||
		die deps "$LOG_DIR/apt-update.log" "apt-get update failed"
	if [ -n "$missing" ]; then
		progress "installing:$missing"
		# shellcheck disable=SC2086
		run_timeout 1500 apt-get install -y -q --no-install-recommends $missing \
			>"$LOG_DIR/apt-install.log" 2>&1 ||
			die deps "$LOG_DIR/apt-install.log" "apt-get install failed for:$missing (a pinned version may be gone from the archive)"
	fi
	if [ -n "$bp_missing" ]; then
		progress "installing from bookworm-backports:$bp_missing"
		# shellcheck disable=SC2086
		run_timeout 1500 apt-get install -y -q --no-install-recommends \
			-t bookworm-backports $bp_missing \
			>"$LOG_DIR/apt-install-bp.log" 2>&1 ||
			die deps "$LOG_DIR/apt-install-bp.log" "apt-get install from bookworm-backports failed for:$bp_missing (pinned version gone?)"
	fi
fi

# LAVA's dispatcher, for the test command's LAVA job (PMU_LAVA=1).  It
# depends on qemu-system-x86, whose bookworm version (7.2) conflicts with
# QEMU 10 from backports: take that one from backports too.
if [ "${PMU_LAVA:-0}" = 1 ]; then
	lava=$(sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "$CI_DIR/packages-lava.txt")
	lmiss=""
	for p in $lava; do
		is_installed "$p" || lmiss="$lmiss $p"
	done
	if [ -n "$lmiss" ]; then
		progress "installing for LAVA:$lmiss"
		# shellcheck disable=SC2086
		run_timeout 1500 apt-get install -y -q --no-install-recommends $lmiss \
			>"$LOG_DIR/apt-install-lava.log" 2>&1 ||
			die deps "$LOG_DIR/apt-install-lava.log" "apt-get install failed for:$lmiss"
	fi
fi

# QEMU 7.2, extracted into the cache beside the installed QEMU 10.
Q72=$PMU_CACHE/qemu72
if [ ! -x "$Q72/usr/bin/qemu-system-riscv64" ]; then
	qf=$CI_DIR/qemu72.txt
	qpkg=$(sed -n 's/^package:[[:space:]]*//p' "$qf")
	qver=$(sed -n 's/^version:[[:space:]]*//p' "$qf")
	qsha=$(sed -n 's/^sha256:[[:space:]]*//p' "$qf")
	tmpd=$(mktemp -d)
	progress "fetching $qpkg=$qver (for the qemu72 profile)"
	(cd "$tmpd" && run_timeout 600 apt-get download "$qpkg=$qver") \
		>"$LOG_DIR/qemu72.log" 2>&1 ||
		{ rm -rf "$tmpd"; die deps "$qf" "apt-get download $qpkg=$qver failed (pinned version gone?)"; }
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
