#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The LAVA job of the boot-plus-selftest stage.
#
#   lavajob.sh --tests TESTS --kernel-url URL --initrd-url URL \
#           --machine M --cpu C --smp N --memory MEM --append ARGS \
#           --timeout SECS --device-base ci/lava/device-qemu.yaml --outdir DIR \
#           [--qemu BIN] [--bios B] [--name NAME] [--profile P] [--meta K=V ...]
#       Writes DIR/job.yaml, DIR/device.yaml (the rendered device
#       dictionary lava-run needs) and DIR/monitors.tsv
#       ("<num>\t<monitor name>\t<run id>", one line per monitor).  The
#       QEMU values come from the profile (tools/pipeline/lava.sh passes
#       them), so the job boots exactly what tools/pipeline/boot.sh boots.
#
# The results of the job are read back from the lava-run log by
# "pmu-report lava" (tools/report/lava.c).
#
# The guest (tools/guest/init.c) prints KTAP v1: one top-level result line
# "ok N <run-id>" per run of the test list, preceded by the program's own
# output indented by two spaces, where a kselftest-harness program prints
# its nested results "  ok M <name>".  The job has one LAVA test monitor per
# run, named after the run: it records the run's nested results and then
# its own result line, and stops there; the next monitor takes over.  In
# LAVA the suite is then the run id and the case the nested name, and a
# run without nested results is one case of its own name.
#
# A monitor sees the console through pexpect (a 4000-character window,
# Python's re with re.DOTALL), so the patterns below consume as little as
# possible: the result and the case name are captured in lookaheads, and a
# result line is only taken once it is complete (its newline has arrived).
set -eu

die() {
	echo "lavajob: $*" >&2
	exit 2
}

tests='' kernel_url='' initrd_url='' machine='' cpu='' smp='' memory=''
append='' timeout='' profile='' meta='' device_base='' outdir=''
qemu=qemu-system-riscv64 bios=default name="riscv-kvm-pmu boot and selftests"
nl='
'
while [ $# -gt 0 ]; do
	[ $# -ge 2 ] || die "option $1 needs a value"
	case $1 in
	--tests) tests=$2 ;;
	--kernel-url) kernel_url=$2 ;;
	--initrd-url) initrd_url=$2 ;;
	--qemu) qemu=$2 ;;
	--machine) machine=$2 ;;
	--cpu) cpu=$2 ;;
	--smp) smp=$2 ;;
	--memory) memory=$2 ;;
	--bios) bios=$2 ;;
	--append) append=$2 ;;
	--timeout) timeout=$2 ;;
	--name) name=$2 ;;
	--profile) profile=$2 ;;
	--meta) meta=$meta$2$nl ;;
	--device-base) device_base=$2 ;;
	--outdir) outdir=$2 ;;
	*) die "unknown option $1" ;;
	esac
	shift 2
done
for v in tests kernel_url initrd_url machine cpu smp memory append timeout \
	device_base outdir; do
	eval "[ -n \"\$$v\" ]" || die "missing --$(echo "$v" | tr _ -)"
done
case $append in
*'"'*) die "the kernel command line must not contain '\"'" ;;
esac
timeout=$(echo "$timeout" | tr -d ' ')
case $timeout in
'' | *[!0-9]*) die "bad --timeout '$timeout'" ;;
esac
[ -r "$tests" ] || die "cannot read $tests"
[ -r "$device_base" ] || die "cannot read $device_base"

# sha256 of a file:// artifact, else "unknown".
sha() {
	case $1 in
	file://*)
		if [ -f "${1#file://}" ]; then
			sha256sum <"${1#file://}" | cut -d' ' -f1
			return
		fi ;;
	esac
	echo unknown
}

mkdir -p "$outdir"

# The rendered device dictionary: QEMU as boot.sh runs it, with the
# console on stdio (LAVA reads it through a pty).
L_QEMU=$qemu L_OPTS="-machine $machine$nl-cpu $cpu$nl-smp $smp$nl-m $memory$nl-display none$nl-monitor none$nl-serial stdio$nl-bios $bios$nl-no-reboot" \
awk '
/^[ ]*command:/ && !cmd {
	cmd = 1
	match($0, /^[ ]*/)
	print substr($0, 1, RLENGTH) "command: " ENVIRON["L_QEMU"]
	next
}
/^[ ]*options:[ ]*\[\]/ && !opts {
	opts = 1
	match($0, /^[ ]*/)
	ind = substr($0, 1, RLENGTH)
	print ind "options:"
	n = split(ENVIRON["L_OPTS"], o, "\n")
	for (i = 1; i <= n; i++)
		print ind "- " o[i]
	next
}
{ print }
END { if (!cmd || !opts) exit 1 }' "$device_base" >"$outdir/device.yaml" ||
	die "$device_base: no qemu command/options to fill in"

