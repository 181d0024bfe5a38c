#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""
The LAVA job of the boot-plus-selftest stage, and its results.

  lavajob.py job --tests TESTS --kernel-url URL --initrd-url URL \\
          --qemu BIN --machine M --cpu C --smp N --memory MEM --bios B \\
          --append ARGS --timeout SECS [--name NAME] [--meta K=V ...] \\
          --device-base ci/lava/device-qemu.yaml --outdir DIR
      Writes DIR/job.yaml, DIR/device.yaml (the rendered device
      dictionary lava-run needs) and DIR/monitors.tsv.  The QEMU values
      come from the profile (tools/pipeline/lava.sh passes them), so the
      job boots exactly what tools/pipeline/boot.sh boots.

  lavajob.py results --log LAVA_LOG --monitors DIR/monitors.tsv --outdir DIR
      Reads the lava-run log, writes DIR/console.log (the serial console
      as LAVA saw it), DIR/results.yaml and DIR/results.tsv (the LAVA
      results, one per KTAP result line), DIR/cases.tsv (the same results
      named as the pipeline names its cases) and prints a summary.
      Exit 0 only if the job finished and every run has its result.

The guest (tools/guest/init.c) prints KTAP v1: one top-level result line
"ok N <run-id>" per run of the test list, preceded by the program's own
output indented by two spaces, where a kselftest-harness program prints
its nested results "  ok M <name>".  The job has one LAVA test monitor per
run, named after the run: it records the run's nested results and then
its own result line, and stops there; the next monitor takes over.  In
LAVA the suite is then the run id and the case the nested name, and a
run without nested results is one case of its own name.

