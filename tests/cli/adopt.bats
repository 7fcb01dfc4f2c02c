#!/usr/bin/env bats
bats_require_minimum_version 1.5.0
# vpmemctl adopt: record the claim of a guest that already uses namespaces,
# exactly those, never others.

load helpers

setup() { common_setup; standins; }

teardown() {
	[ -z "${HOLDER:-}" ] || kill "$HOLDER" 2>/dev/null || true
}

# domain NAME DEVPATH...: a domain file $SCRATCH/qemu/NAME.xml using those
# devices as nvdimms, in that order.
domain() {
	local name=$1 p
	shift
	mkdir -p "$SCRATCH/qemu"
	{
		echo "<domain type='kvm'>"
		echo "  <name>$name</name>"
		echo "  <uuid>$(python3 -c 'import uuid; print(uuid.uuid4())')</uuid>"
		echo "  <memory unit='KiB'>1048576</memory>"
		echo "  <os><type arch='x86_64'>hvm</type></os>"
		echo "  <devices>"
		for p in "$@"; do
			echo "    <memory model='nvdimm' access='shared'><source><path>$p</path></source><target><size unit='KiB'>1024</size><node>0</node></target></memory>"
		done
		echo "  </devices>"
		echo "</domain>"
	} >"$SCRATCH/qemu/$name.xml"
}

# holder_of NAME: the instance inventory names for namespace NAME.
holder_of() {
	run vpm inventory -l -f json
	json_get "[n['instance'] for n in d['namespaces'] if n['name'] == '$1'][0]"
}

# recorded FILE: the labels and names of vpmemctl's record in the domain.
recorded() {
	python3 - "$1" <<-'PY'
	import sys, xml.etree.ElementTree as ET
	ns = "{https://vpmemctl.org/xmlns/pmem/1}"
	root = ET.parse(sys.argv[1]).getroot()
	print(" ".join("%s:%s" % (e.get("label"), e.get("name"))
	               for e in root.iter(ns + "namespace")))
	PY
}

@test "adopt claims the namespace the domain uses (dax0.2 = ns2), not the first free one" {
	domain instance-0000000a "$VPMEMCTL_DEV_DIR/dax0.2"
	run vpm verify --libvirt-dir "$SCRATCH/qemu"
	assert_failure 2
	assert_output --partial "adopt it (vpmemctl adopt instance-0000000a --domain $SCRATCH/qemu/instance-0000000a.xml)"
	run --separate-stderr vpm adopt instance-0000000a --domain "$SCRATCH/qemu/instance-0000000a.xml" -f json
	assert_success
	run json_get '(d["instance"], d["created"], d["labels"], [n["name"] for n in d["namespaces"]])'
	assert_output '["instance-0000000a", true, ["6GB"], ["ns2"]]'
	run holder_of ns2
	assert_output '"instance-0000000a"'
	run holder_of ns0
	assert_output 'null'
	# the record travels in the domain, which render-xml then keeps on dax0.2
	run recorded "$SCRATCH/qemu/instance-0000000a.xml"
	assert_output '6GB:ns2'
	run --separate-stderr vpm render-xml instance-0000000a --domain "$SCRATCH/qemu/instance-0000000a.xml"
	assert_success
	assert_output --partial "<path>$VPMEMCTL_DEV_DIR/dax0.2</path>"
	refute_output --partial "dax0.0"
	run vpm verify --libvirt-dir "$SCRATCH/qemu"
	assert_success
	# nothing was zeroed
	run is_zero "$VPMEMCTL_DEV_DIR/dax0.2"
	assert_failure
}

@test "several devices: claimed in the domain's order, labels from the configuration" {
	domain vm1 "$VPMEMCTL_DEV_DIR/dax1.0" "$VPMEMCTL_DEV_DIR/dax0.1"
	run --separate-stderr vpm adopt vm1 --domain "$SCRATCH/qemu/vm1.xml" -f json
	assert_success
	run json_get '(d["labels"], [(n["name"], n["label"]) for n in d["namespaces"]], d["resources"])'
	assert_output '[["LARGE", "6GB"], [["ns3", "LARGE"], ["ns1", "6GB"]], {"CUSTOM_PMEM_NAMESPACE_LARGE": 1, "CUSTOM_PMEM_NAMESPACE_6GB": 1}]'
	run recorded "$SCRATCH/qemu/vm1.xml"
	assert_output 'LARGE:ns3 6GB:ns1'
	run --separate-stderr vpm claim vm1 'LARGE,6GB' -f json
	assert_success
	run json_get '[n["name"] for n in d["namespaces"]]'
	assert_output '["ns3", "ns1"]'
}

