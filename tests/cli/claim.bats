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

@test "the state file is made with mode 0600 and names the claim" {
	vpm claim vm1 6GB >/dev/null
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

# ---- --replace (resize) ----------------------------------------------------

teardown() {
	[ -z "${HOLDER:-}" ] || kill "$HOLDER" 2>/dev/null || true
	[ -z "${CLAIM:-}" ] || kill -9 "$CLAIM" 2>/dev/null || true
	[ -z "${SHM:-}" ] || rm -rf "$SHM"
}

# holders: each configured namespace with where the state puts it:
# "INSTANCE" (in its claim), "INSTANCE-pending" (left to zero by a replace)
# or "free"; a namespace in two places fails.
holders() {
	python3 - "$VPMEMCTL_STATE_DIR/state.json" <<-'PY'
	import json, sys
	s = json.load(open(sys.argv[1]))
	where = {n: [] for n in ("ns0", "ns1", "ns2", "ns3")}
	for c in s["claims"]:
	    for n in c["namespaces"]:
	        where[n["name"]].append(c["instance"])
	    for n in c.get("replacing", []):
	        where[n["name"]].append(c["instance"] + "-pending")
	assert all(len(v) <= 1 for v in where.values()), where
	print(" ".join("%s=%s" % (n, v[0] if v else "free") for n, v in sorted(where.items())))
	PY
}

@test "--replace moves a claim to other labels: old namespaces zeroed and freed, new claimed" {
	vpm claim vm1 6GB >/dev/null
	vpm claim vm2 6GB >/dev/null
	run vpm inventory -l -f json
	run json_get '[(n["name"], n["instance"]) for n in d["namespaces"]]'
	assert_output '[["ns0", "vm1"], ["ns1", "vm2"], ["ns2", null], ["ns3", null]]'
	run --separate-stderr vpm claim vm1 LARGE --replace -f json
	assert_success
	run json_get '(d["created"], d["labels"], [n["name"] for n in d["namespaces"]], d["replaced"])'
	assert_output '[true, ["LARGE"], ["ns3"], ["ns0"]]'
	is_zero "$VPMEMCTL_DEV_DIR/dax0.0"
	run is_zero "$VPMEMCTL_DEV_DIR/dax0.1"
	assert_failure
	run is_zero "$VPMEMCTL_DEV_DIR/dax1.0"
	assert_failure
	run vpm inventory -l -f json
	run json_get '[(n["name"], n["state"], n["instance"]) for n in d["namespaces"]]'
	assert_output '[["ns0", "free", null], ["ns1", "claimed", "vm2"], ["ns2", "free", null], ["ns3", "claimed", "vm1"]]'
	run holders
	assert_output 'ns0=free ns1=vm2 ns2=free ns3=vm1'
	! grep -q -e releasing_pid -e replacing "$VPMEMCTL_STATE_DIR/state.json"
	run vpm claim vm1 LARGE
	assert_success
}

@test "--replace may reuse an old namespace, which is zeroed too (Nova carries no data)" {
	vpm claim vm1 6GB >/dev/null
	run --separate-stderr vpm claim vm1 '6GB,LARGE' --replace -f json
	assert_success
	run json_get '[n["name"] for n in d["namespaces"]]'
	assert_output '["ns0", "ns3"]'
	is_zero "$VPMEMCTL_DEV_DIR/dax0.0"
	run is_zero "$VPMEMCTL_DEV_DIR/dax1.0"
	assert_failure
	run holders
	assert_output 'ns0=vm1 ns1=free ns2=free ns3=vm1'
}

@test "--replace with the same labels does nothing: exit 0, created false" {
	vpm claim vm1 6GB >/dev/null
	run --separate-stderr vpm claim vm1 6GB --replace -f json
	assert_success
	run json_get '(d["created"], [n["name"] for n in d["namespaces"]])'
	assert_output '[false, ["ns0"]]'
	run is_zero "$VPMEMCTL_DEV_DIR/dax0.0"
	assert_failure
}

@test "--replace without a claim is exit 3" {
	run vpm claim vm1 6GB --replace
	assert_failure 3
	assert_output --partial "instance vm1 holds no claim; claim without --replace"
	[ "$(holders)" = 'ns0=free ns1=free ns2=free ns3=free' ] || [ ! -e "$VPMEMCTL_STATE_DIR/state.json" ]
}

@test "--replace short of capacity: exit 4, the old claim untouched" {
	vpm claim vm1 6GB >/dev/null
	vpm claim vm2 LARGE >/dev/null
	cp "$VPMEMCTL_STATE_DIR/state.json" "$SCRATCH/before"
	run vpm claim vm1 LARGE --replace
	assert_failure 4
	assert_output --partial "not enough free namespaces for label 'LARGE'"
	assert_output --partial "instance vm1 keeps its claim"
	cmp "$SCRATCH/before" "$VPMEMCTL_STATE_DIR/state.json"
	run is_zero "$VPMEMCTL_DEV_DIR/dax0.0"
	assert_failure
}

@test "--replace counts the old namespaces as available: 6GB,6GB,6GB fits with one held" {
	vpm claim vm1 6GB >/dev/null
	run --separate-stderr vpm claim vm1 '6GB,6GB,6GB' --replace -f json
	assert_success
	run json_get '[n["name"] for n in d["namespaces"]]'
	assert_output '["ns0", "ns1", "ns2"]'
}

@test "--replace honours --numa-node" {
	vpm claim vm1 6GB >/dev/null
	run vpm claim vm1 LARGE --replace --numa-node 0
	assert_failure 4
	assert_output --partial "on NUMA node 0"
	run --separate-stderr vpm claim vm1 LARGE --replace --numa-node 1 -f json
	assert_success
	run json_get '[n["name"] for n in d["namespaces"]]'
	assert_output '["ns3"]'
}

@test "--replace skips a free namespace a process uses, as claim does" {
	vpm claim vm1 LARGE >/dev/null
	sleep 60 3<"$VPMEMCTL_DEV_DIR/dax0.0" &
	HOLDER=$!
	wait_exec "$HOLDER" sleep
	run --separate-stderr vpm claim vm1 6GB --replace -f json
	assert_success
	run json_get '[n["name"] for n in d["namespaces"]]'
	assert_output '["ns1"]'
}

@test "--replace while a process holds an old namespace: exit 6 naming it, nothing changed" {
	vpm claim vm1 '6GB,LARGE' >/dev/null
	cp "$VPMEMCTL_STATE_DIR/state.json" "$SCRATCH/before"
	sleep 60 3<"$VPMEMCTL_DEV_DIR/dax1.0" &
	HOLDER=$!
	wait_exec "$HOLDER" sleep
	run vpm claim vm1 '6GB' --replace
	assert_failure 6
	assert_output --partial "namespace ns3 ($VPMEMCTL_DEV_DIR/dax1.0) is open by pid $HOLDER (sleep)"
	assert_output --partial "instance vm1 keeps its claim"
	cmp "$SCRATCH/before" "$VPMEMCTL_STATE_DIR/state.json"
	run is_zero "$VPMEMCTL_DEV_DIR/dax0.0"
	assert_failure
	run is_zero "$VPMEMCTL_DEV_DIR/dax1.0"
	assert_failure
}

@test "--replace --dry-run says what would happen and changes nothing" {
	vpm claim vm1 6GB >/dev/null
	cp "$VPMEMCTL_STATE_DIR/state.json" "$SCRATCH/before"
	run --separate-stderr vpm claim vm1 LARGE --replace --dry-run -f json
	assert_success
	[[ "$stderr" == *"dry run: nothing was changed; ns0 would be zeroed"* ]]
	run json_get '([n["name"] for n in d["namespaces"]], d["replaced"], d["created"])'
	assert_output '[["ns3"], ["ns0"], false]'
	cmp "$SCRATCH/before" "$VPMEMCTL_STATE_DIR/state.json"
	run is_zero "$VPMEMCTL_DEV_DIR/dax0.0"
	assert_failure
}

@test "--replace killed mid-zeroing: every namespace in one place, commands refuse or work, release --keep finishes" {
	big_standin dax0.0 384
	vpm claim vm1 6GB >/dev/null
	"$VPMEMCTL_BIN" -N "$NOVA_SPEC" claim vm1 LARGE --replace >/dev/null 2>&1 &
	CLAIM=$!
	wait_mark
	kill -9 "$CLAIM"
	wait "$CLAIM" || true
	CLAIM=
	# the new claim, its old namespace still to zero, nothing in two places
	run holders
	assert_output 'ns0=vm1-pending ns1=free ns2=free ns3=vm1'
	# format version 2 while a namespace is pending: a version-1 reader
	# would take it for free, so it must refuse the file instead
	grep -q '"version": *2' "$VPMEMCTL_STATE_DIR/state.json"
	run vpm inventory -l -f json
	run json_get '[(n["name"], n["state"], n["instance"]) for n in d["namespaces"]]'
	assert_output '[["ns0", "release-interrupted", "vm1"], ["ns1", "free", null], ["ns2", "free", null], ["ns3", "release-interrupted", "vm1"]]'
	run vpm claim vm1 LARGE
	assert_failure 3
	assert_output --partial "finish it with: vpmemctl release vm1 --keep"
	run vpm claim vm1 6GB --replace
	assert_failure 3
	run vpm render-xml vm1
	assert_failure 3
	assert_output --partial "finish it with: vpmemctl release vm1 --keep"
	# the pending namespace is not handed to anyone
	run vpm claim vm2 '6GB,6GB,6GB'
	assert_failure 4
	run vpm verify
	assert_output --partial "vm1"
	run vpm release vm1 --keep
	assert_success
	zero_file "$VPMEMCTL_DEV_DIR/dax0.0"
	run holders
	assert_output 'ns0=free ns1=free ns2=free ns3=vm1'
	! grep -q -e releasing_pid -e replacing "$VPMEMCTL_STATE_DIR/state.json"
	grep -q '"version": *1' "$VPMEMCTL_STATE_DIR/state.json"
	run vpm claim vm1 LARGE
	assert_success
	run vpm render-xml vm1
	assert_success
}

@test "--replace killed mid-zeroing is finished by a plain release too, freeing everything" {
	big_standin dax0.0 384
	vpm claim vm1 6GB >/dev/null
	"$VPMEMCTL_BIN" -N "$NOVA_SPEC" claim vm1 LARGE --replace >/dev/null 2>&1 &
	CLAIM=$!
	wait_mark
	kill -9 "$CLAIM"
	wait "$CLAIM" || true
	CLAIM=
	run vpm release vm1
	assert_success
	run holders
	assert_output 'ns0=free ns1=free ns2=free ns3=free'
}

@test "a replace and a rebuild (release --keep) are logged to syslog" {
	logged '"$VPMEMCTL_BIN" -N "$NOVA_SPEC" claim vm1 6GB >/dev/null
		"$VPMEMCTL_BIN" -N "$NOVA_SPEC" claim vm1 LARGE --replace >/dev/null
		"$VPMEMCTL_BIN" -N "$NOVA_SPEC" release vm1 --keep >/dev/null'
	run cat "$SCRATCH/syslog"
	assert_line --regexp 'vpmemctl\[[0-9]+\]: claim instance=vm1 namespaces=ns3 replaced=ns0 outcome=replaced user=[^ ]+$'
	assert_line --regexp 'vpmemctl\[[0-9]+\]: release instance=vm1 namespaces=ns3 scrub=done outcome=kept user=[^ ]+$'
}
