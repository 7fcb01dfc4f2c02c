#!/usr/bin/env bats
# The state's promises: a namespace never goes to two instances, a committed
# claim is never lost, a damaged or unsafe state is never overwritten.

bats_require_minimum_version 1.5.0
load helpers

setup() { common_setup; }

teardown() {
	if [ -n "${MNT:-}" ]; then umount "$MNT" 2>/dev/null || true; fi
}

state_sum() { sha256sum "$VPMEMCTL_STATE_DIR/state.json" | cut -d' ' -f1; }

@test "64 processes claiming at once against 32 namespaces: 32 grants, 32 exit 4, each namespace once" {
	gen_host 32
	for i in $(seq 64); do
		# (bats runs with errexit: a plain "cmd; echo $?" would not echo)
		( rc=0; "$VPMEMCTL_BIN" --lock-timeout 120 claim "vm$i" P -f json \
			>"$SCRATCH/out.$i" 2>"$SCRATCH/err.$i" || rc=$?; echo "$rc" >"$SCRATCH/rc.$i" ) &
	done
	wait
	[ "$(cat "$SCRATCH"/rc.* | grep -c '^0$')" -eq 32 ]
	[ "$(cat "$SCRATCH"/rc.* | grep -c '^4$')" -eq 32 ]
	run python3 -c 'import json,sys; s=json.load(open(sys.argv[1])); names=[n["name"] for c in s["claims"] for n in c["namespaces"]]; print(len(s["claims"]), len(names), len(set(names)))' "$VPMEMCTL_STATE_DIR/state.json"
	assert_output '32 32 32'
	run "$VPMEMCTL_BIN" inventory -f json
	run json_get '(d["resource_classes"][0]["used"], d["resource_classes"][0]["free"])'
	assert_output '[32, 0]'
}

@test "claims and releases killed at random hundreds of times never corrupt, duplicate or lose" {
	gen_host 8
	run python3 "$BATS_TEST_DIRNAME/crash.py" "$VPMEMCTL_BIN" 300 "${CRASH_SEED:-$RANDOM}"
	echo "$output"
	assert_success
	assert_output --partial "iterations 300"
	refute_output --partial "PROBLEM"
}

@test "a truncated state file is an error naming it, and it is left as it was" {
	standins
	vpm claim vm1 6GB >/dev/null
	head -c 40 "$VPMEMCTL_STATE_DIR/state.json" >"$SCRATCH/t" && cat "$SCRATCH/t" >"$VPMEMCTL_STATE_DIR/state.json"
	before=$(state_sum)
	run vpm claim vm2 6GB
	assert_failure 1
	assert_output --partial "state file $VPMEMCTL_STATE_DIR/state.json: not valid JSON"
	[ "$(state_sum)" = "$before" ]
	run vpm release vm1
	assert_failure 1
	[ "$(state_sum)" = "$before" ]
	run vpm inventory
	assert_failure 1
}

@test "a corrupt state file (not a state) is an error, and it is left as it was" {
	standins
	echo '{"version": 1, "generation": 3, "claims": "nope"}' >"$VPMEMCTL_STATE_DIR/state.json"
	before=$(state_sum)
	run vpm claim vm1 6GB
	assert_failure 1
	assert_output --partial "\"claims\" is not an array"
	[ "$(state_sum)" = "$before" ]
}

@test "a state written by a newer vpmemctl is refused and left as it was" {
	echo '{"version": 99, "generation": 3, "claims": []}' >"$VPMEMCTL_STATE_DIR/state.json"
	before=$(state_sum)
	run vpm claim vm1 6GB
	assert_failure 1
	assert_output --partial "written by a newer vpmemctl"
	[ "$(state_sum)" = "$before" ]
}

@test "a state file replaced by a symlink is refused and its target untouched" {
	standins
	vpm claim vm1 6GB >/dev/null
	echo precious >"$SCRATCH/target"
	rm "$VPMEMCTL_STATE_DIR/state.json"
	ln -s "$SCRATCH/target" "$VPMEMCTL_STATE_DIR/state.json"
	run vpm claim vm2 6GB
	assert_failure 1
	assert_output --partial "state file $VPMEMCTL_STATE_DIR/state.json is a symbolic link"
	[ "$(cat "$SCRATCH/target")" = precious ]
	[ -L "$VPMEMCTL_STATE_DIR/state.json" ]
}

