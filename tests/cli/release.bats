#!/usr/bin/env bats
bats_require_minimum_version 1.5.0
# vpmemctl release: zero, then free; never under a process using the device.

load helpers

setup() { common_setup; standins; }

teardown() {
	[ -z "${HOLDER:-}" ] || kill "$HOLDER" 2>/dev/null || true
	[ -z "${RELEASE:-}" ] || kill -9 "$RELEASE" 2>/dev/null || true
	[ -z "${SHM:-}" ] || rm -rf "$SHM"
}

@test "release zeroes every namespace of the claim and frees it" {
	vpm claim vm1 '6GB,LARGE' >/dev/null
	run vpm release vm1 -f json
	assert_success
	run json_get '[(n["name"], n["scrubbed"], n["bytes"], n["state"]) for n in d["namespaces"]]'
	assert_output '[["ns0", true, 1048576, "free"], ["ns3", true, 1048576, "free"]]'
	is_zero "$VPMEMCTL_DEV_DIR/dax0.0"
	is_zero "$VPMEMCTL_DEV_DIR/dax1.0"
	run is_zero "$VPMEMCTL_DEV_DIR/dax0.1"
	assert_failure
	run vpm inventory -f json
	run json_get '[c["used"] for c in d["resource_classes"]]'
	assert_output '[0, 0]'
}

@test "--no-scrub frees without zeroing" {
	vpm claim vm1 6GB >/dev/null
	run vpm release vm1 --no-scrub -f json
	assert_success
	run json_get 'd["namespaces"][0]["scrubbed"]'
	assert_output 'false'
	run is_zero "$VPMEMCTL_DEV_DIR/dax0.0"
	assert_failure
}

# Release vm1, claimed on LARGE, with N threads: 640 MiB (three 256 MiB
# chunks) with no zero byte in it, so that a part left out by any way of
# sharing out the device shows.
release_640mib_with_jobs() {
	vpm claim vm1 LARGE >/dev/null
	python3 - "$VPMEMCTL_DEV_DIR/dax1.0" <<-'PY'
	import sys
	with open(sys.argv[1], "wb") as f:
	    for mib in range(640):
	        f.write(b"\xa5" * (1 << 20))
	PY
	run --separate-stderr vpm release vm1 --jobs "$1" -f json
	assert_success
	run json_get '[(n["jobs"], n["bytes"], n["scrubbed"]) for n in d["namespaces"]]'
	assert_output "[[$1, 671088640, true]]"
	zero_file "$VPMEMCTL_DEV_DIR/dax1.0"
}

@test "--jobs 2 scrubs a large namespace with two threads, every chunk zeroed" {
	release_640mib_with_jobs 2
}

@test "--jobs 3 shares out a size three does not divide in pages, every byte zeroed" {
	release_640mib_with_jobs 3
}

@test "a scrub on a terminal shows its progress once it runs past the delay" {
	vpm claim vm1 LARGE >/dev/null
	# no delay: the line appears at the first chunk, here the only one
	VPMEMCTL_PROGRESS_DELAY=0 run script -qec "$VPMEMCTL_BIN -N '$NOVA_SPEC' release vm1" /dev/null
	assert_success
	assert_output --regexp 'vpmemctl: scrubbing ns3: 100% \(1\.00 MiB of 1\.00 MiB, [0-9.]+ GiB/s\)'
}

@test "a scrub shorter than the delay shows no progress, even on a terminal" {
	vpm claim vm1 LARGE >/dev/null
	# a delay no 1 MiB scrub reaches, however loaded the machine
	VPMEMCTL_PROGRESS_DELAY=3600 run script -qec "$VPMEMCTL_BIN -N '$NOVA_SPEC' release vm1" /dev/null
	assert_success
	refute_output --partial "scrubbing"
}

@test "no progress line when stderr is not a terminal" {
	vpm claim vm1 6GB >/dev/null
	run --separate-stderr vpm release vm1
	assert_success
	[ -z "$stderr" ]
}

