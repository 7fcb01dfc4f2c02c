#!/usr/bin/env bats
# A degraded host keeps working: a configured namespace the host lacks (or
# gives in the wrong mode, or re-created) is reported, shown with its state,
# counted reserved and never claimed; every command that does not need it
# works as before. A mistake in pmem_namespaces itself still stops them all.

bats_require_minimum_version 1.5.0
load helpers

setup() { common_setup; standins; }

# without NAME...: the example host's snapshot lacking those namespaces.
without() {
	python3 - "$EXAMPLE/ndctl-list.json" "$SCRATCH/host.json" "$@" <<-'PY'
	import json, sys
	src, out, *names = sys.argv[1:]
	json.dump([n for n in json.load(open(src)) if n.get("name") not in names], open(out, "w"))
	PY
	export VPMEMCTL_HOST_SNAPSHOT="$SCRATCH/host.json"
}

# mode_of NAME MODE: the example host with NAME in another mode.
mode_of() {
	python3 - "$EXAMPLE/ndctl-list.json" "$SCRATCH/host.json" "$1" "$2" <<-'PY'
	import json, sys
	src, out, name, mode = sys.argv[1:]
	nss = json.load(open(src))
	for n in nss:
	    if n.get("name") == name:
	        n["mode"] = mode
	        n.pop("daxregion", None)
	json.dump(nss, open(out, "w"))
	PY
	export VPMEMCTL_HOST_SNAPSHOT="$SCRATCH/host.json"
}

@test "with ns2 gone: inventory, inventory -l, claim of another label, render-xml and release --dry-run work" {
	vpm claim vm2 6GB >/dev/null
	without ns2
	run --separate-stderr vpm inventory -f json
	assert_success
	[[ "$stderr" == *"namespace 'ns2': not found on the host"*"it is not handed out until then"* ]]
	run json_get '[(c["label"], c["total"], c["reserved"], c["used"], c["free"]) for c in d["resource_classes"]]'
	assert_output '[["6GB", 3, 1, 1, 1], ["LARGE", 1, 0, 0, 1]]'
	run --separate-stderr vpm inventory -l
	assert_success
	assert_line --regexp '^ns2 +6GB +- +- +- +- +- +- +- +missing +-$'
	run vpm claim vm7 LARGE
	assert_success
	run vpm render-xml vm2
	assert_success
	assert_output --partial "dax0.0"
	run vpm release vm2 --dry-run
	assert_success
}

@test "the Placement body counts a missing namespace as reserved" {
	without ns2
	run --separate-stderr vpm inventory -f placement
	assert_success
	run json_get 'd["inventories"]["CUSTOM_PMEM_NAMESPACE_6GB"]["reserved"]'
	assert_output 1
}

@test "a missing namespace is never claimed: two of three 6GB, then exit 4" {
	without ns1
	run --separate-stderr vpm claim vm1 6GB,6GB -f json
	assert_success
	run json_get '[n["name"] for n in d["namespaces"]]'
	assert_output '["ns0", "ns2"]'
	run --separate-stderr vpm claim vm3 6GB
	assert_failure 4
	[[ "$stderr" == *"asked for 1, it has 3, 0 free and not in use"* ]]
}

@test "a namespace in the wrong mode is shown as wrong-mode and passed by" {
	mode_of ns0 fsdax
	run --separate-stderr vpm inventory -l -f json
	assert_success
	run json_get '[(n["name"], n["state"]) for n in d["namespaces"]][0]'
	assert_output '["ns0", "wrong-mode"]'
	run --separate-stderr vpm claim vm1 6GB -f json
	assert_success
	run json_get '[n["name"] for n in d["namespaces"]]'
	assert_output '["ns1"]'
}

@test "release of a claim whose namespace went missing zeroes and frees the others, quarantines it, exit 1" {
	vpm claim vm1 6GB,6GB >/dev/null
	without ns1
	run vpm release vm1
	assert_failure 1
	assert_output --partial "namespace ns1 is no longer on the host; its device cannot be zeroed"
	is_zero "$VPMEMCTL_DEV_DIR/dax0.0"
	run is_zero "$VPMEMCTL_DEV_DIR/dax0.1"
	assert_failure
	run --separate-stderr vpm inventory -l -f json
	run json_get '[(n["name"], n["state"], n["instance"]) for n in d["namespaces"]][:2]'
	assert_output '[["ns0", "free", null], ["ns1", "missing", null]]'
	# back on the host, it is still quarantined until verify --repair zeroes it
	export VPMEMCTL_HOST_SNAPSHOT="$EXAMPLE/ndctl-list.json"
	run --separate-stderr vpm inventory -l -f json
	run json_get 'd["namespaces"][1]["state"]'
	assert_output '"quarantined"'
	run vpm verify --repair
	is_zero "$VPMEMCTL_DEV_DIR/dax0.1"
	run --separate-stderr vpm inventory -l -f json
	run json_get 'd["namespaces"][1]["state"]'
	assert_output '"free"'
}