@test "a state directory writable by others is refused" {
	chmod 0777 "$VPMEMCTL_STATE_DIR"
	run vpm claim vm1 6GB
	assert_failure 1
	assert_output --partial "must be owned by uid 0 and not writable by group or others"
	[ ! -e "$VPMEMCTL_STATE_DIR/state.json" ]
}

@test "a state directory that is a symlink is refused" {
	mkdir -m 0700 "$SCRATCH/real"
	rmdir "$VPMEMCTL_STATE_DIR"
	ln -s "$SCRATCH/real" "$VPMEMCTL_STATE_DIR"
	run vpm claim vm1 6GB
	assert_failure 1
	assert_output --partial "is not a directory (or is a symbolic link)"
}

@test "a full disk fails the claim cleanly and keeps the old state" {
	standins
	MNT="$SCRATCH/small"
	mkdir -p "$MNT"
	mount -t tmpfs -o size=64k,mode=0700 tmpfs "$MNT"
	export VPMEMCTL_STATE_DIR="$MNT"
	vpm claim vm1 6GB >/dev/null
	before=$(state_sum)
	dd if=/dev/zero of="$MNT/filler" bs=4k 2>/dev/null || true
	run vpm claim vm2 6GB
	assert_failure 1
	assert_output --partial "cannot write state file $MNT/state.json: No space left on device; the previous state is unchanged"
	[ "$(state_sum)" = "$before" ]
	[ -z "$(find "$MNT" -name '*.tmp')" ]
	rm "$MNT/filler"
	run vpm claim vm2 6GB
	assert_success
}

@test "a read-only state directory fails the claim cleanly and keeps the old state" {
	standins
	MNT="$SCRATCH/ro"
	mkdir -p "$MNT"
	mount -t tmpfs -o size=1m,mode=0700 tmpfs "$MNT"
	export VPMEMCTL_STATE_DIR="$MNT"
	vpm claim vm1 6GB >/dev/null
	before=$(state_sum)
	mount -o remount,ro "$MNT"
	run vpm claim vm2 6GB
	assert_failure 1
	assert_output --partial "Read-only file system"
	[ "$(state_sum)" = "$before" ]
	run vpm inventory -f json
	assert_success
}

@test "a held lock makes a change wait, then give up with exit 5" {
	standins
	flock "$VPMEMCTL_STATE_DIR/lock" sleep 5 &
	HOLD=$!
	wait_locked "$VPMEMCTL_STATE_DIR/lock"
	run vpm claim vm1 6GB --lock-timeout 0.5
	kill "$HOLD" 2>/dev/null || true
	assert_failure 5
	assert_output --partial "gave up after 0.5 seconds"
	[ ! -e "$VPMEMCTL_STATE_DIR/state.json" ]
}

@test "inventory reads the state without the lock" {
	standins
	vpm claim vm1 6GB >/dev/null
	flock "$VPMEMCTL_STATE_DIR/lock" sleep 5 &
	HOLD=$!
	wait_locked "$VPMEMCTL_STATE_DIR/lock"
	run vpm inventory -f json --lock-timeout 0
	kill "$HOLD" 2>/dev/null || true
	assert_success
}

@test "a FIFO at state.json is refused at once, naming it, by every command" {
	standins
	mkfifo "$VPMEMCTL_STATE_DIR/state.json"
	for cmd in "claim vm1 6GB" "release vm1" "inventory" "render-xml vm1"; do
		run timeout 5 "$VPMEMCTL_BIN" -N "$NOVA_SPEC" $cmd
		assert_failure 1
		assert_output --partial "state file $VPMEMCTL_STATE_DIR/state.json is not a regular file"
	done
	[ -p "$VPMEMCTL_STATE_DIR/state.json" ]
}