@test "--jobs must be a number of threads" {
	run vpm release vm1 --jobs 0
	assert_failure 2
	assert_output --partial "--jobs: '0' is not a number of threads from 1 to 64"
}

# Issue 15 (2) changed this test: a small claim used to be scrubbed with no
# release mark (one commit); now the mark is committed before any zeroing.
@test "a small claim is marked before its scrub, under the lock: two commits" {
	gen_host 2
	"$VPMEMCTL_BIN" claim vm1 P >/dev/null
	run "$VPMEMCTL_BIN" release vm1
	assert_success
	run python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["generation"])' "$VPMEMCTL_STATE_DIR/state.json"
	assert_output '3'
	is_zero "$VPMEMCTL_DEV_DIR/dax0.0"
}

@test "releasing an instance without a claim is exit 3" {
	run vpm release nobody
	assert_failure 3
	assert_output --partial "instance nobody holds no claim"
}

@test "--missing-ok makes a missing claim a success" {
	run vpm release nobody --missing-ok
	assert_success
}

@test "--missing-ok -f json prints an empty release" {
	run --separate-stderr vpm release nobody --missing-ok -f json
	assert_success
	run json_get 'd'
	assert_output '{"instance": "nobody", "namespaces": []}'
}

@test "--no-scrub is refused too while a process holds a namespace" {
	vpm claim vm1 6GB >/dev/null
	sleep 60 3<"$VPMEMCTL_DEV_DIR/dax0.0" &
	HOLDER=$!
	wait_exec "$HOLDER" sleep
	run vpm release vm1 --no-scrub
	assert_failure 6
	assert_output --partial "is open by pid $HOLDER (sleep)"
	run vpm inventory -f json
	run json_get 'd["namespaces"][0]["instance"]'
	assert_output '"vm1"'
}

@test "--dry-run scrubs nothing and keeps the claim" {
	vpm claim vm1 6GB >/dev/null
	run vpm release vm1 --dry-run
	assert_success
	run is_zero "$VPMEMCTL_DEV_DIR/dax0.0"
	assert_failure
	run vpm inventory -f json
	run json_get 'd["resource_classes"][0]["used"]'
	assert_output '1'
}

@test "a namespace held open by a process is refused, naming pid and program, claim kept" {
	vpm claim vm1 6GB >/dev/null
	sleep 60 3<"$VPMEMCTL_DEV_DIR/dax0.0" &
	HOLDER=$!
	wait_exec "$HOLDER" sleep
	run vpm release vm1
	assert_failure 6
	assert_output --partial "namespace ns0 ($VPMEMCTL_DEV_DIR/dax0.0) is open by pid $HOLDER (sleep)"
	run is_zero "$VPMEMCTL_DEV_DIR/dax0.0"
	assert_failure
	run vpm inventory -f json
	run json_get 'd["namespaces"][0]["instance"]'
	assert_output '"vm1"'
}

@test "a device opened while the release waits for the state lock is seen: the check comes after the lock" {
	vpm claim vm1 6GB >/dev/null
	# another vpmemctl's lock, held until the device is open
	python3 -c 'import fcntl,os,sys,time; f=open(sys.argv[1],"w"); fcntl.flock(f,fcntl.LOCK_EX)
while not os.path.exists(sys.argv[2]): time.sleep(0.01)' \
		"$VPMEMCTL_STATE_DIR/lock" "$SCRATCH/opened" &
	LOCKER=$!
	wait_locked "$VPMEMCTL_STATE_DIR/lock"
	"$VPMEMCTL_BIN" -N "$NOVA_SPEC" release vm1 >"$SCRATCH/out" 2>&1 &
	RELEASE=$!
	wait_open "$RELEASE" "$VPMEMCTL_STATE_DIR/lock"
	sleep 60 3<"$VPMEMCTL_DEV_DIR/dax0.0" &
	HOLDER=$!
	wait_exec "$HOLDER" sleep
	: >"$SCRATCH/opened"
	rc=0
	wait "$RELEASE" || rc=$?
	RELEASE=
	wait "$LOCKER"
	[ "$rc" -eq 6 ]
	run cat "$SCRATCH/out"
	assert_output --partial "is open by pid $HOLDER (sleep)"
	run is_zero "$VPMEMCTL_DEV_DIR/dax0.0"
	assert_failure
}

