#!/usr/bin/env bats
# Media health (issue 18): bad blocks inside a namespace, DIMM health and
# dirty shutdowns, from snapshots in the shape `ndctl list -N -X -v -D -H -R`
# prints: {"dimms": [...], "regions": [{"mappings": [...], "namespaces": [...]}]}.
# The example host: ns0-ns2 in region0 on nmem0 (id ...0bb3, 3 dirty
# shutdowns), ns3 in region1 on nmem1 (id ...0cc4, 5).

bats_require_minimum_version 1.5.0
load helpers

ID0=8089-a2-1837-00000bb3
ID1=8089-a2-1837-00000cc4

setup() {
	common_setup
	standins
	use healthy
}

# use NAME: the snapshot tests/cli/data/media-NAME.json, copied so that a
# test may change it.
use() {
	cp "$DATA/media-$1.json" "$SCRATCH/host.json"
	export VPMEMCTL_HOST_SNAPSHOT="$SCRATCH/host.json"
}

# edit_host PYTHON: change the snapshot in place; d is the document.
edit_host() {
	edit_json "$VPMEMCTL_HOST_SNAPSHOT" "$1"
}

# codes: "severity:code:subject" of each finding of the last `verify -f json`.
codes() {
	json_get '" ".join("%s:%s:%s" % (f["severity"], f["code"], f["subject"]) for f in d["findings"])'
}

# state_get EXPR: EXPR over the state file, bound to s.
state_get() {
	python3 -c 'import json,sys; s=json.load(open(sys.argv[1])); print(json.dumps(eval(sys.argv[2])))' \
		"$VPMEMCTL_STATE_DIR/state.json" "$1"
}

@test "healthy host: no bad blocks, health ok, each namespace on its region's DIMM" {
	run --separate-stderr vpm inventory -l
	assert_success
	assert_line --index 0 --regexp '^NAME +LABEL +DEV +DEVPATH +SIZE +ALIGN +BADBLOCKS +HEALTH +NUMA +STATE +INSTANCE$'
	assert_line --index 2 --regexp '^ns1 +6GB +namespace0\.1 +/.*/dax0\.1 +6\.00 GiB +2\.00 MiB +0 +ok +0 +free +-$'
	assert_line --index 4 --regexp '^ns3 +LARGE +namespace1\.0 +/.*/dax1\.0 +30\.00 GiB +2\.00 MiB +0 +ok +1 +free +-$'
	run --separate-stderr vpm inventory -f json
	assert_success
	run json_get '[(n["name"], n["badblock_count"], n["dimm_health"], n["dimms"], n["state"]) for n in d["namespaces"]]'
	assert_output '[["ns0", 0, "ok", ["nmem0"], "free"], ["ns1", 0, "ok", ["nmem0"], "free"], ["ns2", 0, "ok", ["nmem0"], "free"], ["ns3", 0, "ok", ["nmem1"], "free"]]'
	run vpm verify
	assert_success
	assert_output --partial 'VPMEMCTL OK'
}

@test "bad blocks inside a namespace: state bad-blocks, reserved in the table, JSON and Placement, a warning" {
	use bb-inside
	run --separate-stderr vpm inventory
	assert_success
	assert_line --regexp '^CUSTOM_PMEM_NAMESPACE_6GB +6GB +3 +1 +0 +2 '
	[[ $stderr == *"namespace 'ns1' (namespace0.1): 9 known bad blocks"* ]]
	[[ $stderr == *"ndctl clear-errors namespace0.1"* ]]
	run --separate-stderr vpm inventory -l
	assert_line --index 2 --regexp '^ns1 +6GB .* +9 +ok +0 +bad-blocks +-$'
	run --separate-stderr vpm inventory -f json
	run json_get '[d["namespaces"][1]["badblock_count"], d["namespaces"][1]["state"], [c["reserved"] for c in d["resource_classes"]]]'
	assert_output '[9, "bad-blocks", [1, 0]]'
	run --separate-stderr vpm inventory -f placement
	run json_get 'd["inventories"]["CUSTOM_PMEM_NAMESPACE_6GB"]["reserved"]'
	assert_output '1'
}