@test "a FIFO at the lock file is refused at once, naming it" {
	standins
	mkfifo "$VPMEMCTL_STATE_DIR/lock"
	run timeout 5 "$VPMEMCTL_BIN" -N "$NOVA_SPEC" claim vm1 6GB
	assert_failure 1
	assert_output --partial "lock file $VPMEMCTL_STATE_DIR/lock is not a regular file"
	[ ! -e "$VPMEMCTL_STATE_DIR/state.json" ]
}

@test "a NUL byte in the state file is an error naming the file and the offset" {
	standins
	vpm claim vm1 6GB >/dev/null
	python3 -c 'import sys; p=sys.argv[1]; d=open(p,"rb").read(); open(p,"wb").write(d[:-1] + b"\0" + b"\n")' \
		"$VPMEMCTL_STATE_DIR/state.json"
	before=$(state_sum)
	size=$(stat -c %s "$VPMEMCTL_STATE_DIR/state.json")
	run vpm claim vm2 6GB
	assert_failure 1
	assert_output --partial "state file $VPMEMCTL_STATE_DIR/state.json has a NUL byte at offset $((size - 2))"
	[ "$(state_sum)" = "$before" ]
}

@test "a stale temporary of state.json (its writer killed) is removed by the next commit; a live one is kept" {
	standins
	vpm claim vm1 6GB >/dev/null
	: >"$VPMEMCTL_STATE_DIR/.state.json.999999999.tmp"
	sleep 30 & live=$!
	: >"$VPMEMCTL_STATE_DIR/.state.json.$live.tmp"
	vpm claim vm2 6GB >/dev/null
	[ ! -e "$VPMEMCTL_STATE_DIR/.state.json.999999999.tmp" ]
	[ -e "$VPMEMCTL_STATE_DIR/.state.json.$live.tmp" ]
	kill "$live"
}

@test "members the state does not know are kept and written back by the next commit" {
	standins
	vpm claim vm1 6GB >/dev/null
	python3 - "$VPMEMCTL_STATE_DIR/state.json" <<-'PY'
	import json, sys
	p = sys.argv[1]; d = json.load(open(p))
	d["future_top"] = {"a": [1, 2, "x"]}
	d["claims"][0]["future_claim"] = "kept"
	d["claims"][0]["namespaces"][0]["future_ns"] = 7
	d["quarantine"] = [{"name": "ns9", "reason": "scrub failed", "future_q": None}]
	json.dump(d, open(p, "w"))
	PY
	vpm claim vm2 LARGE >/dev/null
	run python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); c=[c for c in d["claims"] if c["instance"]=="vm1"][0]; print(d["future_top"], c["future_claim"], c["namespaces"][0]["future_ns"], d["quarantine"][0]["future_q"], len(d["claims"]))' "$VPMEMCTL_STATE_DIR/state.json"
	assert_output "{'a': [1, 2, 'x']} kept 7 None 2"
}

@test "a missing state directory is an error for every command, naming it and how to make it; nothing is made" {
	standins
	vpm claim vm1 6GB >/dev/null
	mv "$VPMEMCTL_STATE_DIR" "$SCRATCH/real-state"
	for cmd in "claim vm2 6GB" "claim vm2 6GB --dry-run" "claim vm1 LARGE --replace --dry-run" \
		"inventory" "release vm1" "release vm1 --dry-run" "render-xml vm1"; do
		run "$VPMEMCTL_BIN" -N "$NOVA_SPEC" $cmd
		assert_failure 1
		assert_output --partial "state directory $VPMEMCTL_STATE_DIR does not exist; create it (install -d -m 0700 $VPMEMCTL_STATE_DIR) or give the right one (--state-dir, VPMEMCTL_STATE_DIR, state_dir in the configuration)"
		[ ! -e "$VPMEMCTL_STATE_DIR" ]
	done
	# a mistyped one, with its parents
	run vpm -s "$SCRATCH/nonexistnt/dir" claim vm2 6GB
	assert_failure 1
	assert_output --partial "state directory $SCRATCH/nonexistnt/dir does not exist"
	[ ! -e "$SCRATCH/nonexistnt" ]
	# verify: critical, the state cannot be read
	run --separate-stderr vpm verify -f json
	assert_failure 2
	run json_get '[f["code"] for f in d["findings"]]'
	assert_output '["state-unreadable"]'
	[ ! -e "$VPMEMCTL_STATE_DIR" ]
}