@test "a namespace mapped by a process is refused, claim kept" {
	vpm claim vm1 6GB >/dev/null
	python3 -c 'import mmap,sys,time,os; f=open(sys.argv[1],"r+b"); m=mmap.mmap(f.fileno(),0); f.close(); os.write(1,b"x"); time.sleep(60)' \
		"$VPMEMCTL_DEV_DIR/dax0.0" >"$SCRATCH/ready" &
	HOLDER=$!
	for _ in $(seq 50); do [ -s "$SCRATCH/ready" ] && break; sleep 0.1; done
	run vpm release vm1
	assert_failure 6
	assert_output --partial "is mapped by pid $HOLDER (python3)"
	run vpm inventory -f json
	run json_get 'd["namespaces"][0]["state"]'
	assert_output '"claimed"'
}

@test "every holder of every namespace of the claim is named, from one scan" {
	vpm claim vm1 '6GB,LARGE' >/dev/null
	sleep 60 3<"$VPMEMCTL_DEV_DIR/dax0.0" &
	HOLDER=$!
	python3 -c 'import mmap,sys,time,os; f=open(sys.argv[1],"r+b"); m=mmap.mmap(f.fileno(),0); f.close(); os.write(1,b"x"); time.sleep(60)' \
		"$VPMEMCTL_DEV_DIR/dax1.0" >"$SCRATCH/ready" &
	HOLDER2=$!
	for _ in $(seq 50); do [ -s "$SCRATCH/ready" ] && break; sleep 0.1; done
	run vpm release vm1
	kill "$HOLDER2"
	assert_failure 6
	assert_output --partial "namespace ns0 ($VPMEMCTL_DEV_DIR/dax0.0) is open by pid $HOLDER (sleep)"
	assert_output --partial "namespace ns3 ($VPMEMCTL_DEV_DIR/dax1.0) is mapped by pid $HOLDER2 (python3)"
	run vpm inventory -f json
	run json_get '[n["state"] for n in d["namespaces"]]'
	assert_output '["claimed", "free", "free", "claimed"]'
}

@test "another node of the same character device counts as the device" {
	vpm claim vm1 6GB >/dev/null
	# dax0.0 becomes a node of /dev/full's device; a process holds /dev/full
	rm "$VPMEMCTL_DEV_DIR/dax0.0"
	mknod "$VPMEMCTL_DEV_DIR/dax0.0" c "$(stat -c '%t' /dev/full | xargs printf '%d')" \
		"$(stat -c '%T' /dev/full | xargs printf '%d')"
	sleep 60 3>/dev/full &
	HOLDER=$!
	wait_exec "$HOLDER" sleep
	run vpm release vm1
	assert_failure 6
	assert_output --partial "namespace ns0 ($VPMEMCTL_DEV_DIR/dax0.0) is open by pid $HOLDER (sleep)"
}

@test "--force scrubs a namespace in use" {
	vpm claim vm1 6GB >/dev/null
	sleep 60 3<"$VPMEMCTL_DEV_DIR/dax0.0" &
	HOLDER=$!
	wait_exec "$HOLDER" sleep
	run vpm release vm1 --force
	assert_success
	is_zero "$VPMEMCTL_DEV_DIR/dax0.0"
}