@test "claim never hands out a namespace with bad blocks" {
	use bb-inside
	run vpm claim vm1 6GB,6GB,6GB
	assert_failure 4
	assert_output --partial "not enough free namespaces for label '6GB': asked for 3, it has 3, 2 free"
	[ ! -e "$VPMEMCTL_STATE_DIR/state.json" ] || [ "$(state_get 'len(s["claims"])')" = 0 ]
	run --separate-stderr vpm claim vm1 6GB,6GB -f json
	assert_success
	run json_get '[n["name"] for n in d["namespaces"]]'
	assert_output '["ns0", "ns2"]'
}

@test "verify: bad blocks are CRITICAL media-bad-blocks, with the count and the remedy" {
	use bb-inside
	run vpm verify -f json
	assert_failure 2
	run codes
	assert_output '"error:media-bad-blocks:6GB/ns1"'
	run vpm verify
	assert_line --index 0 --partial "VPMEMCTL CRITICAL - 1 error, 0 warnings: label '6GB', namespace 'ns1' (namespace0.1): 9 known bad blocks (512-byte sectors), the first at byte 4096"
	assert_output --partial 'ndctl clear-errors namespace0.1'
}

@test "bad blocks of the region just outside a namespace are not the namespace's" {
	use bb-outside
	# the fixture has them: one sector before ns1's data, one after
	run python3 -c 'import json,sys; r=json.load(open(sys.argv[1]))["regions"][0]; print(r["badblock_count"], "badblock_count" in r["namespaces"][1])' "$VPMEMCTL_HOST_SNAPSHOT"
	assert_output '2 False'
	run --separate-stderr vpm inventory -l
	assert_success
	refute_output --partial 'bad-blocks'
	run vpm verify
	assert_success
}

@test "badblock_count without the runs (saved without -M) still counts" {
	edit_host 'd["regions"][0]["namespaces"][2]["badblock_count"] = 3'
	run --separate-stderr vpm inventory -l
	assert_line --index 3 --regexp '^ns2 +6GB .* +3 +ok +0 +bad-blocks +-$'
	[[ $stderr == *"namespace 'ns2' (namespace0.2): 3 known bad blocks (512-byte sectors); a guest"* ]]
}

@test "a DIMM in critical health: its namespaces dimm-failing, never claimed, CRITICAL media-dimm-failing" {
	use dimm-critical
	run --separate-stderr vpm inventory -l
	assert_line --index 4 --regexp '^ns3 +LARGE .* +0 +critical +1 +dimm-failing +-$'
	assert_line --index 1 --regexp ' +0 +ok +0 +free +-$'
	run --separate-stderr vpm inventory -f json
	run json_get '[c["reserved"] for c in d["resource_classes"]]'
	assert_output '[0, 1]'
	run vpm claim vm1 LARGE
	assert_failure 4
	run vpm claim vm1 6GB
	assert_success
	run vpm verify -f json
	assert_failure 2
	run codes
	assert_output '"error:media-dimm-failing:LARGE/ns3"'
	run vpm verify
	assert_output --partial "is on a failing DIMM (nmem1 in critical health); replace the DIMM"
}

@test "a DIMM in fatal health is failing too; the worst DIMM under a namespace counts" {
	edit_host 'd["dimms"][0]["health"]["health_state"] = "fatal"'
	run --separate-stderr vpm inventory -l
	assert_line --index 1 --regexp ' +0 +fatal +0 +dimm-failing +-$'
	# a namespace on two DIMMs: the worse one wins
	edit_host 'd["dimms"][0]["health"]["health_state"] = "ok"; d["dimms"][1]["health"]["health_state"] = "critical"; d["regions"][0]["mappings"].append({"dimm": "nmem1", "offset": 0, "length": 1, "position": 1})'
	run --separate-stderr vpm inventory -f json
	run json_get '[(n["dimm_health"], n["dimms"], n["state"]) for n in d["namespaces"]][0]'
	assert_output '["critical", ["nmem0", "nmem1"], "dimm-failing"]'
}