@test "a claim re-created under its name shows as recreated, counted used" {
	vpm claim vm1 LARGE >/dev/null
	python3 - "$EXAMPLE/ndctl-list.json" "$SCRATCH/host.json" <<-'PY'
	import json, sys
	nss = json.load(open(sys.argv[1]))
	for n in nss:
	    if n.get("name") == "ns3":
	        n["uuid"] = "00000000-0000-4000-8000-000000000003"
	json.dump(nss, open(sys.argv[2], "w"))
	PY
	export VPMEMCTL_HOST_SNAPSHOT="$SCRATCH/host.json"
	run --separate-stderr vpm inventory -l -f json
	run json_get '[(n["state"], n["instance"]) for n in d["namespaces"]][3]'
	assert_output '["recreated", "vm1"]'
	run --separate-stderr vpm inventory -f json
	run json_get '[(c["used"], c["reserved"]) for c in d["resource_classes"]][1]'
	assert_output '[1, 0]'
}

@test "inventory -l shows a claim being released with the releaser's pid, and an interrupted one" {
	vpm claim vm1 LARGE >/dev/null
	sleep 60 &
	local holder=$!
	python3 - "$VPMEMCTL_STATE_DIR/state.json" "$holder" <<-'PY'
	import json, sys
	pid = int(sys.argv[2])
	start = open("/proc/%d/stat" % pid).read().rsplit(")", 1)[1].split()[19]
	s = json.load(open(sys.argv[1]))
	s["claims"][0]["releasing_pid"] = pid
	s["claims"][0]["releasing_start"] = int(start)
	json.dump(s, open(sys.argv[1], "w"))
	PY
	run --separate-stderr vpm inventory -l
	assert_line --regexp "^ns3 .* releasing[(]pid=$holder[)] +vm1$"
	run --separate-stderr vpm inventory -l -f json
	run json_get '[(n["state"], n.get("releasing_pid")) for n in d["namespaces"]][3]'
	assert_output "[\"releasing\", $holder]"
	kill "$holder"
	wait "$holder" 2>/dev/null || true
	run --separate-stderr vpm inventory -l -f json
	run json_get '[n["state"] for n in d["namespaces"]][3]'
	assert_output '"release-interrupted"'
}

@test "a mistake in pmem_namespaces still stops every command" {
	run vpm -N '6GB:ns0|ns0' claim vm1 6GB
	assert_failure 1
	assert_output --partial "listed twice"
	run vpm -N 'A:ns0,a:ns1' inventory
	assert_failure 1
	assert_output --partial "both give resource class"
}

# pattern FILE: FILE still holds the stand-in's non-zero bytes.
pattern() { run is_zero "$1"; [ "$status" -ne 0 ]; }

@test "release of a claim whose namespace left the configuration never zeroes a device another namespace names" {
	vpm claim vm1 6GB >/dev/null
	vpm claim vm2 6GB >/dev/null
	# ns0 names ns1's device
	snapshot_copy
	edit_json "$SCRATCH/host.json" 'for n in d:
	    if n.get("name") == "ns0": n["daxregion"]["devices"][0]["chardev"] = "dax0.1"'
	run "$VPMEMCTL_BIN" -N '6GB:ns1|ns2,LARGE:ns3' release vm1
	assert_failure 1
	assert_output --partial "namespace ns0 cannot be zeroed as the host describes it (shared-device"
	pattern "$VPMEMCTL_DEV_DIR/dax0.1"
}

@test "claim --replace changes nothing while an old namespace cannot be zeroed" {
	vpm claim vm1 6GB >/dev/null
	cp "$VPMEMCTL_STATE_DIR/state.json" "$SCRATCH/before.json"
	mode_of ns0 fsdax
	run vpm claim vm1 LARGE --replace
	assert_failure 1
	assert_output --partial "namespace ns0 of instance vm1 cannot be zeroed (wrong-mode"
	assert_output --partial "nothing was replaced"
	cmp "$SCRATCH/before.json" "$VPMEMCTL_STATE_DIR/state.json"
}

@test "a namespace two claims name (a state edited by hand) is never zeroed, not even with --force" {
	vpm claim vm2 6GB >/dev/null
	vpm claim vm1 LARGE >/dev/null
	python3 - "$VPMEMCTL_STATE_DIR/state.json" <<-'PY'
	import json, sys
	d = json.load(open(sys.argv[1]))
	for c in d["claims"]:
	    if c["instance"] == "vm1":
	        c["replacing"] = [{"name": "ns0", "label": "6GB"}]
	json.dump(d, open(sys.argv[1], "w"))
	PY
	run vpm release vm1 --force
	assert_failure 3
	assert_output --partial "namespace ns0 is claimed by instance vm2 as well as by vm1; it is not zeroed"
	pattern "$VPMEMCTL_DEV_DIR/dax0.0"
	pattern "$VPMEMCTL_DEV_DIR/dax1.0"
}
