#!/usr/bin/env bats
# vpmemctl-libvirt-hook, run as libvirt runs it: `HOOK DOMAIN OPERATION
# SUB-OPERATION -` with the domain XML on stdin (a pipe). prepare begin lets a
# domain start only on namespaces it holds; migrate begin claims namespaces
# on the destination and points the devices at them; every other event
# passes at once.

bats_require_minimum_version 1.5.0
load helpers

setup() {
	common_setup
	standins
	export VPMEMCTL_NAMESPACES="$NOVA_SPEC"
	# never the machine's /etc/libvirt/qemu
	printf '[vpmemctl]\nlibvirt_dir =\n' >"$VPMEMCTL_CONFIG"
	HOOK="$(dirname "$VPMEMCTL_BIN")/vpmemctl-libvirt-hook"
	UUID=6f1b7c1e-0a3b-4c5d-8e9f-0123456789ab
	base_domain "$SCRATCH/base.xml" guest "$UUID"
}

# base_domain FILE NAME UUID: a domain without nvdimm devices.
base_domain() {
	cat >"$1" <<-XML
	<domain type='kvm'>
	  <name>$2</name>
	  <uuid>$3</uuid>
	  <memory unit='GiB'>2</memory>
	  <vcpu placement='static'>2</vcpu>
	  <os><type arch='x86_64' machine='pc'>hvm</type></os>
	  <devices>
	    <disk type='file' device='disk'><source file='/var/lib/guest.img'/><target dev='vda' bus='virtio'/></disk>
	  </devices>
	</domain>
	XML
}

# hook DOMAIN OP SUBOP FILE: the hook as libvirt runs it, FILE piped in.
hook() {
	cat "$4" | "$HOOK" "$1" "$2" "$3" -
}

# rendered INSTANCE FILE: base.xml with INSTANCE's claim, as render-xml --domain makes it.
rendered() {
	vpm render-xml "$1" --domain "$SCRATCH/base.xml" >"$2"
}

# with_device FILE DEVPATH: base.xml with one nvdimm at DEVPATH, no claim recorded.
with_device() {
	vpm claim tmp 6GB >/dev/null
	vpm render-xml tmp --domain "$SCRATCH/base.xml" |
		sed -e "s#<path>[^<]*</path>#<path>$2</path>#" -e '/<metadata>/,/<\/metadata>/d' >"$1"
	vpm release tmp --no-scrub -q
}

# edit_state PYTHON: change state.json through d.
edit_state() {
	edit_json "$VPMEMCTL_STATE_DIR/state.json" "$1"
}

# hold_lock: a process holding the state lock in the background ($!).
hold_lock() {
	(exec 9>"$VPMEMCTL_STATE_DIR/lock"; flock 9; exec sleep 30) >/dev/null 2>&1 3>&- &
}

# nvdimms FILE: "path alignsize size" of each nvdimm device, one a line.
nvdimms() {
	python3 - "$1" <<-'PY'
	import sys, xml.etree.ElementTree as ET
	for m in ET.parse(sys.argv[1]).getroot().iter("memory"):
	    if m.get("model") == "nvdimm":
	        print(m.findtext("source/path"), m.findtext("source/alignsize"), m.findtext("target/size"))
	PY
}

# records FILE: "label name uuid" of vpmemctl's records in FILE's metadata.
records() {
	python3 - "$1" <<-'PY'
	import sys, xml.etree.ElementTree as ET
	ns = "{https://vpmemctl.org/xmlns/pmem/1}"
	for r in ET.parse(sys.argv[1]).getroot().iter(ns + "namespace"):
	    print(r.get("label"), r.get("name"), r.get("uuid"))
	PY
}

# claimed INSTANCE: the namespaces INSTANCE holds, comma-separated ("" when none).
claimed() {
	"$VPMEMCTL_BIN" inventory -l -f json |
		python3 -c 'import json,sys; print(",".join(n["name"] for n in json.load(sys.stdin)["namespaces"] if n["instance"] == sys.argv[1]))' "$1"
}

# ---- prepare begin ------------------------------------------------------

@test "prepare begin lets a domain that names no path through without reading the configuration" {
	export VPMEMCTL_CONFIG="$SCRATCH/absent.conf"
	sed -e '/<disk /d' "$SCRATCH/base.xml" >"$SCRATCH/nopath.xml"
	run hook guest prepare begin "$SCRATCH/nopath.xml"
	assert_success
	assert_output ""
}

