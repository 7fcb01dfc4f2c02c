#!/usr/bin/env bats
# Which device a namespace is: a host description cannot point the scrub at
# anything but a device-dax node (or a regular file standing in for one).

load helpers
bats_require_minimum_version 1.5.0

setup() {
	common_setup
	standins
}

# snapshot_with NS CHARDEV [NS2 CHARDEV2]: the example host with those
# namespaces' character devices renamed; exports VPMEMCTL_HOST_SNAPSHOT.
snapshot_with() {
	python3 - "$EXAMPLE/ndctl-list.json" "$SCRATCH/host.json" "$@" <<-'PY'
	import json, sys
	src, out, *pairs = sys.argv[1:]
	nss = json.load(open(src))
	for name, cd in zip(pairs[0::2], pairs[1::2]):
	    for ns in nss:
	        if ns.get("name") == name:
	            ns["daxregion"]["devices"][0]["chardev"] = cd
	json.dump(nss, open(out, "w"))
	PY
	export VPMEMCTL_HOST_SNAPSHOT="$SCRATCH/host.json"
}

# claim_by_hand INSTANCE NS: a state in which INSTANCE holds NS, written
# before the host description changes.
claim_by_hand() {
	vpm claim "$1" 6GB >/dev/null
}

@test "a snapshot naming /dev/zero as a namespace's device: nothing is zeroed through it, ever" {
	claim_by_hand vm1 ns0
	snapshot_with ns0 zero
	# a stand-in called zero in dev_dir: it must keep its bytes
	python3 -c 'import sys; open(sys.argv[1], "wb").write(b"\xa5" * 4096)' "$VPMEMCTL_DEV_DIR/zero"
	# release: the namespace is not zeroed but quarantined (out of use until
	# verify --repair can zero it through its own device), exit 1
	run vpm release vm1
	assert_failure 1
	assert_output --partial "character device 'zero' is not a device-dax name (daxR.N)"
	assert_output --partial "namespace ns0 cannot be zeroed as the host describes it (bad-device"
	run is_zero "$VPMEMCTL_DEV_DIR/zero"
	assert_failure
	run vpm verify --repair --dev-dir /dev
	assert_output --partial "cannot repair ns0: the host gives no device to zero it through (bad-device)"
	run is_zero "$VPMEMCTL_DEV_DIR/zero"
	assert_failure
	# claim passes it by: the other two of 6GB, then no more
	run vpm claim vm2 6GB,6GB --dev-dir /dev
	assert_success
	run vpm claim vm3 6GB --dev-dir /dev
	assert_failure 4
	assert_output --partial "'zero' is not a device-dax name"
}

@test "chardev names that climb out of dev_dir are never handed out" {
	for cd in ../x dax0.0/../x dax0.0/ dax0 dax.0 daxa.0 dax0.0x mem fb0; do
		snapshot_with ns0 "$cd"
		# a snapshot with a path in it is refused whole (1); a name that is
		# not daxR.N leaves that namespace out (4: two of three)
		run vpm claim vm1 6GB,6GB,6GB
		[ "$status" -eq 1 ] || [ "$status" -eq 4 ]
		[[ "$output" == *"'$cd'"* ]] || [[ "$output" == *"\"$cd\""* ]]
	done
}

@test "verify reports a chardev that is not a device-dax name as an error" {
	snapshot_with ns0 mem
	run --separate-stderr vpm verify -f json
	assert_failure 2
	run json_get '[(f["severity"], f["code"], f["subject"]) for f in d["findings"] if f["code"] == "host-bad-chardev"]'
	assert_output '[["error", "host-bad-chardev", "6GB/ns0"]]'
}

@test "two namespaces naming one character device are refused, each naming the other" {
	snapshot_with ns1 dax0.0
	run vpm claim vm1 6GB,6GB
	assert_failure 4
	assert_output --partial "namespace 'ns0' (namespace0.0) and namespace 'ns1' (namespace0.1) both name character device 'dax0.0'"
	assert_output --partial "namespace 'ns1' (namespace0.1) and namespace 'ns0' (namespace0.0) both name character device 'dax0.0'"
	run --separate-stderr vpm inventory -l -f json
	run json_get '[n["state"] for n in d["namespaces"]]'
	assert_output '["shared-device", "shared-device", "free", "free"]'
	run --separate-stderr vpm verify -f json
	assert_failure 2
	run json_get '[(f["code"], f["subject"]) for f in d["findings"] if f["code"] == "host-shared-chardev"]'
	assert_output '[["host-shared-chardev", "6GB/ns0"], ["host-shared-chardev", "6GB/ns1"]]'
}

@test "a character device that is not dax is refused for scrubbing, and verify says so" {
	vpm claim vm1 6GB >/dev/null
	# dax0.0 becomes a node of /dev/full's device (subsystem mem)
	rm "$VPMEMCTL_DEV_DIR/dax0.0"
	mknod "$VPMEMCTL_DEV_DIR/dax0.0" c "$(stat -c '%t' /dev/full | xargs printf '%d')" \
		"$(stat -c '%T' /dev/full | xargs printf '%d')"
	run --separate-stderr vpm verify -f json
	assert_failure 2
	run json_get '[(f["code"], f["subject"]) for f in d["findings"] if f["code"] == "host-device-not-namespace"]'
	assert_output '[["host-device-not-namespace", "6GB/ns0"]]'
	run vpm release vm1
	assert_failure 1
	assert_output --partial "$VPMEMCTL_DEV_DIR/dax0.0 is not the namespace's device: character device 1:7 of subsystem mem, not a dax device"
}

@test "a symbolic link in place of a device is not followed by the scrub" {
	vpm claim vm1 6GB >/dev/null
	mv "$VPMEMCTL_DEV_DIR/dax0.0" "$SCRATCH/victim"
	ln -s "$SCRATCH/victim" "$VPMEMCTL_DEV_DIR/dax0.0"
	run vpm release vm1
	assert_failure 1
	assert_output --partial "is not the namespace's device"
	run is_zero "$SCRATCH/victim"
	assert_failure
}