# state_under DIR: a state directory DIR/state (mode 0700), used.
state_under() {
	mkdir -p "$1/state"
	chmod 0700 "$1/state"
	export VPMEMCTL_STATE_DIR="$1/state"
}

@test "a state directory whose parent others can write (no sticky bit) is refused, naming it, by every command" {
	standins
	state_under "$SCRATCH/open"
	real=$(realpath "$SCRATCH/open")
	for mode in 0777 0775 0757; do
		chmod "$mode" "$SCRATCH/open"
		for cmd in "claim vm1 6GB" "inventory" "release vm1 --dry-run"; do
			run "$VPMEMCTL_BIN" -N "$NOVA_SPEC" $cmd
			assert_failure 1
			assert_output --partial "state directory $VPMEMCTL_STATE_DIR is unsafe: its ancestor $real is owned by uid 0 with mode $mode"
		done
	done
	[ ! -e "$VPMEMCTL_STATE_DIR/state.json" ]
	# further up, and taken against the working directory when relative
	chmod 0755 "$SCRATCH/open"
	mkdir -p "$SCRATCH/open/a/b"
	chmod 0777 "$SCRATCH/open"
	mkdir -m 0700 "$SCRATCH/open/a/b/state"
	cd "$SCRATCH/open/a"
	run vpm -s b/state claim vm1 6GB
	assert_failure 1
	assert_output --partial "state directory b/state is unsafe: its ancestor $real is owned by uid 0 with mode 0777"
	[ ! -e "$SCRATCH/open/a/b/state/state.json" ]
}

@test "a sticky ancestor writable by all, as /tmp is, is accepted" {
	standins
	state_under "$SCRATCH/sticky"
	chmod 1777 "$SCRATCH/sticky"
	run vpm claim vm1 6GB
	assert_success
	[ -s "$VPMEMCTL_STATE_DIR/state.json" ]
}

@test "a state directory whose ancestor another user owns is refused, naming it" {
	standins
	state_under "$SCRATCH/theirs"
	chown nobody "$SCRATCH/theirs"
	run vpm claim vm1 6GB
	assert_failure 1
	assert_output --partial "its ancestor $(realpath "$SCRATCH/theirs") is owned by uid $(id -u nobody) with mode 0755"
	[ ! -e "$VPMEMCTL_STATE_DIR/state.json" ]
	run vpm inventory
	assert_failure 1
}

@test "symbolic links on the way to the state directory: where they lead and where they sit are checked" {
	standins
	mkdir -m 0700 "$SCRATCH/safe" "$SCRATCH/open"
	mkdir -m 0700 "$SCRATCH/safe/state" "$SCRATCH/open/real" "$SCRATCH/open/real/state"
	chmod 0777 "$SCRATCH/open"
	open=$(realpath "$SCRATCH/open")
	# a link to a directory under an open one
	ln -s "$SCRATCH/open/real" "$SCRATCH/to-open"
	run vpm -s "$SCRATCH/to-open/state" claim vm1 6GB
	assert_failure 1
	assert_output --partial "its ancestor $open is owned by uid 0 with mode 0777"
	# a link in an open directory (anyone can replace it), to a safe one
	ln -s "$SCRATCH/safe" "$SCRATCH/open/to-safe"
	run vpm -s "$SCRATCH/open/to-safe/state" claim vm1 6GB
	assert_failure 1
	assert_output --partial "its ancestor $open is owned by uid 0 with mode 0777"
	[ ! -e "$SCRATCH/safe/state/state.json" ] && [ ! -e "$SCRATCH/open/real/state/state.json" ]
	# a link in a safe directory, to a safe one
	ln -s "$SCRATCH/safe" "$SCRATCH/to-safe"
	run vpm -s "$SCRATCH/to-safe/state" claim vm1 6GB
	assert_success
}