@test "non-critical health or an alarm is a WARNING (media-dimm-degraded) and the namespace is still handed out" {
	use dimm-degraded
	run vpm verify -f json
	assert_failure 1
	run codes
	assert_output '"warning:media-dimm-degraded:nmem1"'
	run vpm verify
	assert_output --partial 'DIMM nmem1, under namespaces ns3: health non-critical, spare blocks alarm; plan its replacement'
	run --separate-stderr vpm claim vm1 LARGE -f json
	assert_success
	run json_get '[d["namespaces"][0]["name"], d["namespaces"][0]["dimm_health"]]'
	assert_output '["ns3", "non-critical"]'
	# an alarm alone, health ok
	edit_host 'd["dimms"][1]["health"]["health_state"] = "ok"; d["dimms"][1]["health"]["alarm_spares"] = False; d["dimms"][1]["health"]["alarm_temperature"] = True'
	run vpm verify
	assert_failure 1
	assert_output --partial 'health ok, media temperature alarm (check the cooling)'
}

@test "a claim records its DIMMs' dirty-shutdown counts by DIMM id" {
	run vpm claim vm1 6GB,LARGE
	assert_success
	run state_get '[n.get("shutdown_counts") for n in s["claims"][0]["namespaces"]]'
	assert_output "[{\"$ID0\": 3}, {\"$ID1\": 5}]"
}

@test "a dirty shutdown since the claim is CRITICAL media-dirty-shutdown; an unchanged count is not" {
	vpm claim vm1 6GB,LARGE >/dev/null
	run vpm verify
	assert_success
	use shutdown-grown
	run vpm verify -f json
	assert_failure 2
	run codes
	assert_output '"error:media-dirty-shutdown:claim vm1"'
	run vpm verify
	assert_output --partial "namespace 'ns0' of vm1: DIMM nmem0 has shut down dirty 1 time since it was claimed (count 4, then 3): the guest's data may be torn; check its file systems, then run vpmemctl verify --acknowledge-shutdown vm1"
	# nothing else changes: the namespace stays the guest's, others claimable
	run vpm claim vm2 6GB
	assert_success
	run vpm verify -f json
	run codes
	assert_output '"error:media-dirty-shutdown:claim vm1"'
}

@test "--acknowledge-shutdown records the counts as they are now and clears the finding" {
	vpm claim vm1 6GB >/dev/null
	use shutdown-grown
	logged "\"\$VPMEMCTL_BIN\" -N \"\$NOVA_SPEC\" verify --acknowledge-shutdown vm1 >/dev/null || true"
	grep -q "acknowledge-shutdown instance=vm1 outcome=recorded" "$SCRATCH/syslog"
	run state_get 's["claims"][0]["namespaces"][0]["shutdown_counts"]'
	assert_output "{\"$ID0\": 4}"
	run vpm verify
	assert_success
}

@test "--acknowledge-shutdown of an instance without a claim is UNKNOWN and records nothing" {
	vpm claim vm1 6GB >/dev/null
	use shutdown-grown
	cp "$VPMEMCTL_STATE_DIR/state.json" "$SCRATCH/before.json"
	run --separate-stderr vpm verify --acknowledge-shutdown vm1 --acknowledge-shutdown nosuch
	assert_failure 3
	assert_line --index 0 --partial 'VPMEMCTL UNKNOWN'
	[[ $stderr == *'instance nosuch holds no claim'* ]]
	cmp "$SCRATCH/before.json" "$VPMEMCTL_STATE_DIR/state.json"
	run vpm verify --acknowledge-shutdown 'bad/name'
	assert_failure 3
	assert_output --partial "'bad/name' is not an instance name"
}

