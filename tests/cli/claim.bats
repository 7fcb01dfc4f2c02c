#!/usr/bin/env bats
bats_require_minimum_version 1.5.0
# vpmemctl claim: one free namespace per label, all or nothing.

load helpers

setup() { common_setup; standins; }

@test "claim gives one namespace per label in the order asked" {
	run vpm claim vm1 'LARGE,6GB' -f json
	assert_success
	run json_get '([n["name"] for n in d["namespaces"]], d["labels"], d["created"], d["resources"])'
	assert_output '[["ns3", "ns0"], ["LARGE", "6GB"], true, {"CUSTOM_PMEM_NAMESPACE_LARGE": 1, "CUSTOM_PMEM_NAMESPACE_6GB": 1}]'
}

@test "claim JSON namespaces carry devpath, uuid, size, align and numa_node" {
	run vpm claim vm1 LARGE -f json
	assert_success
	run json_get '[(n["devpath"], n["uuid"], n["size"], n["align"], n["numa_node"]) for n in d["namespaces"]]'
	assert_output "[[\"$VPMEMCTL_DEV_DIR/dax1.0\", \"ad6e4f5b-8c7a-4b1d-8e4f-3a5b6c7d8e93\", 32210157568, 2097152, 1]]"
}

@test "a repeated label takes as many namespaces" {
	run vpm claim vm1 '6GB,6GB' -f json
	assert_success
	run json_get '[n["name"] for n in d["namespaces"]]'
	assert_output '["ns0", "ns1"]'
}

@test "blanks and empty entries in the label list are ignored, as Nova does" {
	run vpm claim vm1 ' 6GB , ,LARGE,' -f json
	assert_success
	run json_get 'd["labels"]'
	assert_output '["6GB", "LARGE"]'
}

@test "the choice is deterministic: the first free namespace in configuration order" {
	vpm claim a 6GB >/dev/null
	vpm claim b 6GB >/dev/null
	vpm release a --no-scrub >/dev/null
	run vpm claim c 6GB -f json
	run json_get 'd["namespaces"][0]["name"]'
	assert_output '"ns0"'
}

@test "inventory counts claimed namespaces as used and names their instance" {
	vpm claim vm1 '6GB,LARGE' >/dev/null
	run vpm inventory -f json
	run json_get '([(c["used"], c["free"]) for c in d["resource_classes"]], [n["instance"] for n in d["namespaces"]], [n["state"] for n in d["namespaces"]])'
	assert_output '[[[1, 2], [1, 0]], ["vm1", null, null, "vm1"], ["claimed", "free", "free", "claimed"]]'
}

@test "claiming again with the same labels returns the existing claim" {
	vpm claim vm1 '6GB,LARGE' >/dev/null
	run --separate-stderr vpm claim vm1 '6GB,LARGE' -f json
	assert_success
	[ "$stderr" = "vpmemctl: instance vm1 already holds this claim" ]
	run json_get '(d["created"], [n["name"] for n in d["namespaces"]])'
	assert_output '[false, ["ns0", "ns3"]]'
	run vpm inventory -f json
	run json_get 'd["resource_classes"][0]["used"]'
	assert_output '1'
}

@test "claiming again with other labels is a conflict (exit 3)" {
	vpm claim vm1 6GB >/dev/null
	run vpm claim vm1 'LARGE'
	assert_failure 3
	assert_output --partial "instance vm1 already holds a claim for 6GB; release it first"
}

@test "not enough free namespaces: exit 4 naming the label and the counts, nothing claimed" {
	vpm claim vm1 LARGE >/dev/null
	run vpm claim vm2 '6GB,LARGE'
	assert_failure 4
	assert_output --partial "not enough free namespaces for label 'LARGE': asked for 1, it has 1, 0 free"
	run vpm inventory -f json
	run json_get '[c["used"] for c in d["resource_classes"]]'
	assert_output '[0, 1]'
}

@test "asking for more of a label than it has: exit 4" {
	run vpm claim vm1 '6GB,6GB,6GB,6GB'
	assert_failure 4
	assert_output --partial "label '6GB': asked for 4, it has 3, 3 free"
}

@test "--numa-node takes only namespaces on that host node" {
	run vpm claim vm1 LARGE --numa-node 0
	assert_failure 4
	assert_output --partial "0 free on NUMA node 0"
	run vpm claim vm1 LARGE --numa-node 1 -f json
	assert_success
	run json_get 'd["namespaces"][0]["name"]'
	assert_output '"ns3"'
}

@test "claiming again with --numa-node is a conflict when the claim is on another node" {
	vpm claim vm1 LARGE >/dev/null
	run vpm claim vm1 LARGE --numa-node 0
	assert_failure 3
	assert_output --partial "not all on NUMA node 0"
	run vpm claim vm1 LARGE --numa-node 1
	assert_success
}

@test "--dry-run shows the choice and claims nothing" {
	run --separate-stderr vpm claim vm1 6GB --dry-run -f json
	assert_success
	run json_get '(d["created"], d["namespaces"][0]["name"])'
	assert_output '[false, "ns0"]'
	run vpm inventory -f json
	run json_get 'd["resource_classes"][0]["used"]'
	assert_output '0'
	[ ! -e "$VPMEMCTL_STATE_DIR/state.json" ]
}

@test "an unknown label is an error naming it and the configured ones" {
	run vpm claim vm1 '6GB,HUGE'
	assert_failure 2
	assert_output --partial "unknown label 'HUGE' (configured: 6GB,LARGE)"
	[ ! -e "$VPMEMCTL_STATE_DIR/state.json" ]
}

@test "an invalid instance name is a usage error" {
	run vpm claim 'vm 1' 6GB
	assert_failure 2
	assert_output --partial "invalid instance 'vm 1'"
	run vpm claim "$(printf 'a%.0s' {1..256})" 6GB
	assert_failure 2
}

@test "a label list with no labels is a usage error" {
	run vpm claim vm1 ' , '
	assert_failure 2
	assert_output --partial "no labels in ' , '"
}

@test "claim without labels is a usage error" {
	run vpm claim vm1
	assert_failure 2
	assert_output --partial "expected INSTANCE and LABEL"
}

@test "the state directory is created with mode 0700 and the state names the claim" {
	vpm claim vm1 6GB >/dev/null
	[ "$(stat -c %a "$VPMEMCTL_STATE_DIR")" = 700 ]
	[ "$(stat -c %a "$VPMEMCTL_STATE_DIR/state.json")" = 600 ]
	run python3 -c 'import json,sys; s=json.load(open(sys.argv[1])); print(s["generation"], [(c["instance"], [(n["name"], n["uuid"]) for n in c["namespaces"]]) for c in s["claims"]])' "$VPMEMCTL_STATE_DIR/state.json"
	assert_output "1 [('vm1', [('ns0', '7a3b1c2e-5f4d-4e8a-9b1c-0d2e3f4a5b60')])]"
}

@test "every change increments the generation" {
	vpm claim vm1 6GB >/dev/null
	vpm claim vm2 6GB >/dev/null
	vpm release vm1 >/dev/null
	run python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["generation"])' "$VPMEMCTL_STATE_DIR/state.json"
	# claim, claim, release (mark + commit)
	assert_output '4'
}

@test "vpmemctl-claim behaves as vpmemctl claim" {
	run "$(dirname "$VPMEMCTL_BIN")/vpmemctl-claim" -N "$NOVA_SPEC" vm1 LARGE -f json
	assert_success
	run json_get 'd["namespaces"][0]["name"]'
	assert_output '"ns3"'
}