L_NAME=$name L_T=$timeout L_MACHINE=$machine L_CPU=$cpu L_MEMORY=$memory \
L_SMP=$smp L_BIOS=$bios L_PROFILE=$profile L_KSHA=$(sha "$kernel_url") \
L_ISHA=$(sha "$initrd_url") L_META=$meta L_APPEND=$append \
L_KURL=$kernel_url L_IURL=$initrd_url L_OUT=$outdir \
awk '
# A scalar as PyYAML safe_dump writes it: plain when it reads back as the
# same string, else single-quoted (double-quoted with control characters).
function yq(s,    t) {
	if (s ~ /[\001-\037\177]/) {
		gsub(/\\/, "\\\\", s)
		gsub(/"/, "\\\"", s)
		gsub(/\t/, "\\t", s)
		gsub(/\n/, "\\n", s)
		gsub(/\r/, "\\r", s)
		return "\"" s "\""
	}
	if (s == "" || s ~ /^[ ]|[ ]$/ || s ~ /^[#,\[\]{}&*!|>\047"%@`]/ ||
	    s ~ /^[-?:]( |$)/ || s ~ /:( |$)/ || s ~ / #/ ||
	    s ~ /^(---|\.\.\.)/ ||
	    s ~ /^(yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)$/ ||
	    s ~ /^(~|null|Null|NULL|<<|=)$/ ||
	    s ~ /^[-+]?(0b[01_]+|0[0-7_]+|(0|[1-9][0-9_]*)|0x[0-9a-fA-F_]+|[1-9][0-9_]*(:[0-5]?[0-9])+)$/ ||
	    s ~ /^([-+]?([0-9][0-9_]*)?\.[0-9_]*([eE][-+][0-9]+)?|[-+]?[0-9][0-9_]*(:[0-5]?[0-9])+\.[0-9_]*|[-+]?\.(inf|Inf|INF)|\.(nan|NaN|NAN))$/ ||
	    s ~ /^[0-9][0-9][0-9][0-9]-[0-9][0-9]?-[0-9][0-9]?/) {
		t = s
		gsub(/\047/, "\047\047", t)
		return "\047" t "\047"
	}
	return s
}
# Python re.escape() (3.7 and later).
function reesc(s,    i, c, r) {
	r = ""
	for (i = 1; i <= length(s); i++) {
		c = substr(s, i, 1)
		if (index("()[]{}?*+-|^$\\.&~# \t\n\r\v\f", c))
			r = r "\\"
		r = r c
	}
	return r
}
function result_pattern(num, id) {
	return "\\n(?P<nested>[ ][ ](?=(?:not[ ])?ok[ ]\\d))?" \
	    "(?(nested)|(?=(?:not[ ])?ok[ ]" num "[ ]" reesc(id) \
	    "(?:[ ]|\\r|\\n)))" \
	    "(?=(?:not[ ])?ok[ ]\\d+[ ](?P<test_case_id>[^\\s#][^\\r\\n#]*?)[ ]*" \
	    "(?:\\#[^\\r\\n]*)?\\r*\\n)" \
	    "(?=(?:ok[ ]\\d+[ ][^\\r\\n#]*\\#[ ]*(?=SKIP))?" \
	    "(?P<result>SKIP|not[ ]ok|ok))" \
	    "(?(nested)[^\\r\\n]*)"
}
function end_pattern(num, id) {
	return "(?:^|(?<=\\n))(?:not[ ])?ok[ ]" num "[ ]" reesc(id) \
	    "(?:[ ][^\\r\\n]*)?(?=\\r*\\n)"
}
{
	gsub(/[\r\v\f]/, " ")
	$0 = $0
	if (NF >= 5 && $1 == "run")
		run[++nrun] = $2
}
END {
	job = ENVIRON["L_OUT"] "/job.yaml"
	mon = ENVIRON["L_OUT"] "/monitors.tsv"
	first_start = "KTAP version 1\\r*\\n1\\.\\.\\d+(?=[\\r\\n])"
	next_start = "(?=\\n)"

	# The runs as the guest runs them (pmu.only=), then the post-checks.
	nw = split(ENVIRON["L_APPEND"], w, /[ \t\n\r\v\f]+/)
	app = ""
	for (i = 1; i <= nw; i++) {
		if (w[i] == "")
			continue
		app = app (app == "" ? "" : " ") w[i]
		if (!only && substr(w[i], 1, 9) == "pmu.only=") {
			only = 1
			nk = split(substr(w[i], 10), k, ",")
			for (j = 1; j <= nk; j++)
				keep[k[j]] = 1
		}
	}
	n = 0
	for (i = 1; i <= nrun; i++)
		if (!only || (run[i] in keep))
			id[++n] = run[i]
	id[++n] = "pmu-ci.post-checks"

	# Monitor names: LAVA wants [-_a-zA-Z0-9.]+, unique regardless of case.
	for (i = 1; i <= n; i++) {
		base = id[i]
		gsub(/[^-_a-zA-Z0-9.]/, "_", base)
		nm = base
		for (j = 2; (tolower(nm) in seen); j++)
			nm = base "-" j
		seen[tolower(nm)] = 1
		name[i] = nm
	}

	t = ENVIRON["L_T"] + 0
	print "device_type: qemu" >job
	print "job_name: " yq(ENVIRON["L_NAME"]) >job
	print "timeouts:\n  job:\n    seconds: " (t + 180) >job
	print "  action:\n    seconds: " t >job
	print "priority: medium\nvisibility: public\ncontext:\n  arch: riscv64" >job
	print "  machine: " yq(ENVIRON["L_MACHINE"]) >job
	print "  cpu: " yq(ENVIRON["L_CPU"]) >job
	print "  memory: " yq(ENVIRON["L_MEMORY"]) >job
	print "  extra_options:" >job
	print "  - " yq("-smp " ENVIRON["L_SMP"]) >job
	print "  - " yq("-bios " ENVIRON["L_BIOS"]) >job
	print "  - -no-reboot" >job

	# Metadata: --meta K=V after the fixed keys; a repeated key keeps its
	# first place and takes the last value.
	mk[1] = "profile"; mv["profile"] = ENVIRON["L_PROFILE"]
	mk[2] = "kernel_sha256"; mv["kernel_sha256"] = ENVIRON["L_KSHA"]
	mk[3] = "initrd_sha256"; mv["initrd_sha256"] = ENVIRON["L_ISHA"]
	nmk = 3
	nmeta = split(ENVIRON["L_META"], m, "\n")
	for (i = 1; i <= nmeta; i++) {
		if (i == nmeta && m[i] == "")
			break
		p = index(m[i], "=")
		key = p ? substr(m[i], 1, p - 1) : m[i]
		val = p ? substr(m[i], p + 1) : ""
		if (!(key in mv))
			mk[++nmk] = key
		mv[key] = val
	}
	print "metadata:" >job
	for (i = 1; i <= nmk; i++)
		print "  " yq(mk[i]) ": " yq(mv[mk[i]]) >job

	print "actions:\n- deploy:\n    to: tmpfs\n    timeout:\n      minutes: 2" >job
	print "    images:\n      kernel:" >job
	print "        image_arg: " yq("-kernel {kernel} -append \"" app "\"") >job
	print "        url: " yq(ENVIRON["L_KURL"]) >job
	print "      initrd:\n        image_arg: -initrd {initrd}" >job
	print "        url: " yq(ENVIRON["L_IURL"]) >job
	# No prompts: the guest has no shell.  The boot timeout is also the
	# pexpect timeout the monitors inherit.
	print "- boot:\n    method: qemu\n    media: tmpfs\n    timeout:" >job
	print "      seconds: " t >job
	print "- test:\n    timeout:\n      seconds: " t "\n    monitors:" >job
	for (i = 1; i <= n; i++) {
		print "    - name: " yq(name[i]) >job
		# Later monitors start at once: the previous one stopped at
		# the end of the previous result line, and the newline before
		# the next line is kept.
		print "      start: " yq(i == 1 ? first_start : next_start) >job
		print "      end: " yq(end_pattern(i, id[i])) >job
		print "      pattern: " yq(result_pattern(i, id[i])) >job
		print "      fixupdict:\n        ok: pass\n        not ok: fail\n        SKIP: skip" >job
		printf "%d\t%s\t%s\n", i, tolower(name[i]), id[i] >mon
	}
}' "$tests"