@test "a rebuild (release --keep) records the counts anew" {
	vpm claim vm1 6GB >/dev/null
	use shutdown-grown
	run vpm release vm1 --keep
	assert_success
	run state_get 's["claims"][0]["namespaces"][0]["shutdown_counts"]'
	assert_output "{\"$ID0\": 4}"
	run vpm verify
	assert_success
}

@test "a host that reports no counts: the claim records none and no dirty shutdown is ever reported" {
	export VPMEMCTL_HOST_SNAPSHOT="$EXAMPLE/ndctl-list.json"
	run vpm claim vm1 6GB
	assert_success
	run state_get '"shutdown_counts" in s["claims"][0]["namespaces"][0]'
	assert_output 'false'
	use shutdown-grown
	run vpm verify
	assert_success
}

@test "a claimed namespace whose media goes bad stays its guest's, is zeroed and freed by release" {
	vpm claim vm1 6GB >/dev/null
	edit_host 'n = d["regions"][0]["namespaces"][0]; n["badblock_count"] = 1; n["badblocks"] = [{"offset": 0, "length": 1}]'
	run --separate-stderr vpm inventory -l
	assert_line --index 1 --regexp '^ns0 +6GB .* +1 +ok +0 +claimed +vm1$'
	run vpm verify -f json
	run codes
	assert_output '"error:media-bad-blocks:6GB/ns0"'
	run vpm release vm1
	assert_success
	is_zero "$VPMEMCTL_DEV_DIR/dax0.0"
	run --separate-stderr vpm inventory -l
	assert_line --index 1 --regexp ' +bad-blocks +-$'
}

@test "verify --repair leaves a quarantined namespace with bad blocks alone, naming the remedy" {
	cat >"$VPMEMCTL_STATE_DIR/state.json" <<-'EOF'
	{"version": 1, "generation": 1, "claims": [], "quarantine": [{"name": "ns1", "reason": "media error (SIGBUS)", "since": "2026-11-30T00:00:00Z"}]}
	EOF
	chmod 600 "$VPMEMCTL_STATE_DIR/state.json"
	use bb-inside
	run vpm verify --repair
	assert_failure 2
	assert_output --partial 'cannot repair ns1: it has 9 known bad blocks; clear them first (ndctl clear-errors namespace0.1)'
	run state_get '[q["name"] for q in s["quarantine"]]'
	assert_output '["ns1"]'
	# pattern untouched: nothing was zeroed
	! is_zero "$VPMEMCTL_DEV_DIR/dax0.1"
}

@test "a snapshot with bad media fields is refused, naming the field" {
	edit_host 'd["dimms"][0]["health"]["health_state"] = "smouldering"'
	run vpm inventory
	assert_failure 1
	assert_output --partial 'dimm entry 0 (nmem0): unknown "health_state" "smouldering"'
	use healthy
	edit_host 'd["dimms"][1]["health"]["alarm_spares"] = "yes"'
	run vpm inventory
	assert_failure 1
	assert_output --partial 'dimm entry 1 (nmem1): "alarm_spares" is not true or false'
	use healthy
	edit_host 'd["regions"][0]["namespaces"][1]["badblock_count"] = "9"'
	run vpm inventory
	assert_failure 1
	assert_output --partial 'namespace entry 1 (namespace0.1): "badblock_count" is not a whole number'
	use healthy
	# a DIMM twice: its health would be the last entry's, critical read as ok
	edit_host 'd["dimms"][0]["health"]["health_state"] = "critical"; d["dimms"].append({"dev": "nmem0", "health": {"health_state": "ok"}})'
	run vpm inventory
	assert_failure 1
	assert_output --partial 'dimm entry 2 (nmem0): listed twice'
	use healthy
	edit_host 'd["regions"][1]["mappings"] = [{"offset": 0}]'
	run vpm inventory
	assert_failure 1
	assert_output --partial 'a mapping of a region has no "dimm" string'
}