@test "prepare begin lets a domain through whose nvdimm is on no configured namespace" {
	with_device "$SCRATCH/d.xml" "$SCRATCH/elsewhere.img"
	: >"$SCRATCH/elsewhere.img"
	run hook guest prepare begin "$SCRATCH/d.xml"
	assert_success
	assert_output ""
}

@test "prepare begin lets a domain through on namespaces claimed by its name" {
	vpm claim guest 6GB,LARGE >/dev/null
	rendered guest "$SCRATCH/d.xml"
	run hook guest prepare begin "$SCRATCH/d.xml"
	assert_success
	assert_output ""
}

@test "prepare begin lets a domain through on namespaces claimed by its uuid" {
	vpm claim "$UUID" 6GB >/dev/null
	rendered "$UUID" "$SCRATCH/d.xml"
	run hook guest prepare begin "$SCRATCH/d.xml"
	assert_success
	assert_output ""
}

@test "prepare begin refuses a namespace claimed by no instance, in one line naming domain, namespace and device" {
	with_device "$SCRATCH/d.xml" "$VPMEMCTL_DEV_DIR/dax0.1"
	run --separate-stderr hook guest prepare begin "$SCRATCH/d.xml"
	[ "$status" -eq 3 ]
	[ "${#stderr_lines[@]}" -eq 1 ]
	[[ "$stderr" == "vpmemctl: domain guest refused: namespace ns1 at $VPMEMCTL_DEV_DIR/dax0.1 is claimed by no instance; record the domain's claim (vpmemctl adopt guest --domain FILE) or remove the device" ]]
}

@test "prepare begin refuses a namespace claimed by another instance" {
	vpm claim other 6GB >/dev/null
	with_device "$SCRATCH/d.xml" "$VPMEMCTL_DEV_DIR/dax0.0"
	run --separate-stderr hook guest prepare begin "$SCRATCH/d.xml"
	[ "$status" -eq 3 ]
	[ "${#stderr_lines[@]}" -eq 1 ]
	[[ "$stderr" == *"domain guest refused: namespace ns0 at $VPMEMCTL_DEV_DIR/dax0.0 is claimed by instance other; two guests would share one namespace"* ]]
}

@test "prepare begin knows another path to a claimed device (a symlink)" {
	vpm claim other 6GB >/dev/null
	ln -s "$VPMEMCTL_DEV_DIR/dax0.0" "$SCRATCH/alias"
	with_device "$SCRATCH/d.xml" "$SCRATCH/alias"
	run hook guest prepare begin "$SCRATCH/d.xml"
	[ "$status" -eq 3 ]
	assert_output --partial "namespace ns0 at $SCRATCH/alias ($VPMEMCTL_DEV_DIR/dax0.0) is claimed by instance other"
}

@test "prepare begin refuses the other guest's devices even in a domain that also has its own" {
	vpm claim guest 6GB >/dev/null
	vpm claim other 6GB >/dev/null
	rendered guest "$SCRATCH/d.xml"
	# a second device: other's namespace
	python3 - "$SCRATCH/d.xml" "$VPMEMCTL_DEV_DIR/dax0.1" <<-'PY'
	import copy, sys, xml.etree.ElementTree as ET
	t = ET.parse(sys.argv[1]); devs = t.getroot().find("devices")
	m = copy.deepcopy([m for m in devs.iter("memory")][0]); m.find("source/path").text = sys.argv[2]
	devs.append(m); t.write(sys.argv[1])
	PY
	run hook guest prepare begin "$SCRATCH/d.xml"
	[ "$status" -eq 3 ]
	assert_output --partial "namespace ns1 at $VPMEMCTL_DEV_DIR/dax0.1 is claimed by instance other"
}

@test "prepare begin refuses a namespace being released" {
	vpm claim guest 6GB >/dev/null
	rendered guest "$SCRATCH/d.xml"
	sleep 60 3>&- &
	local pid=$! start
	start=$(awk '{ print $22 }' "/proc/$pid/stat")
	edit_state "d['claims'][0]['releasing_pid'] = $pid; d['claims'][0]['releasing_start'] = $start"
	run hook guest prepare begin "$SCRATCH/d.xml"
	kill "$pid"
	[ "$status" -eq 3 ]
	assert_output --partial "domain guest refused: namespace ns0 at $VPMEMCTL_DEV_DIR/dax0.0: instance guest is being released (pid $pid); wait for it to finish"
}