@test "a failed scrub quarantines the namespace: reserved, not claimable" {
	vpm claim vm1 6GB >/dev/null
	rm "$VPMEMCTL_DEV_DIR/dax0.0"
	run --separate-stderr vpm release vm1 -f json
	assert_failure 1
	[[ "$stderr" == *"scrub of ns0 failed: cannot open $VPMEMCTL_DEV_DIR/dax0.0: No such file or directory; the namespace is quarantined"* ]]
	run json_get '[(n["name"], n["scrubbed"], n["state"]) for n in d["namespaces"]]'
	assert_output '[["ns0", false, "quarantined"]]'
	run vpm inventory -f json
	run json_get '(d["resource_classes"][0]["reserved"], d["resource_classes"][0]["free"], d["namespaces"][0]["state"])'
	assert_output '[1, 2, "quarantined"]'
	run vpm claim vm2 '6GB,6GB,6GB'
	assert_failure 4
	assert_output --partial "2 free"
	run vpm inventory -f placement
	run json_get 'd["inventories"]["CUSTOM_PMEM_NAMESPACE_6GB"]["reserved"]'
	assert_output '1'
}

@test "a claim interrupted mid-release is finished by a new release" {
	vpm claim vm1 6GB >/dev/null
	# What a release killed during its scrub leaves: the claim marked with a
	# pid that no longer runs.
	python3 - "$VPMEMCTL_STATE_DIR/state.json" <<-'PY'
	import json, sys
	s = json.load(open(sys.argv[1])); s["claims"][0]["releasing_pid"] = 999999999
	json.dump(s, open(sys.argv[1], "w"))
	PY
	run vpm release vm1
	assert_success
	is_zero "$VPMEMCTL_DEV_DIR/dax0.0"
}

# mark_releasing PID START: what a release in progress leaves in the state.
mark_releasing() {
	python3 - "$VPMEMCTL_STATE_DIR/state.json" "$1" "$2" <<-'PY'
	import json, sys
	s = json.load(open(sys.argv[1]))
	s["claims"][0]["releasing_pid"] = int(sys.argv[2])
	s["claims"][0]["releasing_start"] = int(sys.argv[3])
	json.dump(s, open(sys.argv[1], "w"))
	PY
}

start_time() { python3 -c 'import sys; print(open("/proc/%s/stat" % sys.argv[1]).read().rsplit(")", 1)[1].split()[19])' "$1"; }

@test "a release in progress elsewhere makes a second release fail with exit 3, as claim does, claim kept" {
	vpm claim vm1 6GB >/dev/null
	sleep 60 &
	HOLDER=$!
	mark_releasing "$HOLDER" "$(start_time "$HOLDER")"
	run vpm release vm1
	assert_failure 3
	assert_output --partial "instance vm1 is being released (pid $HOLDER); wait for it to finish"
	run vpm claim vm1 6GB
	assert_failure 3
	assert_output --partial "instance vm1 is being released (pid $HOLDER)"
}

@test "a reused pid does not pass for the release that was killed" {
	vpm claim vm1 6GB >/dev/null
	sleep 60 &
	HOLDER=$!
	mark_releasing "$HOLDER" "$(( $(start_time "$HOLDER") - 1 ))"
	run vpm release vm1
	assert_success
	is_zero "$VPMEMCTL_DEV_DIR/dax0.0"
}

@test "a device mapped while an earlier device of the claim is zeroed is not zeroed; claim kept, holder named" {
	big_standin dax0.0 384
	vpm claim vm1 '6GB,LARGE' >/dev/null
	"$VPMEMCTL_BIN" -N "$NOVA_SPEC" release vm1 >"$SCRATCH/out" 2>&1 &
	RELEASE=$!
	wait_mark
	python3 -c 'import mmap,sys,time,os; f=open(sys.argv[1],"r+b"); m=mmap.mmap(f.fileno(),0); f.close(); os.write(1,b"x"); time.sleep(60)' \
		"$VPMEMCTL_DEV_DIR/dax1.0" >"$SCRATCH/ready" &
	HOLDER=$!
	for _ in $(seq 50); do [ -s "$SCRATCH/ready" ] && break; sleep 0.05; done
	# the first device still being zeroed when the holder came
	kill -0 "$RELEASE"
	rc=0
	wait "$RELEASE" || rc=$?
	RELEASE=
	run cat "$SCRATCH/out"
	[ "$rc" -eq 6 ]
	assert_output --partial "namespace ns3 ($VPMEMCTL_DEV_DIR/dax1.0) is mapped by pid $HOLDER (python3)"
	assert_output --partial "instance vm1 keeps its claim"
	run is_zero "$VPMEMCTL_DEV_DIR/dax1.0"
	assert_failure
	run vpm inventory -f json
	run json_get '[n["state"] for n in d["namespaces"]]'
	assert_output '["release-interrupted", "free", "free", "release-interrupted"]'
	# part of the claim is zeroed: it is not handed back as valid
	run vpm claim vm1 '6GB,LARGE'
	assert_failure 3
}