@test "a device is matched by what it is, not only by its path: another node of the device" {
	ln "$VPMEMCTL_DEV_DIR/dax0.1" "$SCRATCH/other-node"
	domain vm1 "$SCRATCH/other-node"
	run --separate-stderr vpm adopt vm1 --domain "$SCRATCH/qemu/vm1.xml" -f json
	assert_success
	run json_get '[n["name"] for n in d["namespaces"]]'
	assert_output '["ns1"]'
}

@test "an nvdimm that is not a configured namespace is ignored and reported" {
	: >"$SCRATCH/file-backed"
	domain vm1 "$SCRATCH/file-backed" "$VPMEMCTL_DEV_DIR/dax0.1"
	run vpm -v adopt vm1 --domain "$SCRATCH/qemu/vm1.xml"
	assert_success
	assert_output --partial "nvdimm $SCRATCH/file-backed is not a configured namespace; ignored"
	run holder_of ns1
	assert_output '"vm1"'
}

@test "adopt again is idempotent: exit 0, created false, file unchanged" {
	domain vm1 "$VPMEMCTL_DEV_DIR/dax0.1"
	vpm adopt vm1 --domain "$SCRATCH/qemu/vm1.xml" >/dev/null
	cp "$SCRATCH/qemu/vm1.xml" "$SCRATCH/after-first"
	cp "$VPMEMCTL_STATE_DIR/state.json" "$SCRATCH/state-first"
	run --separate-stderr vpm adopt vm1 --domain "$SCRATCH/qemu/vm1.xml" -f json
	assert_success
	run json_get '(d["created"], [n["name"] for n in d["namespaces"]])'
	assert_output '[false, ["ns1"]]'
	cmp "$SCRATCH/after-first" "$SCRATCH/qemu/vm1.xml"
	cmp "$SCRATCH/state-first" "$VPMEMCTL_STATE_DIR/state.json"
}

@test "a claim made by claim for the same namespace is adopted as is" {
	vpm claim vm1 6GB >/dev/null
	domain vm1 "$VPMEMCTL_DEV_DIR/dax0.0"
	run --separate-stderr vpm adopt vm1 --domain "$SCRATCH/qemu/vm1.xml" -f json
	assert_success
	run json_get 'd["created"]'
	assert_output 'false'
	run recorded "$SCRATCH/qemu/vm1.xml"
	assert_output '6GB:ns0'
}

@test "an instance holding a different claim: exit 3, nothing changed" {
	vpm claim vm1 6GB >/dev/null
	domain vm1 "$VPMEMCTL_DEV_DIR/dax0.2"
	cp "$SCRATCH/qemu/vm1.xml" "$SCRATCH/before"
	run vpm adopt vm1 --domain "$SCRATCH/qemu/vm1.xml"
	assert_failure 3
	assert_output --partial "instance vm1 already holds a different claim (ns0); not adopted"
	cmp "$SCRATCH/before" "$SCRATCH/qemu/vm1.xml"
	run holder_of ns2
	assert_output 'null'
}

@test "a namespace claimed by another instance is refused, naming it: exit 3" {
	vpm claim other 6GB >/dev/null
	domain vm1 "$VPMEMCTL_DEV_DIR/dax0.0"
	cp "$VPMEMCTL_STATE_DIR/state.json" "$SCRATCH/state-before"
	cp "$SCRATCH/qemu/vm1.xml" "$SCRATCH/before"
	run vpm adopt vm1 --domain "$SCRATCH/qemu/vm1.xml"
	assert_failure 3
	assert_output --partial "domain vm1: namespace ns0 at $VPMEMCTL_DEV_DIR/dax0.0 is claimed by instance other; two guests would share one namespace"
	cmp "$SCRATCH/state-before" "$VPMEMCTL_STATE_DIR/state.json"
	cmp "$SCRATCH/before" "$SCRATCH/qemu/vm1.xml"
}

@test "a quarantined namespace is refused: exit 3" {
	vpm claim other 6GB >/dev/null
	rm "$VPMEMCTL_DEV_DIR/dax0.0"
	vpm release other 2>/dev/null || true
	: >"$VPMEMCTL_DEV_DIR/dax0.0"
	domain vm1 "$VPMEMCTL_DEV_DIR/dax0.0"
	run vpm adopt vm1 --domain "$SCRATCH/qemu/vm1.xml"
	assert_failure 3
	assert_output --partial "domain vm1: namespace ns0 at $VPMEMCTL_DEV_DIR/dax0.0 is quarantined (a scrub failed)"
	run holder_of ns0
	assert_output 'null'
}

