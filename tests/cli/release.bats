#!/usr/bin/env bats
bats_require_minimum_version 1.5.0
# vpmemctl release: zero, then free; never under a process using the device.

load helpers

setup() { common_setup; standins; }

teardown() {
	[ -z "${HOLDER:-}" ] || kill "$HOLDER" 2>/dev/null || true
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

@test "--jobs 2 scrubs a large namespace with two threads, every chunk zeroed" {
	vpm claim vm1 LARGE >/dev/null
	# 640 MiB: three 256 MiB chunks; a pattern at the start, middle and end
	python3 - "$VPMEMCTL_DEV_DIR/dax1.0" <<-'PY'
	import sys
	with open(sys.argv[1], "wb") as f:
	    f.truncate(640 << 20)
	    for off in (0, 300 << 20, (640 << 20) - 4096):
	        f.seek(off); f.write(b"\xa5" * 4096)
	PY
	run --separate-stderr vpm release vm1 --jobs 2 -f json
	assert_success
	run json_get '[(n["jobs"], n["bytes"], n["scrubbed"]) for n in d["namespaces"]]'
	assert_output '[[2, 671088640, true]]'
	is_zero "$VPMEMCTL_DEV_DIR/dax1.0"
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
	run script -qec "$VPMEMCTL_BIN -N '$NOVA_SPEC' release vm1" /dev/null
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
	sleep 0.2
	run vpm release vm1 --no-scrub
	assert_failure 1
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
	sleep 0.2
	run vpm release vm1
	assert_failure 1
	assert_output --partial "namespace ns0 ($VPMEMCTL_DEV_DIR/dax0.0) is open by pid $HOLDER (sleep)"
	run is_zero "$VPMEMCTL_DEV_DIR/dax0.0"
	assert_failure
	run vpm inventory -f json
	run json_get 'd["namespaces"][0]["instance"]'
	assert_output '"vm1"'
}

@test "a device opened while the release waits for the state lock is seen: the check comes after the lock" {
	vpm claim vm1 6GB >/dev/null
	# another vpmemctl's lock, held for 1.5 s
	python3 -c 'import fcntl,sys,time; f=open(sys.argv[1],"w"); fcntl.flock(f,fcntl.LOCK_EX); open(sys.argv[2],"w").write("x"); time.sleep(1.5)' \
		"$VPMEMCTL_STATE_DIR/lock" "$SCRATCH/locked" &
	LOCKER=$!
	for _ in $(seq 50); do [ -s "$SCRATCH/locked" ] && break; sleep 0.1; done
	vpm release vm1 >"$SCRATCH/out" 2>&1 &
	RELEASE=$!
	sleep 0.5
	sleep 60 3<"$VPMEMCTL_DEV_DIR/dax0.0" &
	HOLDER=$!
	rc=0
	wait "$RELEASE" || rc=$?
	wait "$LOCKER"
	[ "$rc" -eq 1 ]
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
	assert_failure 1
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
	assert_failure 1
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
	sleep 0.2
	run vpm release vm1
	assert_failure 1
	assert_output --partial "namespace ns0 ($VPMEMCTL_DEV_DIR/dax0.0) is open by pid $HOLDER (sleep)"
}

@test "--force scrubs a namespace in use" {
	vpm claim vm1 6GB >/dev/null
	sleep 60 3<"$VPMEMCTL_DEV_DIR/dax0.0" &
	HOLDER=$!
	sleep 0.2
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

@test "a release in progress elsewhere makes a second release fail, claim kept" {
	vpm claim vm1 6GB >/dev/null
	sleep 60 &
	HOLDER=$!
	mark_releasing "$HOLDER" "$(start_time "$HOLDER")"
	run vpm release vm1
	assert_failure 1
	assert_output --partial "instance vm1 is being released by pid $HOLDER"
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

@test "vpmemctl-release behaves as vpmemctl release" {
	vpm claim vm1 6GB >/dev/null
	run "$(dirname "$VPMEMCTL_BIN")/vpmemctl-release" -N "$NOVA_SPEC" vm1
	assert_success
	is_zero "$VPMEMCTL_DEV_DIR/dax0.0"
}
