#!/bin/sh
# Stage "series-checks": what reviewers' tools will do with the series.
#   - the cover letter matches the series (subjects, N, diffstat, base);
#   - MAINTAINERS-snippet is verbatim from the base and covers every file
#     the series touches; get_maintainer.pl's recipients for each patch;
#   - round trips: re-export from the applied tree is byte-identical to
#     patches/; quilt push -a with `series` gives the same tree; b4 am of an
#     mbox built from the series gives the same tree.
#
# Usage:   series-checks.sh
# Inputs:  branch "series" (apply stage), patches/, series, cover-letter.txt,
#          MAINTAINERS-snippet
# Outputs: $PMU_OUT/series-checks/ (recipients.txt, logs); exit 1 on failure
set -eu
. "$(dirname "$0")/lib.sh"
stage_begin series-checks
REPO=$PMU_LINUX
WT=$APPLY_WT
PATCHDIR=$PMU_PATCHDIR
SERIES=$PMU_SERIES
out=$PMU_OUT/series-checks
rm -rf "$out"
mkdir -p "$out"
base=$(git -C "$REPO" rev-parse base)
want_tree=$(git -C "$REPO" rev-parse "series^{tree}")
failures=0
bad() {
	echo "ERROR [series-checks] $1: $2" >&2
	failures=$((failures + 1))
}
n=$(git -C "$REPO" rev-list --count "base..series")

# Cover letter.
sh "$TOOLS/pipeline/cover.sh" --check || failures=$((failures + 1))

# MAINTAINERS-snippet: every entry verbatim in the base MAINTAINERS.
snip=$LINE_DIR/MAINTAINERS-snippet
awk '/^#/ { next } { print }' "$snip" | awk -v RS= '{ print > ("'"$out"'/entry." NR) }'
for e in "$out"/entry.*; do
	[ -s "$e" ] || continue
	name=$(head -1 "$e")
	awk -v RS= -v want="$(cat "$e")" '$0 == want { found = 1 } END { exit !found }' \
		"$WT/MAINTAINERS" || bad "$snip" "entry '$name' differs from the base MAINTAINERS"
done
# ... and covers every touched file.
git -C "$REPO" diff --name-only base series >"$out/touched.txt"
pats=$(sed -n 's/^F:[[:space:]]*//p' "$snip")
while IFS= read -r f; do
	hit=""
	for p in $pats; do
		# shellcheck disable=SC2254
		case "$p" in
		*/) case "$f" in "$p"*) hit=$p ;; esac ;;
		*) case "$f" in $p) hit=$p ;; esac ;;
		esac
		[ -z "$hit" ] || break
	done
	[ -n "$hit" ] || bad "$snip" "no F: pattern covers $f"
done <"$out/touched.txt"
# Recipients per patch, as get_maintainer.pl sees them on the base tree;
# its messages go to get_maintainer.log, never into the recipients.
: >"$out/recipients.txt"
: >"$out/get_maintainer.log"
while IFS= read -r p; do
	case "$p" in '' | '#'*) continue ;; esac
	p=${p%% *}
	echo "$p:" >>"$out/recipients.txt"
	echo "== $p" >>"$out/get_maintainer.log"
	if (cd "$WT" && run_timeout 120 perl scripts/get_maintainer.pl --nogit \
		--nogit-fallback --norolestats --nofixes --no-tree "$PATCHDIR/$p") \
		>"$out/recipients.one" 2>>"$out/get_maintainer.log"; then
		sed 's/^/    /' "$out/recipients.one" >>"$out/recipients.txt"
	else
		sed 's/^/    /' "$out/get_maintainer.log" | tail -5 >&2
		bad "$out/get_maintainer.log" "get_maintainer.pl failed on $PATCHDIR/$p"
	fi
done <"$SERIES"
rm -f "$out/recipients.one"
[ "$n" -eq 0 ] || sed 's/^/    /' "$out/recipients.txt"

# Round trip 1: re-export is byte-identical.
PMU_EXPORT_DIR=$out/reexport sh "$TOOLS/pipeline/export.sh" "$REPO" series \
	>"$out/reexport.log" 2>&1 || bad "$out/reexport.log" "re-export failed"
if ! diff -r -x .gitkeep "$PATCHDIR" "$out/reexport/patches" >"$out/reexport.diff" 2>&1 ||
	! diff "$SERIES" "$out/reexport/series" >>"$out/reexport.diff" 2>&1; then
	head -40 "$out/reexport.diff"
	bad "$PATCHDIR" "re-export from the applied tree differs (see $out/reexport.diff)"
else
	progress "re-export: byte-identical ($n patches)"
fi

# No churn: no patch changes a line that an earlier patch of the series
# wrote (each patch is final).  git blame names the author of every line a
# patch removes or rewrites.
git -C "$REPO" rev-list --reverse "base..series" >"$out/commits.txt"
cp "$out/commits.txt" "$out/ids.txt"
i=0
while IFS= read -r c; do
	i=$((i + 1))
	git -C "$REPO" diff -U0 "$c^" "$c" | awk '
		/^--- / { f = ($0 == "--- /dev/null") ? "" : substr($0, 7); next }
		/^@@ / && f != "" {
			n = split(substr($2, 2), r, ",")
			len = (n > 1) ? r[2] : 1
			if (len > 0)
				print r[1], r[1] + len - 1, f
		}' | while read -r a b f; do
		git -C "$REPO" blame --porcelain -L "$a,$b" "$c^" -- "$f" |
			awk -v f="$f" 'length($1) == 40 && $1 ~ /^[0-9a-f]+$/ && NF >= 3 { print $1, $3, f }'
	done | while read -r sha line f; do
		j=$(grep -n -x "$sha" "$out/ids.txt" | cut -d: -f1)
		[ -z "$j" ] || echo "patch $i changes line $line of $f, written by patch $j"
	done