A monitor sees the console through pexpect (a 4000-character window,
re.DOTALL), so the patterns below consume as little as possible: the
result and the case name are captured in lookaheads, and a result line is
only taken once it is complete (its newline has arrived).
"""
import argparse
import hashlib
import json
import os
import re
import sys

try:
    import yaml
except ImportError:  # pragma: no cover - lava-dispatcher depends on it
    yaml = None

POST_CHECKS_ID = "pmu-ci.post-checks"
MONITOR_NAME_RE = re.compile(r"^[-_a-zA-Z0-9.]+$")  # LAVA's monitor schema

# A complete KTAP result line (after the optional indentation), captured
# without being consumed: the description is the case id.
_LINE = (r"(?=(?:not[ ])?ok[ ]\d+[ ](?P<test_case_id>[^\s#][^\r\n#]*?)[ ]*"
         r"(?:\#[^\r\n]*)?\r*\n)")
# The result: "ok", "not ok", or "SKIP" for "ok N name # SKIP ...".
_RESULT = (r"(?=(?:ok[ ]\d+[ ][^\r\n#]*\#[ ]*(?=SKIP))?"
           r"(?P<result>SKIP|not[ ]ok|ok))")
FIXUP = {"ok": "pass", "not ok": "fail", "SKIP": "skip"}


def result_pattern(num, run_id):
    """Nested results (two-space indent, any number) and the run's own
    top-level line "ok <num> <run_id>"; a nested line is consumed whole,
    the top-level line only up to its start (the monitor's end takes it)."""
    own = r"(?:not[ ])?ok[ ]%d[ ]%s(?:[ ]|\r|\n)" % (num, re.escape(run_id))
    return (r"\n(?P<nested>[ ][ ](?=(?:not[ ])?ok[ ]\d))?"
            r"(?(nested)|(?=%s))" % own + _LINE + _RESULT +
            r"(?(nested)[^\r\n]*)")


def end_pattern(num, run_id):
    """The run's own result line, at a line start, once complete (as the
    result pattern wants it: else this could win on a half-arrived line)."""
    return (r"(?:^|(?<=\n))(?:not[ ])?ok[ ]%d[ ]%s(?:[ ][^\r\n]*)?(?=\r*\n)"
            % (num, re.escape(run_id)))


FIRST_START = r"KTAP version 1\r*\n1\.\.\d+(?=[\r\n])"
# Later monitors start at once: the previous one stopped at the end of the
# previous result line, and the newline before the next line is kept.
NEXT_START = r"(?=\n)"


def parse_tests(path, append):
    """The runs of the guest's test list, as the guest numbers them."""
    runs = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            tok = line.split()
            if len(tok) >= 5 and tok[0] == "run":
                runs.append((tok[1], int(re.sub(r"\D.*", "", tok[2]) or 0)))
    only = None
    for word in append.split():
        if word.startswith("pmu.only="):
            only = set(word[len("pmu.only="):].split(","))
            break
    if only is not None:
        runs = [r for r in runs if r[0] in only]
    runs.append((POST_CHECKS_ID, 0))
    return runs


def monitor_names(runs):
    names, seen = [], set()
    for run_id, _ in runs:
        name = re.sub(r"[^-_a-zA-Z0-9.]", "_", run_id)
        base, i = name, 2
        while name.lower() in seen:
            name = "%s-%d" % (base, i)
            i += 1
        seen.add(name.lower())
        assert MONITOR_NAME_RE.match(name)
        names.append(name)
    return names


def dump(data, path):
    with open(path, "w", encoding="utf-8") as f:
        if yaml:
            yaml.safe_dump(data, f, sort_keys=False, width=1000,
                           default_flow_style=False)
        else:
            json.dump(data, f, indent=2)
            f.write("\n")


def load(path):
    with open(path, encoding="utf-8") as f:
        if yaml:
            return yaml.safe_load(f)
        return json.load(f)


def sha256(url):
    path = url[len("file://"):] if url.startswith("file://") else None
    if not path or not os.path.exists(path):
        return "unknown"
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def cmd_job(a):
    if '"' in a.append:
        sys.exit("lavajob: the kernel command line must not contain '\"'")
    runs = parse_tests(a.tests, a.append)
    names = monitor_names(runs)
    os.makedirs(a.outdir, exist_ok=True)

    # The rendered device dictionary: QEMU as boot.sh runs it, with the
    # console on stdio (LAVA reads it through a pty).
    device = load(a.device_base)
    qemu = device["actions"]["boot"]["methods"]["qemu"]["parameters"]
    qemu["command"] = a.qemu
    qemu["options"] = [
        "-machine %s" % a.machine, "-cpu %s" % a.cpu, "-smp %s" % a.smp,
        "-m %s" % a.memory, "-display none", "-monitor none",
        "-serial stdio", "-bios %s" % a.bios, "-no-reboot",
    ]
    dump(device, os.path.join(a.outdir, "device.yaml"))

    monitors = []
    for i, ((run_id, _), name) in enumerate(zip(runs, names)):
        num = i + 1
        monitors.append({
            "name": name,
            "start": FIRST_START if num == 1 else NEXT_START,
            "end": end_pattern(num, run_id),
            "pattern": result_pattern(num, run_id),
            "fixupdict": dict(FIXUP),
        })
    t = int(a.timeout)
    meta = {"profile": a.profile or "", "kernel_sha256": sha256(a.kernel_url),
            "initrd_sha256": sha256(a.initrd_url)}
    for kv in a.meta or []:
        k, _, v = kv.partition("=")
        meta[k] = v
    job = {
        "device_type": "qemu",
        "job_name": a.name,
        "timeouts": {"job": {"seconds": t + 180},
                     "action": {"seconds": t}},
        "priority": "medium",
        "visibility": "public",
        # For a lava-server with the stock qemu device type: these render
        # the same machine (it adds -nographic and a user-mode NIC).
        "context": {
            "arch": "riscv64",
            "machine": a.machine,
            "cpu": a.cpu,
            "memory": a.memory,
            "extra_options": ["-smp %s" % a.smp, "-bios %s" % a.bios,
                              "-no-reboot"],
        },
        "metadata": meta,
        "actions": [
            {"deploy": {
                "to": "tmpfs",
                "timeout": {"minutes": 2},
                "images": {
                    "kernel": {
                        "image_arg": '-kernel {kernel} -append "%s"'
                                     % " ".join(a.append.split()),
                        "url": a.kernel_url},
                    "initrd": {"image_arg": "-initrd {initrd}",
                               "url": a.initrd_url},
                }}},
            # No prompts: the guest has no shell.  The boot timeout is also
            # the pexpect timeout the monitors inherit.
            {"boot": {"method": "qemu", "media": "tmpfs",
                      "timeout": {"seconds": t}}},
            {"test": {"timeout": {"seconds": t}, "monitors": monitors}},
        ],
    }
    dump(job, os.path.join(a.outdir, "job.yaml"))
    with open(os.path.join(a.outdir, "monitors.tsv"), "w",
              encoding="utf-8") as f:
        for i, ((run_id, _), name) in enumerate(zip(runs, names)):
            f.write("%d\t%s\t%s\n" % (i + 1, name.lower(), run_id))
    return 0


def read_log(path):
    """(results, console lines, job result, errors) from a lava-run log."""
    results, console, errors = [], [], []
    job_result = None
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            line = line.strip()
            if line.startswith("- "):
                line = line[2:]
            if not line.startswith("{"):
                continue
            try:
                rec = json.loads(line)
            except ValueError:
                continue
            lvl, msg = rec.get("lvl"), rec.get("msg")
            if lvl in ("target", "feedback") and isinstance(msg, str):
                console.append(msg)
            elif lvl == "results" and isinstance(msg, dict):
                if msg.get("definition") == "lava":
                    if msg.get("case") == "job":
                        job_result = msg.get("result")
                        if msg.get("error_msg"):
                            errors.append(msg["error_msg"])
                    continue
                results.append(msg)
            elif lvl == "error" and isinstance(msg, str):
                errors.append(msg)
    return results, console, job_result, errors


def child_id(run_id, name):
    """As pmu-report names a nested case: "<run>.<name>", no "global."."""
    if name.startswith("global."):
        name = name[len("global."):]
    return "%s.%s" % (run_id, re.sub(r"\s", "_", name))


def cmd_results(a):
    runs = []
    with open(a.monitors, encoding="utf-8") as f:
        for line in f:
            num, name, run_id = line.rstrip("\n").split("\t")
            runs.append((int(num), name, run_id))
    results, console, job_result, errors = read_log(a.log)
    os.makedirs(a.outdir, exist_ok=True)
    with open(os.path.join(a.outdir, "console.log"), "w",
              encoding="utf-8") as f:
        f.write("\n".join(console) + "\n")

    by_suite = {}
    for r in results:
        by_suite.setdefault(r.get("definition"), []).append(r)
    raw, cases = [], []
    missing = []
    for num, name, run_id in runs:
        got = by_suite.pop(name, [])
        for r in got:
            raw.append((run_id, r.get("extra", {}).get("test_case_id",
                                                        r.get("case")),
                        r.get("result"), name, r.get("case")))
        own = got[-1] if got and \
            got[-1].get("extra", {}).get("test_case_id") == run_id else None
        kids = got[:-1] if own else got
        if not own:
            missing.append(run_id)
        for r in kids:
            cases.append((child_id(run_id, r["extra"]["test_case_id"]),
                          r["result"]))
        if own is None:
            cases.append((run_id, "missing"))
        elif not kids:
            cases.append((run_id, own["result"]))
        elif own["result"] == "fail" and \
                not any(r["result"] == "fail" for r in kids):
            # Failed while no nested case did (a crash, a bad exit code).
            cases.append((run_id, "fail"))
    for suite, got in by_suite.items():
        errors.append("results of an unknown suite %s" % suite)

    # results.yaml: what LAVA recorded (suite and case as LAVA names them,
    # the KTAP description, the result); results.tsv: run id, KTAP
    # description, result, in console order.
    dump([{"suite": s, "case": lc, "test_case_id": c, "result": r, "run": i}
          for i, c, r, s, lc in raw], os.path.join(a.outdir, "results.yaml"))
    with open(os.path.join(a.outdir, "results.tsv"), "w",
              encoding="utf-8") as f:
        for row in raw:
            f.write("\t".join(row[:3]) + "\n")
    with open(os.path.join(a.outdir, "cases.tsv"), "w",
              encoding="utf-8") as f:
        for row in cases:
            f.write("\t".join(row) + "\n")

    count = {}
    for _, res in cases:
        count[res] = count.get(res, 0) + 1
    for cid, res in cases:
        if res != "pass":
            print("    %-7s %s" % (res, cid))
    print("LAVA results: %d cases: %d pass, %d fail, %d skip, %d missing "
          "(job: %s, %d LAVA results)" % (
              len(cases), count.get("pass", 0), count.get("fail", 0),
              count.get("skip", 0), count.get("missing", 0),
              job_result or "none", len(raw)))
    rc = 0
    if job_result != "pass":
        print("ERROR [lava]: the LAVA job did not finish (job result %s)%s"
              % (job_result or "missing",
                 ": " + "; ".join(errors[-3:]) if errors else ""),
              file=sys.stderr)
        rc = 1
    if missing:
        print("ERROR [lava]: no LAVA result for %d run(s): %s"
              % (len(missing), " ".join(missing)), file=sys.stderr)
        rc = 1
    return rc


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = p.add_subparsers(dest="cmd", required=True)
    j = sub.add_parser("job")
    j.add_argument("--tests", required=True)
    j.add_argument("--kernel-url", required=True)
    j.add_argument("--initrd-url", required=True)
    j.add_argument("--qemu", default="qemu-system-riscv64")
    j.add_argument("--machine", required=True)
    j.add_argument("--cpu", required=True)
    j.add_argument("--smp", required=True)
    j.add_argument("--memory", required=True)
    j.add_argument("--bios", default="default")
    j.add_argument("--append", required=True)
    j.add_argument("--timeout", required=True)
    j.add_argument("--name", default="riscv-kvm-pmu boot and selftests")
    j.add_argument("--profile")
    j.add_argument("--meta", action="append")
    j.add_argument("--device-base", required=True)
    j.add_argument("--outdir", required=True)
    r = sub.add_parser("results")
    r.add_argument("--log", required=True)
    r.add_argument("--monitors", required=True)
    r.add_argument("--outdir", required=True)
    a = p.parse_args()
    return cmd_job(a) if a.cmd == "job" else cmd_results(a)


if __name__ == "__main__":
    sys.exit(main())