# mark PID START: the claim of vm1 marked as being released by that process.
mark() {
	python3 - "$VPMEMCTL_STATE_DIR/state.json" "$1" "$2" <<-'PY'
	import json, sys
	s = json.load(open(sys.argv[1]))
	s["claims"][0]["releasing_pid"] = int(sys.argv[2])
	s["claims"][0]["releasing_start"] = int(sys.argv[3])
	json.dump(s, open(sys.argv[1], "w"))
	PY
}

start_time() { python3 -c 'import sys; print(open("/proc/%s/stat" % sys.argv[1]).read().rsplit(")", 1)[1].split()[19])' "$1"; }

@test "an instance whose claim is being released is refused: exit 3" {
	vpm claim vm1 6GB >/dev/null
	sleep 60 &
	HOLDER=$!
	mark "$HOLDER" "$(start_time "$HOLDER")"
	domain vm1 "$VPMEMCTL_DEV_DIR/dax0.0"
	run vpm adopt vm1 --domain "$SCRATCH/qemu/vm1.xml"
	assert_failure 3
	assert_output --partial "instance vm1 is being released (pid $HOLDER)"
}

@test "a namespace being released for another instance is refused: exit 3" {
	vpm claim other 6GB >/dev/null
	sleep 60 &
	HOLDER=$!
	mark "$HOLDER" "$(start_time "$HOLDER")"
	domain vm1 "$VPMEMCTL_DEV_DIR/dax0.0"
	run vpm adopt vm1 --domain "$SCRATCH/qemu/vm1.xml"
	assert_failure 3
	assert_output --partial "is claimed by instance other"
}

@test "an instance whose release was interrupted is refused, naming the release: exit 3" {
	vpm claim vm1 6GB >/dev/null
	mark 999999999 1
	domain vm1 "$VPMEMCTL_DEV_DIR/dax0.0"
	run vpm adopt vm1 --domain "$SCRATCH/qemu/vm1.xml"
	assert_failure 3
	assert_output --partial "finish it with: vpmemctl release vm1"
}

@test "--dry-run changes neither the state nor the domain file" {
	domain vm1 "$VPMEMCTL_DEV_DIR/dax0.1"
	cp "$SCRATCH/qemu/vm1.xml" "$SCRATCH/before"
	run --separate-stderr vpm adopt vm1 --domain "$SCRATCH/qemu/vm1.xml" --dry-run -f json
	assert_success
	run json_get '(d["created"], [n["name"] for n in d["namespaces"]])'
	assert_output '[false, ["ns1"]]'
	cmp "$SCRATCH/before" "$SCRATCH/qemu/vm1.xml"
	[ ! -e "$VPMEMCTL_STATE_DIR/state.json" ]
}

@test "--libvirt-dir adopts every domain as its name, one line each; a domain without namespaces is reported" {
	domain vm1 "$VPMEMCTL_DEV_DIR/dax0.2"
	domain vm2 "$VPMEMCTL_DEV_DIR/dax1.0" "$VPMEMCTL_DEV_DIR/dax0.0"
	domain plain
	run --separate-stderr vpm adopt --libvirt-dir "$SCRATCH/qemu"
	assert_success
	assert_line --regexp "^plain +$SCRATCH/qemu/plain.xml +- +no namespace$"
	assert_line --regexp "^vm1 +$SCRATCH/qemu/vm1.xml +ns2\\(6GB\\) +adopted$"
	assert_line --regexp "^vm2 +$SCRATCH/qemu/vm2.xml +ns3\\(LARGE\\),ns0\\(6GB\\) +adopted$"
	run holder_of ns2
	assert_output '"vm1"'
	run holder_of ns0
	assert_output '"vm2"'
	run --separate-stderr vpm adopt --libvirt-dir "$SCRATCH/qemu" -f json
	assert_success
	run json_get '[(x["file"].split("/")[-1], x["outcome"], x["status"], x["claim"] and x["claim"]["created"]) for x in d["domains"]]'
	assert_output '[["plain.xml", "no namespace", 0, null], ["vm1.xml", "already claimed", 0, false], ["vm2.xml", "already claimed", 0, false]]'
	run vpm verify --libvirt-dir "$SCRATCH/qemu"
	assert_success
}

