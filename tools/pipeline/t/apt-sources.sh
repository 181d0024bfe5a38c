#!/bin/sh
# Tests of debian_mirror (lib.sh): the machine's Debian mirror is read
# from either apt sources format, and nothing else is taken for it.
#
# Usage:   sh tools/pipeline/t/apt-sources.sh
# Output:  one "ok"/"not ok" line per check, then "N passed, N failed".
set -u
P=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
trap 'rm -rf "$tmp"; exit 2' INT TERM
PMU_OUT=$tmp/out
PMU_CACHE=$tmp/cache
export PMU_OUT PMU_CACHE
# shellcheck source=tools/pipeline/lib.sh
. "$P/lib.sh"
. "$P/t/lib.sh"
PMU_APT_CODENAME=bookworm
export PMU_APT_CODENAME

etc() { # NAME: a fresh apt etc directory
	rm -rf "${tmp:?}/$1"
	mkdir -p "$tmp/$1/sources.list.d"
	echo "$tmp/$1"
}
is() { # WANT ETC
	got=$(debian_mirror "$2" 2>"$tmp/err")
	[ "$got" = "$1" ] || { echo "got '$got', want '$1'" >"$tmp/log"; return 1; }
}
fails() { # ETC
	! debian_mirror "$1" >"$tmp/log" 2>&1
}

e=$(etc deb822)
cat >"$e/sources.list.d/other.sources" <<'S'
Types: deb
URIs: http://third.example/node
Suites: nodistro
Components: main
S
cat >"$e/sources.list.d/debian.sources" <<'S'
Types: deb
# a comment
URIs: http://security.example/archive-security
Suites: bookworm-security
Components: main

Types: deb-src
URIs: http://src.example/archive
Suites: bookworm
Components: main

Types: deb
URIs: http://disabled.example/archive
Suites: bookworm
Enabled: no

Types: deb
URIs: http://mirror.example/archive http://second.example/archive
Suites: bookworm bookworm-updates
Components: main
S
check "deb822: the first enabled deb entry of the release" is http://mirror.example/archive "$e"

e=$(etc oneline)
cat >"$e/sources.list" <<'S'
# deb http://commented.example/archive bookworm main
deb-src http://src.example/archive bookworm main
deb http://security.example/archive-security bookworm-security main
deb [arch=amd64 signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://mirror.example/archive bookworm main contrib
S
check "one-line: options skipped, security and deb-src not taken" is http://mirror.example/archive "$e"

e=$(etc listd)
echo "deb http://parts.example/archive bookworm main" >"$e/sources.list.d/x.list"
check "one-line in sources.list.d/*.list" is http://parts.example/archive "$e"

e=$(etc none)
echo "deb http://security.example/archive-security bookworm-security main" >"$e/sources.list"
check "no entry of the release: an error" fails "$e"
check "no sources at all: an error" fails "$tmp/nonexistent"

closing apt-sources