@test "prepare begin refuses a namespace whose release was interrupted" {
	vpm claim guest 6GB >/dev/null
	rendered guest "$SCRATCH/d.xml"
	edit_state "d['claims'][0]['releasing_pid'] = 999999999"
	run hook guest prepare begin "$SCRATCH/d.xml"
	[ "$status" -eq 3 ]
	assert_output --partial "domain guest refused: namespace ns0 at $VPMEMCTL_DEV_DIR/dax0.0: instance guest was being released when its process (pid 999999999) stopped: its namespaces may be partly zeroed; finish it with: vpmemctl release guest --keep"
}

@test "prepare begin refuses a quarantined namespace" {
	vpm claim guest 6GB >/dev/null
	rendered guest "$SCRATCH/d.xml"
	edit_state "d['claims'] = []; d['quarantine'] = [{'name': 'ns0', 'uuid': '$(snap_uuid ns0)', 'reason': 'scrub failed', 'since': '2026-11-30T00:00:00Z'}]"
	run hook guest prepare begin "$SCRATCH/d.xml"
	[ "$status" -eq 3 ]
	assert_output --partial "domain guest refused: namespace ns0 at $VPMEMCTL_DEV_DIR/dax0.0 is quarantined"
}

@test "prepare begin refuses a namespace re-created since it was claimed" {
	vpm claim guest 6GB >/dev/null
	rendered guest "$SCRATCH/d.xml"
	edit_state "d['claims'][0]['namespaces'][0]['uuid'] = '00000000-0000-0000-0000-000000000001'"
	run hook guest prepare begin "$SCRATCH/d.xml"
	[ "$status" -eq 3 ]
	assert_output --partial "namespace ns0 at $VPMEMCTL_DEV_DIR/dax0.0 was destroyed and re-created (uuid $(snap_uuid ns0), claimed as 00000000-0000-0000-0000-000000000001)"
}

@test "prepare begin of a domain that names no device of the host's namespaces does not wait for the state lock" {
	with_device "$SCRATCH/d.xml" "$SCRATCH/elsewhere.img"
	: >"$SCRATCH/elsewhere.img"
	vpm claim guest 6GB >/dev/null
	hold_lock
	local holder=$!
	wait_locked "$VPMEMCTL_STATE_DIR/lock"
	# the lock is held throughout: a hook that waited for it would give up (exit 5)
	run hook guest prepare begin "$SCRATCH/base.xml"
	assert_success
	run hook guest prepare begin "$SCRATCH/d.xml"
	assert_success
	kill "$holder"
}

@test "prepare begin on a claimed namespace refuses when the state lock stays held" {
	vpm claim guest 6GB >/dev/null
	rendered guest "$SCRATCH/d.xml"
	hold_lock
	local holder=$!
	wait_locked "$VPMEMCTL_STATE_DIR/lock"
	SECONDS=0
	run hook guest prepare begin "$SCRATCH/d.xml"
	local took=$SECONDS
	kill "$holder"
	[ "$status" -eq 5 ]
	[ "$took" -lt 8 ]
	assert_output --partial "domain guest refused: vpmemctl's state in $VPMEMCTL_STATE_DIR cannot be read (the state lock is held by another vpmemctl: a claim, release or repair)"
}

@test "prepare begin without a state directory: a domain on a configured namespace is refused, one on none let through" {
	vpm claim guest 6GB >/dev/null
	rendered guest "$SCRATCH/d.xml"
	with_device "$SCRATCH/other.xml" "$SCRATCH/elsewhere.img"
	: >"$SCRATCH/elsewhere.img"
	mv "$VPMEMCTL_STATE_DIR" "$SCRATCH/real-state"
	run hook guest prepare begin "$SCRATCH/d.xml"
	[ "$status" -eq 1 ]
	assert_output --partial "state directory $VPMEMCTL_STATE_DIR does not exist; create it (install -d -m 0700 $VPMEMCTL_STATE_DIR)"
	assert_output --partial "domain guest refused: vpmemctl's state in $VPMEMCTL_STATE_DIR cannot be read"
	[ ! -e "$VPMEMCTL_STATE_DIR" ]
	run hook guest prepare begin "$SCRATCH/other.xml"
	assert_success
	assert_output ""
	run hook guest prepare begin "$SCRATCH/base.xml"
	assert_success
	[ ! -e "$VPMEMCTL_STATE_DIR" ]
}

@test "prepare begin refuses a domain with a document type declaration" {
	vpm claim guest 6GB >/dev/null
	rendered guest "$SCRATCH/d.xml"
	{ echo '<!DOCTYPE domain [<!ENTITY x "y">]>'; cat "$SCRATCH/d.xml"; } >"$SCRATCH/dtd.xml"
	run hook guest prepare begin "$SCRATCH/dtd.xml"
	[ "$status" -eq 1 ]
	assert_output --partial "domain guest refused: its XML on stdin cannot be read (it has a document type declaration"
}