@test "a device opened after its scrub is seen before the claim is freed" {
	big_standin dax0.0 384
	vpm claim vm1 '6GB' >/dev/null
	"$VPMEMCTL_BIN" -N "$NOVA_SPEC" release vm1 >"$SCRATCH/out" 2>&1 &
	RELEASE=$!
	wait_mark
	# While the scrub runs unlocked: take the state lock, wait until the
	# release has closed the device (its scrub is over; looking at the
	# device itself would open it), open it, and let go of the lock.
	python3 -c '
import fcntl, os, sys, time
lock = open(sys.argv[1], "w"); fcntl.flock(lock, fcntl.LOCK_EX)
def holds():
    fds = "/proc/%s/fd" % sys.argv[4]
    try: return any(os.readlink(os.path.join(fds, e)) == sys.argv[2] for e in os.listdir(fds))
    except OSError: return False
for _ in range(500):
    if holds(): break
    time.sleep(0.01)
while holds(): time.sleep(0.01)
d = open(sys.argv[2], "rb"); open(sys.argv[3], "w").write("x"); lock.close(); time.sleep(60)' \
		"$VPMEMCTL_STATE_DIR/lock" "$VPMEMCTL_DEV_DIR/dax0.0" "$SCRATCH/opened" "$RELEASE" &
	HOLDER=$!
	rc=0
	wait "$RELEASE" || rc=$?
	RELEASE=
	[ -s "$SCRATCH/opened" ]
	run cat "$SCRATCH/out"
	[ "$rc" -eq 6 ]
	assert_output --partial "namespace ns0 ($VPMEMCTL_DEV_DIR/dax0.0) is open by pid $HOLDER (python3)"
	assert_output --partial "instance vm1 keeps its claim"
	run vpm inventory -f json
	run json_get 'd["namespaces"][0]["state"]'
	assert_output '"release-interrupted"'
}

@test "a release killed mid-scrub: claim and render-xml exit 3 naming the release, which finishes it" {
	big_standin dax0.0 384
	vpm claim vm1 6GB >/dev/null
	"$VPMEMCTL_BIN" -N "$NOVA_SPEC" release vm1 >/dev/null 2>&1 &
	RELEASE=$!
	wait_mark
	kill -9 "$RELEASE"
	wait "$RELEASE" || true
	RELEASE=
	run vpm claim vm1 6GB
	assert_failure 3
	assert_output --partial "may be partly zeroed; finish it with: vpmemctl release vm1"
	run vpm render-xml vm1
	assert_failure 3
	assert_output --partial "finish it with: vpmemctl release vm1"
	run vpm verify
	assert_output --partial "run vpmemctl release vm1 again"
	run vpm release vm1
	assert_success
	zero_file "$VPMEMCTL_DEV_DIR/dax0.0"
	run vpm claim vm1 6GB
	assert_success
}