@test "claim --replace with the same labels moves a guest off a namespace gone bad (verify's remedy)" {
	vpm claim vm1 6GB >/dev/null
	edit_host 'n = d["regions"][0]["namespaces"][0]; n["badblock_count"] = 1; n["badblocks"] = [{"offset": 0, "length": 1}]'
	run --separate-stderr vpm claim --replace vm1 6GB -f json
	assert_success
	run json_get '[[n["name"] for n in d["namespaces"]], d["replaced"], d["created"]]'
	assert_output '[["ns1"], ["ns0"], true]'
	is_zero "$VPMEMCTL_DEV_DIR/dax0.0"
	run --separate-stderr vpm inventory -l
	assert_line --index 1 --regexp ' +bad-blocks +-$'
	assert_line --index 2 --regexp ' +claimed +vm1$'
	# on healthy media the same labels still change nothing
	run --separate-stderr vpm claim --replace vm1 6GB -f json
	assert_success
	run json_get '[[n["name"] for n in d["namespaces"]], d["created"]]'
	assert_output '[["ns1"], false]'
	# off a failing DIMM too; LARGE has no other namespace: exit 4, kept
	vpm claim vm2 LARGE >/dev/null
	use dimm-critical
	run vpm claim --replace vm2 LARGE
	assert_failure 4
	assert_output --partial 'instance vm2 keeps its claim'
	run state_get '[c["namespaces"][0]["name"] for c in s["claims"]]'
	assert_output '["ns1", "ns3"]'
}

@test "--acknowledge-shutdown of an instance without a claim changes nothing, --repair included" {
	cat >"$VPMEMCTL_STATE_DIR/state.json" <<-'EOF2'
	{"version": 1, "generation": 1, "claims": [], "quarantine": [{"name": "ns1", "reason": "cannot open", "since": "2026-11-30T00:00:00Z"}]}
	EOF2
	chmod 600 "$VPMEMCTL_STATE_DIR/state.json"
	cp "$VPMEMCTL_STATE_DIR/state.json" "$SCRATCH/before.json"
	run --separate-stderr vpm verify --repair --acknowledge-shutdown nosuch
	assert_failure 3
	assert_line --index 0 --partial 'VPMEMCTL UNKNOWN'
	[[ $stderr == *'instance nosuch holds no claim'* ]]
	cmp "$SCRATCH/before.json" "$VPMEMCTL_STATE_DIR/state.json"
	! is_zero "$VPMEMCTL_DEV_DIR/dax0.1"
}

@test "a count recorded under the DIMM's name (no id then) is still watched once the host gives an id" {
	edit_host 'del d["dimms"][0]["id"]'
	vpm claim vm1 6GB >/dev/null
	run state_get 's["claims"][0]["namespaces"][0]["shutdown_counts"]'
	assert_output '{"nmem0": 3}'
	use shutdown-grown
	run vpm verify -f json
	assert_failure 2
	run codes
	assert_output '"error:media-dirty-shutdown:claim vm1"'
	"$VPMEMCTL_BIN" -N "$NOVA_SPEC" verify --acknowledge-shutdown vm1 >/dev/null
	run state_get 's["claims"][0]["namespaces"][0]["shutdown_counts"]'
	assert_output "{\"$ID0\": 4}"
	run vpm verify
	assert_success
}

@test "--acknowledge-shutdown while the host reports no counts keeps the counts recorded: still watched" {
	vpm claim vm1 6GB >/dev/null
	# a host that says nothing of its DIMMs for now
	edit_host 'del d["dimms"][0]["health"]'
	"$VPMEMCTL_BIN" -N "$NOVA_SPEC" verify --acknowledge-shutdown vm1 >/dev/null
	run state_get 's["claims"][0]["namespaces"][0]["shutdown_counts"]'
	assert_output "{\"$ID0\": 3}"
	use shutdown-grown
	run vpm verify -f json
	assert_failure 2
	run codes
	assert_output '"error:media-dirty-shutdown:claim vm1"'
}