@test "every other event exits 0 at once, reading nothing (stdin closed, no configuration)" {
	export VPMEMCTL_CONFIG="$SCRATCH/absent.conf"
	for ev in "start begin" "started begin" "stopped end" "release end" "prepare end" \
		  "migrate end" "restore begin" "reconnect begin" "attach begin"; do
		run "$HOOK" guest $ev - <&-
		assert_success
		assert_output ""
	done
}

@test "the hook without its arguments is a usage error" {
	run "$HOOK"
	[ "$status" -eq 2 ]
	assert_output --partial "usage: vpmemctl-libvirt-hook DOMAIN OPERATION SUB-OPERATION EXTRA"
}

# ---- migrate begin ------------------------------------------------------

# source_domain FILE: guest's domain as the source host renders it (ns0 and
# ns3, labels 6GB and LARGE); the source's claim is then forgotten, as if on
# another host.
source_domain() {
	vpm claim guest 6GB,LARGE >/dev/null
	rendered guest "$1"
	rm "$VPMEMCTL_STATE_DIR/state.json"
}

@test "migrate begin claims here, rewrites paths and alignsize, updates the records; libvirt's schema accepts it" {
	source_domain "$SCRATCH/src.xml"
	# here ns0 is another guest's, and the source's alignment was other
	vpm claim other 6GB >/dev/null
	sed -i 's#<alignsize unit="KiB">2048</alignsize>#<alignsize unit="KiB">4096</alignsize>#' "$SCRATCH/src.xml"
	hook guest migrate begin "$SCRATCH/src.xml" >"$SCRATCH/out.xml"
	run virt-xml-validate "$SCRATCH/out.xml" domain
	assert_success
	run nvdimms "$SCRATCH/out.xml"
	assert_output "$VPMEMCTL_DEV_DIR/dax0.1 2048 6289408
$VPMEMCTL_DEV_DIR/dax1.0 2048 31455232"
	run records "$SCRATCH/out.xml"
	assert_output "6GB ns1 $(snap_uuid ns1)
LARGE ns3 $(snap_uuid ns3)"
	run claimed guest
	assert_output "ns1,ns3"
	# and the domain, as it now is, may start here
	run hook guest prepare begin "$SCRATCH/out.xml"
	assert_success
}

@test "migrate begin again (libvirt retried) reuses the claim" {
	source_domain "$SCRATCH/src.xml"
	hook guest migrate begin "$SCRATCH/src.xml" >"$SCRATCH/once.xml"
	hook guest migrate begin "$SCRATCH/src.xml" >"$SCRATCH/twice.xml"
	diff -u "$SCRATCH/once.xml" "$SCRATCH/twice.xml"
	run claimed guest
	assert_output "ns0,ns3"
	run "$VPMEMCTL_BIN" verify
	assert_success
}

@test "migrate begin refuses when the capacity is not here, and claims nothing" {
	source_domain "$SCRATCH/src.xml"
	vpm claim a 6GB,6GB,6GB >/dev/null
	run --separate-stderr hook guest migrate begin "$SCRATCH/src.xml"
	[ "$status" -eq 4 ]
	[ -z "$output" ]
	[[ "$stderr" == *"not enough free namespaces for label '6GB'"*"nothing was claimed"* ]]
	run claimed guest
	assert_output ""
}

@test "migrate begin refuses a namespace here of another size than the source's device, and claims nothing" {
	source_domain "$SCRATCH/src.xml"
	sed -i '0,/<size unit="KiB">6289408</s//<size unit="KiB">6291456</' "$SCRATCH/src.xml"
	run --separate-stderr hook guest migrate begin "$SCRATCH/src.xml"
	[ "$status" -eq 1 ]
	[ -z "$output" ]
	[[ "$stderr" == *"incoming domain guest refused: its nvdimm device 1 is 6291456 KiB, but namespace ns0 here (label 6GB) is 6289408 KiB, and QEMU cannot migrate between devices of different sizes; nothing was claimed" ]]
	run claimed guest
	assert_output ""
}