@test "a small claim killed mid-scrub under the lock is marked too" {
	SHM="$(mktemp -d /dev/shm/vpmemctl-bats.XXXXXX)"
	export VPMEMCTL_DEV_DIR="$SHM" VPMEMCTL_HOST_SNAPSHOT="$SCRATCH/small.json"
	python3 - "$VPMEMCTL_HOST_SNAPSHOT" "$SHM/dax0.0" <<-'PY'
	import json, sys
	n = 768 << 20
	json.dump([{"dev": "namespace0.0", "mode": "devdax", "size": n, "name": "p0",
	            "uuid": "00000000-0000-0000-0000-000000000001", "numa_node": 0,
	            "daxregion": {"id": 0, "align": 4096, "devices": [{"chardev": "dax0.0"}]}}],
	          open(sys.argv[1], "w"))
	f = open(sys.argv[2], "wb"); f.write(b"\xa5" * 4096); f.seek(n - 4096); f.write(b"\xa5" * 4096)
	PY
	"$VPMEMCTL_BIN" -N 'P:p0' claim vm1 P >/dev/null
	"$VPMEMCTL_BIN" -N 'P:p0' release vm1 >/dev/null 2>&1 &
	RELEASE=$!
	wait_mark
	kill -9 "$RELEASE"
	wait "$RELEASE" || true
	RELEASE=
	run "$VPMEMCTL_BIN" -N 'P:p0' claim vm1 P
	assert_failure 3
	assert_output --partial "finish it with: vpmemctl release vm1"
}

# recreate NAME: the example host with NAME destroyed and re-created under
# the same name (a new uuid).
recreate() {
	python3 - "$EXAMPLE/ndctl-list.json" "$SCRATCH/recreated.json" "$1" <<-'PY'
	import json, sys
	d = json.load(open(sys.argv[1]))
	for n in d:
	    if n.get("name") == sys.argv[3]:
	        n["uuid"] = "11111111-2222-4333-8444-555555555555"
	json.dump(d, open(sys.argv[2], "w"))
	PY
	export VPMEMCTL_HOST_SNAPSHOT="$SCRATCH/recreated.json"
}

@test "a namespace re-created under its name since the claim is not zeroed; --force zeroes it" {
	vpm claim vm1 6GB >/dev/null
	was="$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["claims"][0]["namespaces"][0]["uuid"])' "$VPMEMCTL_STATE_DIR/state.json")"
	recreate ns0
	run vpm release vm1
	assert_failure 3
	assert_output --partial "namespace ns0 of instance vm1 was re-created since the claim: its uuid is 11111111-2222-4333-8444-555555555555, the claim recorded $was"
	assert_output --partial "vpmemctl release vm1 --force"
	run is_zero "$VPMEMCTL_DEV_DIR/dax0.0"
	assert_failure
	run vpm inventory -f json
	run json_get 'd["namespaces"][0]["state"]'
	assert_output '"recreated"'
	run vpm release vm1 --force
	assert_success
	is_zero "$VPMEMCTL_DEV_DIR/dax0.0"
}

@test "verify --repair leaves a quarantined namespace re-created since alone, and says so" {
	python3 - "$VPMEMCTL_STATE_DIR/state.json" <<-'PY'
	import json, os, sys
	os.makedirs(os.path.dirname(sys.argv[1]), exist_ok=True)
	json.dump({"version": 1, "generation": 1, "claims": [], "quarantine": [
	    {"name": "ns1", "uuid": "8b4c2d3f-0000-4000-8000-000000000000",
	     "reason": "media error", "since": "2026-11-27T13:18:43Z"}]},
	    open(sys.argv[1], "w"))
	PY
	run vpm verify --repair
	assert_output --partial "cannot repair ns1: it was re-created since it was quarantined"
	run is_zero "$VPMEMCTL_DEV_DIR/dax0.1"
	assert_failure
	run vpm inventory -f json
	run json_get 'd["namespaces"][1]["state"]'
	assert_output '"quarantined"'
}

@test "a zombie releaser is not a live one" {
	vpm claim vm1 6GB >/dev/null
	# a parent that does not reap its child: the child stays a zombie
	python3 -c 'import os,sys,time
pid = os.fork()
if pid == 0: os._exit(0)
time.sleep(0.3); print(pid, flush=True); time.sleep(60)' >"$SCRATCH/zombie" &
	HOLDER=$!
	for _ in $(seq 50); do [ -s "$SCRATCH/zombie" ] && break; sleep 0.05; done
	z="$(cat "$SCRATCH/zombie")"
	grep -q ') Z ' "/proc/$z/stat"
	mark_releasing "$z" "$(start_time "$z")"
	run vpm release vm1
	assert_success
	is_zero "$VPMEMCTL_DEV_DIR/dax0.0"
}