done <"$out/commits.txt" >"$out/churn.txt"
if [ -s "$out/churn.txt" ]; then
	head -20 "$out/churn.txt" >&2
	bad "$out/churn.txt" "$(wc -l <"$out/churn.txt") lines that a later patch of the series rewrites (each patch must be final)"
else
	progress "no patch rewrites a line of an earlier one"
fi

# A scratch worktree at the base for quilt and b4.
SC=$CHECK_WT
scratch_reset() {
	git -C "$SC" checkout -q -f --detach "$base" && git -C "$SC" clean -q -fdx
}
if [ ! -e "$SC/.git" ]; then
	git -C "$REPO" worktree prune
	run_timeout 600 git -C "$REPO" worktree add -q --detach "$SC" "$base" ||
		die series-checks "$SC" "cannot create scratch worktree"
fi
scratch_reset
tree_now() {
	git -C "$SC" add -A -f . >/dev/null 2>&1
	git -C "$SC" write-tree
}

# Round trip 2: quilt.
need quilt
rm -rf "$SC/.pc" "$SC/patches"
if [ "$n" -gt 0 ]; then
	if (cd "$SC" && QUILT_PATCHES="$PATCHDIR" QUILT_SERIES="$SERIES" \
		run_timeout 300 quilt --quiltrc=- push -a -q) >"$out/quilt.log" 2>&1; then
		rm -rf "$SC/.pc"
		t=$(tree_now)
		if [ "$t" = "$want_tree" ]; then
			progress "quilt push -a: same tree"
		else
			bad "$SERIES" "quilt push -a gives tree $t, git am gives $want_tree"
		fi
	else
		bad "$out/quilt.log" "quilt push -a failed"
	fi
fi
scratch_reset

# Round trip 3: b4 am of an mbox built from the cover letter and patches,
# threaded as they would be posted.
need b4
if [ "$n" -gt 0 ]; then
	mbox=$out/series.mbox
	{
		echo "From riscv-kvm-pmu Mon Sep 17 00:00:00 2001"
		echo "Message-Id: <pmu-series-0@riscv-kvm-pmu.invalid>"
		echo "Date: Sat, 21 Nov 2026 00:00:00 +0000"
		sed '/^$/q' "$LINE_DIR/cover-letter.txt"
		sed '1,/^$/d' "$LINE_DIR/cover-letter.txt"
		echo
		i=0
		while IFS= read -r p; do
			case "$p" in '' | '#'*) continue ;; esac
			i=$((i + 1))
			# Threading headers as a posting would have them; folded
			# header lines are unfolded (b4 0.12 rejects a folded
			# Subject read from a local mbox).
			awk -v i="$i" 'NR == 1 { print; next }
				hdr && /^[ \t]/ { sub(/^[ \t]+/, " "); held = held $0; next }
				hdr && held != "" { print held; held = "" }
				hdr && /^$/ { hdr = 0 }
				hdr && /^Subject:/ { print "Message-Id: <pmu-series-" i "@riscv-kvm-pmu.invalid>";
					print "In-Reply-To: <pmu-series-0@riscv-kvm-pmu.invalid>";
					print "References: <pmu-series-0@riscv-kvm-pmu.invalid>" }
				hdr { held = $0; next }
				{ print }' hdr=1 "$PATCHDIR/${p%% *}"
			echo
		done <"$SERIES"
	} >"$mbox"
	rm -rf "$out/b4"
	mkdir -p "$out/b4"
	if (cd "$out" && HOME=$out XDG_CONFIG_HOME=$out XDG_DATA_HOME=$out \
		XDG_CACHE_HOME=$out GIT_CONFIG_COUNT=2 \
		GIT_CONFIG_KEY_0=user.name GIT_CONFIG_VALUE_0=riscv-kvm-pmu \
		GIT_CONFIG_KEY_1=user.email GIT_CONFIG_VALUE_1=ci@riscv-kvm-pmu.invalid \
		run_timeout 300 b4 --offline-mode am -n series -o "$out/b4" \
		-m "$mbox" "pmu-series-0@riscv-kvm-pmu.invalid") >"$out/b4.log" 2>&1 &&
		am=$(for f in "$out"/b4/*.mbx; do [ -e "$f" ] && echo "$f" && break; done) &&
		[ -n "$am" ]; then
		if git -C "$SC" -c user.name=riscv-kvm-pmu -c user.email=ci@riscv-kvm-pmu.invalid \
			am -q "$am" >"$out/b4-am.log" 2>&1; then
			t=$(git -C "$SC" rev-parse "HEAD^{tree}")
			if [ "$t" = "$want_tree" ]; then
				progress "b4 am: same tree"
			else
				bad "$am" "b4 am gives tree $t, git am gives $want_tree"
			fi
		else
			git -C "$SC" am --abort >/dev/null 2>&1 || true
			bad "$out/b4-am.log" "git am of b4's mbox failed"
		fi
	else
		bad "$out/b4.log" "b4 am failed"
	fi
fi
scratch_reset
[ "$failures" -eq 0 ] || die series-checks "$TOP" "$failures check(s) failed"
stage_end series-checks