@test "migrate begin refuses a domain whose nvdimm count differs from its records" {
	source_domain "$SCRATCH/src.xml"
	python3 - "$SCRATCH/src.xml" <<-'PY'
	import sys, xml.etree.ElementTree as ET
	t = ET.parse(sys.argv[1]); devs = t.getroot().find("devices")
	devs.remove([m for m in devs.iter("memory")][1]); t.write(sys.argv[1])
	PY
	run hook guest migrate begin "$SCRATCH/src.xml"
	[ "$status" -ne 0 ]
	assert_output --partial "incoming domain guest refused: it has 1 nvdimm devices but vpmemctl's record in its <metadata> names 2 namespaces"
	run claimed guest
	assert_output ""
}

@test "migrate begin refuses labels not configured here" {
	source_domain "$SCRATCH/src.xml"
	export VPMEMCTL_NAMESPACES='6GB:ns0|ns1|ns2'
	run hook guest migrate begin "$SCRATCH/src.xml"
	[ "$status" -ne 0 ]
	assert_output --partial "unknown label 'LARGE'"
	run claimed guest
	assert_output ""
}

@test "migrate begin refuses a record without a label, claiming nothing" {
	source_domain "$SCRATCH/src.xml"
	sed -i '0,/ label="6GB"/s///' "$SCRATCH/src.xml"
	run hook guest migrate begin "$SCRATCH/src.xml"
	[ "$status" -eq 1 ]
	assert_output "vpmemctl: incoming domain guest refused: vpmemctl's <namespace> record 1 in <metadata> has no label"
	run claimed guest
	assert_output ""
}

@test "migrate begin prints a domain without records or nvdimm devices as it came" {
	run hook guest migrate begin "$SCRATCH/base.xml"
	assert_success
	assert_output "$(cat "$SCRATCH/base.xml")"
	[ ! -e "$VPMEMCTL_STATE_DIR/state.json" ]
}

@test "vpmemctl-libvirt-hook.8 passes mandoc -Tlint" {
	run mandoc -Tlint -W warning "$TOP/man/vpmemctl-libvirt-hook.8"
	assert_success
	assert_output ""
}

@test "prepare begin refuses a domain on a claimed namespace the host now gives as shared (review finding)" {
	vpm claim vm2 6GB,6GB >/dev/null
	with_device "$SCRATCH/d.xml" "$VPMEMCTL_DEV_DIR/dax0.1"
	# ns0 names ns1's device
	snapshot_copy
	edit_json "$SCRATCH/host.json" 'for n in d:
	    if n.get("name") == "ns0": n["daxregion"]["devices"][0]["chardev"] = "dax0.1"'
	run --separate-stderr hook vm3 prepare begin "$SCRATCH/d.xml"
	assert_failure 1
	[[ "$stderr" == *"domain guest refused: namespace ns0 at $VPMEMCTL_DEV_DIR/dax0.1 cannot be used on this host (shared-device"* ]]
}

# bad_blocks NAME: a copy of the host where namespace NAME has a known bad block.
bad_blocks() {
	python3 - "$VPMEMCTL_HOST_SNAPSHOT" "$SCRATCH/bad-host.json" "$1" <<-'PY'
	import json, sys
	d = json.load(open(sys.argv[1]))
	for n in d:
	    if n.get("name") == sys.argv[3]:
	        n["badblock_count"] = 1
	        n["badblocks"] = [{"offset": 0, "length": 1}]
	json.dump(d, open(sys.argv[2], "w"))
	PY
	export VPMEMCTL_HOST_SNAPSHOT="$SCRATCH/bad-host.json"
}

@test "migrate begin never claims a namespace with known bad blocks" {
	source_domain "$SCRATCH/src.xml"
	bad_blocks ns0
	hook guest migrate begin "$SCRATCH/src.xml" 2>/dev/null >"$SCRATCH/out.xml"
	run --separate-stderr claimed guest
	assert_output "ns1,ns3"
}

@test "migrate begin again refuses the claim it made when a namespace of it has gone bad since: the guest's data is not here yet" {
	source_domain "$SCRATCH/src.xml"
	hook guest migrate begin "$SCRATCH/src.xml" >/dev/null
	bad_blocks ns0
	run --separate-stderr hook guest migrate begin "$SCRATCH/src.xml"
	[ "$status" -eq 3 ]
	[ -z "$output" ]
	[[ "$stderr" == *"incoming domain guest refused: namespace ns0 of its claim here has known bad blocks or is on a failing DIMM; release the claim (vpmemctl release guest) and migrate again"* ]]
	vpm release guest -q 2>/dev/null
	hook guest migrate begin "$SCRATCH/src.xml" 2>/dev/null >/dev/null
	run --separate-stderr claimed guest
	assert_output "ns1,ns3"
}