@test "--libvirt-dir: the exit status is the worst, the other domains are adopted" {
	vpm claim other 6GB >/dev/null
	domain vm1 "$VPMEMCTL_DEV_DIR/dax0.0"
	domain vm2 "$VPMEMCTL_DEV_DIR/dax0.1"
	echo '<domain' >"$SCRATCH/qemu/broken.xml"
	run --separate-stderr vpm adopt --libvirt-dir "$SCRATCH/qemu"
	assert_failure 3
	assert_line --regexp "^- +$SCRATCH/qemu/broken.xml +- +error$"
	assert_line --regexp "^vm1 .* refused$"
	assert_line --regexp "^vm2 .* adopted$"
	run holder_of ns1
	assert_output '"vm2"'
}

@test "--domain with no nvdimm on a configured namespace: exit 1, clear message" {
	domain vm1
	run vpm adopt vm1 --domain "$SCRATCH/qemu/vm1.xml"
	assert_failure 1
	assert_output --partial "domain vm1 ($SCRATCH/qemu/vm1.xml) uses no configured namespace; nothing to adopt"
}

@test "bad inputs: unparsable, not a domain, missing, FIFO, symbolic link: exit 1 naming the file" {
	mkdir -p "$SCRATCH/qemu"
	echo '<domain><name>x' >"$SCRATCH/qemu/bad.xml"
	run vpm adopt vm1 --domain "$SCRATCH/qemu/bad.xml"
	assert_failure 1
	assert_output --partial "domain file $SCRATCH/qemu/bad.xml is not XML"
	echo '<network><name>x</name></network>' >"$SCRATCH/qemu/net.xml"
	run vpm adopt vm1 --domain "$SCRATCH/qemu/net.xml"
	assert_failure 1
	assert_output --partial "$SCRATCH/qemu/net.xml is not a libvirt domain"
	run vpm adopt vm1 --domain "$SCRATCH/qemu/nope.xml"
	assert_failure 1
	assert_output --partial "cannot read domain file $SCRATCH/qemu/nope.xml: No such file or directory"
	mkfifo "$SCRATCH/qemu/fifo.xml"
	run timeout 10 "$VPMEMCTL_BIN" -N "$NOVA_SPEC" adopt vm1 --domain "$SCRATCH/qemu/fifo.xml"
	assert_failure 1
	assert_output --partial "domain file $SCRATCH/qemu/fifo.xml is not a regular file"
	domain vm1 "$VPMEMCTL_DEV_DIR/dax0.1"
	ln -s "$SCRATCH/qemu/vm1.xml" "$SCRATCH/link.xml"
	run vpm adopt vm1 --domain "$SCRATCH/link.xml"
	assert_failure 1
	assert_output --partial "is a symbolic link"
	[ ! -e "$VPMEMCTL_STATE_DIR/state.json" ] || ! grep -q vm1 "$VPMEMCTL_STATE_DIR/state.json"
}

@test "usage errors: both or neither of --domain and --libvirt-dir, INSTANCE with --libvirt-dir" {
	run vpm adopt vm1
	assert_failure 2
	run vpm adopt vm1 --domain x --libvirt-dir y
	assert_failure 2
	run vpm adopt vm1 --libvirt-dir "$SCRATCH"
	assert_failure 2
	run vpm adopt --domain x
	assert_failure 2
	run vpm adopt 'bad name' --domain x
	assert_failure 2
}

@test "adopt is logged to syslog with instance, domain, namespaces and outcome" {
	domain vm1 "$VPMEMCTL_DEV_DIR/dax0.2"
	logged "\"\$VPMEMCTL_BIN\" -N \"\$NOVA_SPEC\" adopt vm1 --domain '$SCRATCH/qemu/vm1.xml' >/dev/null"
	run cat "$SCRATCH/syslog"
	assert_line --regexp "vpmemctl\[[0-9]+\]: adopt instance=vm1 domain=$SCRATCH/qemu/vm1.xml namespaces=ns2 outcome=adopted user=[^ ]+\$"
}

@test "vpmemctl-adopt behaves as vpmemctl adopt" {
	domain vm1 "$VPMEMCTL_DEV_DIR/dax0.1"
	run "$(dirname "$VPMEMCTL_BIN")/vpmemctl-adopt" -N "$NOVA_SPEC" vm1 --domain "$SCRATCH/qemu/vm1.xml"
	assert_success
	run holder_of ns1
	assert_output '"vm1"'
}
