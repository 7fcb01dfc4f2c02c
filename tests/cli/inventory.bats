#!/usr/bin/env bats
# vpmemctl inventory on the bundled example host (Nova's host-1).

load helpers

setup() { common_setup; }

# compact FILE: the JSON document in FILE as one compact line, byte for byte
# what vpmemctl prints to anything but a terminal.
compact() {
	python3 -c 'import json,sys; print(json.dumps(json.load(open(sys.argv[1])), separators=(",", ":")))' "$1"
}

@test "Nova's example: 6GB has total 3 and max_unit 3" {
	run vpm inventory -f json
	assert_success
	run json_get '[(c["total"], c["max_unit"], c["min_unit"], c["step_size"], c["allocation_ratio"]) for c in d["resource_classes"] if c["resource_class"] == "CUSTOM_PMEM_NAMESPACE_6GB"]'
	assert_output '[[3, 3, 1, 1, 1.0]]'
}

@test "Nova's example: LARGE has total 1" {
	run vpm inventory -f json
	assert_success
	run json_get '[(c["label"], c["total"], c["max_unit"]) for c in d["resource_classes"] if c["resource_class"] == "CUSTOM_PMEM_NAMESPACE_LARGE"]'
	assert_output '[["LARGE", 1, 1]]'
}

@test "every namespace is free while nothing is claimed" {
	run vpm inventory -f json
	assert_success
	run json_get '[(c["used"], c["free"], c["reserved"]) for c in d["resource_classes"]]'
	assert_output '[[0, 3, 0], [0, 1, 0]]'
	run vpm inventory -f json
	run json_get '[(n["state"], n["instance"]) for n in d["namespaces"]]'
	assert_output '[["free", null], ["free", null], ["free", null], ["free", null]]'
}

@test "the table shows one row per resource class with its counts" {
	run vpm inventory
	assert_success
	assert_line --index 0 --regexp '^RESOURCE_CLASS +LABEL +TOTAL +RESERVED +USED +FREE +MIN_UNIT +MAX_UNIT +STEP_SIZE +ALLOCATION_RATIO$'
	assert_line --index 1 --regexp '^CUSTOM_PMEM_NAMESPACE_6GB +6GB +3 +0 +0 +3 +1 +3 +1 +1\.0$'
	assert_line --index 2 --regexp '^CUSTOM_PMEM_NAMESPACE_LARGE +LARGE +1 +0 +0 +1 +1 +1 +1 +1\.0$'
	[ "${#lines[@]}" -eq 3 ]
}

@test "--list shows each configured namespace in configuration order" {
	run vpm inventory --list
	assert_success
	assert_line --index 1 --regexp '^ns0 +6GB +namespace0\.0 +/dev/dax0\.0 +6\.00 GiB +2\.00 MiB +0 +unknown +0 +free +-$'
	assert_line --index 4 --regexp '^ns3 +LARGE +namespace1\.0 +/dev/dax1\.0 +30\.00 GiB +2\.00 MiB +0 +unknown +1 +free +-$'
	[ "${#lines[@]}" -eq 5 ]
}

@test "JSON namespaces carry every documented key with the host's values" {
	run vpm inventory -f json
	assert_success
	run json_get 'd["namespaces"][3]'
	assert_output '{"name": "ns3", "label": "LARGE", "resource_class": "CUSTOM_PMEM_NAMESPACE_LARGE", "dev": "namespace1.0", "devpath": "/dev/dax1.0", "uuid": "ad6e4f5b-8c7a-4b1d-8e4f-3a5b6c7d8e93", "size": 32210157568, "align": 2097152, "numa_node": 1, "badblock_count": 0, "dimm_health": "unknown", "dimms": [], "state": "free", "instance": null}'
}

@test "--dev-dir changes the device paths" {
	run vpm --dev-dir /srv/fake-dev inventory -f json
	assert_success
	run json_get 'd["namespaces"][0]["devpath"]'
	assert_output '"/srv/fake-dev/dax0.0"'
}

@test "-f placement prints exactly Placement's inventories body" {
	run vpm inventory -f placement
	assert_success
	assert_output "$(compact "$DATA/placement-host-1.json")"
}

@test "-f placement --generation adds resource_provider_generation" {
	run vpm inventory -f placement --generation 7
	assert_success
	run json_get '(d["resource_provider_generation"], sorted(d["inventories"]))'
	assert_output '[7, ["CUSTOM_PMEM_NAMESPACE_6GB", "CUSTOM_PMEM_NAMESPACE_LARGE"]]'
}

@test "-f placement without --generation has no generation key" {
	run vpm inventory -f placement
	run json_get '"resource_provider_generation" in d'
	assert_output 'false'
}

@test "an empty pmem_namespaces offers no resource classes" {
	run "$VPMEMCTL_BIN" -N '' inventory -f placement
	assert_success
	run json_get 'd'
	assert_output '{"inventories": {}}'
}

@test "unnamed namespaces on the host are skipped, as Nova skips them" {
	run "$VPMEMCTL_BIN" --host-snapshot "$DATA/host-mixed.json" -N 'A:good0|good1' inventory -f json
	assert_success
	run json_get '[n["name"] for n in d["namespaces"]]'
	assert_output '["good0", "good1"]'
}

@test "common options are accepted after the subcommand too" {
	run "$VPMEMCTL_BIN" inventory -N "$NOVA_SPEC" -f json
	assert_success
	run json_get 'len(d["resource_classes"])'
	assert_output '2'
}

@test "vpmemctl-inventory behaves as vpmemctl inventory" {
	run "$(dirname "$VPMEMCTL_BIN")/vpmemctl-inventory" -N "$NOVA_SPEC" -f placement
	assert_success
	assert_output "$(compact "$DATA/placement-host-1.json")"
}

@test "the snapshot's single-object form (one namespace) is read" {
	python3 -c 'import json,sys; print(json.dumps(json.load(open(sys.argv[1]))[3]))' \
		"$EXAMPLE/ndctl-list.json" >"$SCRATCH/one.json"
	run "$VPMEMCTL_BIN" --host-snapshot "$SCRATCH/one.json" -N 'LARGE:ns3' inventory -f json
	assert_success
	run json_get '[(c["resource_class"], c["total"]) for c in d["resource_classes"]]'
	assert_output '[["CUSTOM_PMEM_NAMESPACE_LARGE", 1]]'
}

@test "-f json: one compact line to a pipe or file, indented on a terminal, the same document" {
	vpm inventory -f json >"$SCRATCH/piped.json"
	[ "$(wc -l <"$SCRATCH/piped.json")" -eq 1 ]
	run script -qec "$VPMEMCTL_BIN -N '$NOVA_SPEC' inventory -f json" "$SCRATCH/typescript"
	assert_success
	tr -d '\r' <<<"$output" >"$SCRATCH/tty.json"
	[ "$(wc -l <"$SCRATCH/tty.json")" -gt 20 ]
	grep -q '^  "namespaces": \[{$' "$SCRATCH/tty.json"
	python3 -c 'import json,sys; a=json.load(open(sys.argv[1])); b=json.load(open(sys.argv[2])); sys.exit(a != b)' \
		"$SCRATCH/piped.json" "$SCRATCH/tty.json"
}
