#!/usr/bin/env python3
"""Kill claims and releases with SIGKILL at random moments, many times, and
check after each kill that the state still parses, that no namespace is held
twice, and that no claim that was reported committed has been lost.

usage: crash.py VPMEMCTL ITERATIONS SEED  (environment names host and state)
"""
import json
import os
import random
import signal
import subprocess
import sys
import time

binary, iterations, seed = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
rng = random.Random(seed)
state_path = os.path.join(os.environ["VPMEMCTL_STATE_DIR"], "state.json")
instances = ["i%d" % i for i in range(12)]
committed = set()   # claims reported done (exit 0) and not since released
problems = []
kills = 0


def read_state():
    try:
        with open(state_path) as f:
            return json.load(f)
    except FileNotFoundError:
        return {"claims": [], "quarantine": []}


for it in range(iterations):
    inst = rng.choice(instances)
    if rng.random() < 0.55:
        args = ["claim", inst, rng.choice(["P", "P,P", "P,P,P"])]
    else:
        args = ["release", inst, "--missing-ok"] + (["--no-scrub"] if rng.random() < 0.3 else [])
    proc = subprocess.Popen([binary, "--lock-timeout", "30"] + args,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(rng.uniform(0, 0.008))
    killed = proc.poll() is None
    if killed:
        proc.send_signal(signal.SIGKILL)
        kills += 1
    rc = proc.wait()
    if args[0] == "claim" and not killed and rc == 0:
        committed.add(inst)
    if args[0] == "release":
        # Killed or not, the claim may now be gone: no longer a promise.
        committed.discard(inst)

    try:
        st = read_state()
    except ValueError as e:
        problems.append("iteration %d (%s): state does not parse: %s" % (it, " ".join(args), e))
        break
    held = {}
    for c in st["claims"]:
        for n in c["namespaces"]:
            if n["name"] in held:
                problems.append("iteration %d: %s held by %s and %s"
                                % (it, n["name"], held[n["name"]], c["instance"]))
            held[n["name"]] = c["instance"]
    have = {c["instance"] for c in st["claims"]}
    for inst_lost in committed - have:
        problems.append("iteration %d (%s): committed claim of %s lost"
                        % (it, " ".join(args), inst_lost))
    if problems:
        break
    if it % 50 == 0:
        r = subprocess.run([binary, "inventory", "-f", "json"], capture_output=True)
        if r.returncode != 0:
            problems.append("iteration %d: inventory failed: %s" % (it, r.stderr.decode()))
            break

leftovers = [f for f in os.listdir(os.environ["VPMEMCTL_STATE_DIR"]) if f.endswith(".tmp")] \
    if os.path.isdir(os.environ["VPMEMCTL_STATE_DIR"]) else []
print("iterations %d, killed %d, committed claims at the end %d, temporary files left %d"
      % (it + 1, kills, len(committed), len(leftovers)))
for p in problems:
    print("PROBLEM: " + p)
sys.exit(1 if problems else 0)
