#!/usr/bin/env bats
# Every claim and release is also logged to syslog: checked against a
# listener on /dev/log in a private mount namespace.

load helpers

setup() { common_setup; standins; }

teardown() {
	if [ -n "${MNT:-}" ]; then umount "$MNT" 2>/dev/null || true; fi
}

@test "claims and releases are logged to syslog with instance, namespaces, outcome and who ran them" {
	logged '"$VPMEMCTL_BIN" -N "$NOVA_SPEC" claim vm1 6GB,LARGE >/dev/null
		SUDO_USER=alice "$VPMEMCTL_BIN" -N "$NOVA_SPEC" release vm1 >/dev/null'
	run cat "$SCRATCH/syslog"
	# the login user when there is one, else the real user (root here)
	local uid
	uid=$(cat /proc/self/loginuid)
	[ "$uid" != 4294967295 ] || uid=$(id -u)
	assert_line --regexp "vpmemctl\\[[0-9]+\\]: claim instance=vm1 namespaces=ns0,ns3 outcome=claimed user=$(id -un "$uid")\$"
	# run through sudo, the user who ran sudo
	assert_line --regexp 'vpmemctl\[[0-9]+\]: release instance=vm1 namespaces=ns0,ns3 scrub=done outcome=released user=alice$'
}

@test "a repair whose state cannot be written is logged as failed, not scrubbed" {
	MNT="$SCRATCH/small"
	mkdir -p "$MNT"
	mount -t tmpfs -o size=64k,mode=0700 tmpfs "$MNT"
	export VPMEMCTL_STATE_DIR="$MNT"
	vpm claim vm1 6GB >/dev/null
	mv "$VPMEMCTL_DEV_DIR/dax0.0" "$SCRATCH/away"
	vpm release vm1 >/dev/null 2>&1 || true
	mv "$SCRATCH/away" "$VPMEMCTL_DEV_DIR/dax0.0"
	# the disk full: the scrub runs, the state that says so cannot be written
	dd if=/dev/zero of="$MNT/filler" bs=4k 2>/dev/null || true
	logged '"$VPMEMCTL_BIN" -N "$NOVA_SPEC" verify --repair >"$VPMEMCTL_STATE_DIR/../out" 2>&1 || true'
	run cat "$SCRATCH/syslog"
	assert_line --regexp 'vpmemctl\[[0-9]+\]: repair namespace=ns0 outcome=failed user=[^ ]+$'
	refute_output --partial 'outcome=scrubbed'
	rm "$MNT/filler"
	run vpm inventory -f json
	run json_get 'd["namespaces"][0]["state"]'
	assert_output '"quarantined"'
}