@test "a mark without a start time does not pass for a live releaser" {
	vpm claim vm1 6GB >/dev/null
	sleep 60 &
	HOLDER=$!
	mark_releasing "$HOLDER" 0
	run vpm release vm1
	assert_success
	is_zero "$VPMEMCTL_DEV_DIR/dax0.0"
}

@test "vpmemctl-release behaves as vpmemctl release" {
	vpm claim vm1 6GB >/dev/null
	run "$(dirname "$VPMEMCTL_BIN")/vpmemctl-release" -N "$NOVA_SPEC" vm1
	assert_success
	is_zero "$VPMEMCTL_DEV_DIR/dax0.0"
}

# claim_of INSTANCE: the state's claim of INSTANCE as JSON (null if none).
claim_of() {
	python3 - "$VPMEMCTL_STATE_DIR/state.json" "$1" <<-'PY'
	import json, sys
	s = json.load(open(sys.argv[1]))
	print(json.dumps(next((c for c in s["claims"] if c["instance"] == sys.argv[2]), None),
	                 sort_keys=True))
	PY
}

@test "--keep zeroes every namespace and keeps the claim: same namespaces, labels and created" {
	vpm claim vm1 '6GB,LARGE' >/dev/null
	before="$(claim_of vm1)"
	run vpm release vm1 --keep -f json
	assert_success
	run json_get '[(n["name"], n["scrubbed"], n["bytes"], n["state"]) for n in d["namespaces"]]'
	assert_output '[["ns0", true, 1048576, "claimed"], ["ns3", true, 1048576, "claimed"]]'
	is_zero "$VPMEMCTL_DEV_DIR/dax0.0"
	is_zero "$VPMEMCTL_DEV_DIR/dax1.0"
	run is_zero "$VPMEMCTL_DEV_DIR/dax0.1"
	assert_failure
	[ "$(claim_of vm1)" = "$before" ]
	run vpm inventory -l -f json
	run json_get '[(n["name"], n["state"], n["instance"]) for n in d["namespaces"]]'
	assert_output '[["ns0", "claimed", "vm1"], ["ns1", "free", null], ["ns2", "free", null], ["ns3", "claimed", "vm1"]]'
	run --separate-stderr vpm claim vm1 '6GB,LARGE' -f json
	assert_success
	run json_get '(d["created"], [n["name"] for n in d["namespaces"]])'
	assert_output '[false, ["ns0", "ns3"]]'
}

@test "--keep prints state claimed in its table" {
	vpm claim vm1 6GB >/dev/null
	run vpm release vm1 --keep
	assert_success
	assert_output --regexp 'vm1 +ns0 .* yes .* claimed'
}

@test "--keep with --no-scrub is a usage error" {
	vpm claim vm1 6GB >/dev/null
	run vpm release vm1 --keep --no-scrub
	assert_failure 2
	assert_output --partial "--keep zeroes the namespaces; it cannot go with --no-scrub"
	run is_zero "$VPMEMCTL_DEV_DIR/dax0.0"
	assert_failure
}

@test "--keep is refused while a process holds a device: nothing zeroed, claim unmarked" {
	vpm claim vm1 '6GB,LARGE' >/dev/null
	before="$(claim_of vm1)"
	sleep 60 3<"$VPMEMCTL_DEV_DIR/dax1.0" &
	HOLDER=$!
	wait_exec "$HOLDER" sleep
	run vpm release vm1 --keep
	assert_failure 6
	assert_output --partial "namespace ns3 ($VPMEMCTL_DEV_DIR/dax1.0) is open by pid $HOLDER (sleep)"
	run is_zero "$VPMEMCTL_DEV_DIR/dax0.0"
	assert_failure
	run is_zero "$VPMEMCTL_DEV_DIR/dax1.0"
	assert_failure
	[ "$(claim_of vm1)" = "$before" ]
}

@test "--keep refuses a namespace re-created since the claim unless --force" {
	vpm claim vm1 6GB >/dev/null
	recreate ns0
	run vpm release vm1 --keep
	assert_failure 3
	assert_output --partial "was re-created since the claim"
	run is_zero "$VPMEMCTL_DEV_DIR/dax0.0"
	assert_failure
	run vpm release vm1 --keep --force
	assert_success
	is_zero "$VPMEMCTL_DEV_DIR/dax0.0"
	run vpm inventory -l -f json
	run json_get 'd["namespaces"][0]["instance"]'
	assert_output '"vm1"'
	# zeroed for this guest, the claim records the uuid it has now
	run vpm render-xml vm1
	assert_success
}

@test "--keep --dry-run zeroes nothing" {
	vpm claim vm1 6GB >/dev/null
	before="$(claim_of vm1)"
	run vpm release vm1 --keep --dry-run
	assert_success
	assert_output --partial "would be scrubbed and kept"
	run is_zero "$VPMEMCTL_DEV_DIR/dax0.0"
	assert_failure
	[ "$(claim_of vm1)" = "$before" ]
}

@test "--keep killed mid-scrub: claim and render-xml exit 3 naming the release; release finishes it" {
	big_standin dax0.0 384
	vpm claim vm1 6GB >/dev/null
	"$VPMEMCTL_BIN" -N "$NOVA_SPEC" release vm1 --keep >/dev/null 2>&1 &
	RELEASE=$!
	wait_mark
	kill -9 "$RELEASE"
	wait "$RELEASE" || true
	RELEASE=
	run vpm claim vm1 6GB
	assert_failure 3
	assert_output --partial "may be partly zeroed; finish it with: vpmemctl release vm1 --keep"
	run vpm render-xml vm1
	assert_failure 3
	assert_output --partial "finish it with: vpmemctl release vm1 --keep"
	run vpm release vm1
	assert_success
	zero_file "$VPMEMCTL_DEV_DIR/dax0.0"
	[ "$(claim_of vm1)" = null ]
}

@test "--keep killed mid-scrub is finished by release --keep too, claim kept" {
	big_standin dax0.0 384
	vpm claim vm1 6GB >/dev/null
	before="$(claim_of vm1)"
	"$VPMEMCTL_BIN" -N "$NOVA_SPEC" release vm1 --keep >/dev/null 2>&1 &
	RELEASE=$!
	wait_mark
	kill -9 "$RELEASE"
	wait "$RELEASE" || true
	RELEASE=
	run vpm release vm1 --keep
	assert_success
	zero_file "$VPMEMCTL_DEV_DIR/dax0.0"
	[ "$(claim_of vm1)" = "$before" ]
	run vpm render-xml vm1
	assert_success
}

@test "--keep with a failed scrub quarantines it and leaves the claim marked, refused until repaired" {
	vpm claim vm1 '6GB,LARGE' >/dev/null
	mv "$VPMEMCTL_DEV_DIR/dax0.0" "$SCRATCH/dax0.0"
	run vpm release vm1 --keep
	assert_failure 1
	assert_output --partial "scrub of ns0 failed"
	assert_output --partial "the namespace is quarantined"
	assert_output --partial "instance vm1 keeps its claim, marked as not whole"
	is_zero "$VPMEMCTL_DEV_DIR/dax1.0"
	run vpm inventory -l -f json
	run json_get '[n["state"] for n in d["namespaces"]]'
	assert_output '["quarantined", "free", "free", "release-interrupted"]'
	run vpm claim vm1 '6GB,LARGE'
	assert_failure 3
	assert_output --partial "vpmemctl release vm1 --keep"
	mv "$SCRATCH/dax0.0" "$VPMEMCTL_DEV_DIR/dax0.0"
	run vpm release vm1 --keep
	assert_success
	is_zero "$VPMEMCTL_DEV_DIR/dax0.0"
	run vpm inventory -l -f json
	run json_get '[n["state"] for n in d["namespaces"]]'
	assert_output '["claimed", "free", "free", "claimed"]'
	run vpm claim vm1 '6GB,LARGE'
	assert_success
}
