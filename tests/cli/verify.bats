#!/usr/bin/env bats
# vpmemctl verify: each broken situation built for real, checked for its code,
# severity and Nagios exit status (0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN).

bats_require_minimum_version 1.5.0
load helpers

setup() { common_setup; standins; }

teardown() {
	[ -z "${HOLDER:-}" ] || kill "$HOLDER" 2>/dev/null || true
	[ -z "${REPAIR:-}" ] || kill -9 "$REPAIR" 2>/dev/null || true
	[ -z "${SHM:-}" ] || rm -rf "$SHM"
}

# codes: the finding codes of the last `run vpm verify -f json`, one line.
codes() {
	json_get '" ".join("%s:%s" % (f["severity"], f["code"]) for f in d["findings"])'
}

@test "all well: OK, exit 0, a summary line a monitoring system can show" {
	vpm claim vm1 6GB >/dev/null
	run vpm verify
	assert_success
	assert_output "VPMEMCTL OK - 4 namespaces, 1 claim | namespaces=4;;;0 claims=1;;;0 free=3;;;0;4 free_6GB=2;;;0;3 free_LARGE=1;;;0;1 quarantined=0;;;0;4"
}

@test "-q prints nothing when all is well, for cron" {
	run vpm verify -q
	assert_success
	assert_output ""
}

@test "-q still prints the problems" {
	rm "$VPMEMCTL_DEV_DIR/dax1.0"
	run vpm verify -q
	assert_failure 2
	assert_line --index 0 --partial "VPMEMCTL CRITICAL - 1 error, 0 warnings"
}

@test "invalid configuration: every problem a CRITICAL finding with its code" {
	run --separate-stderr "$VPMEMCTL_BIN" --host-snapshot "$DATA/host-mixed.json" \
		-N 'X,A:nosuch|fsns|good0|good0,B:offns|nodevns' verify -f json
	assert_failure 2
	run json_get 'd["status"]'
	assert_output '"critical"'
	run --separate-stderr "$VPMEMCTL_BIN" --host-snapshot "$DATA/host-mixed.json" \
		-N 'X,A:nosuch|fsns|good0|good0,B:offns|nodevns' verify -f json
	run codes
	assert_output '"error:config-syntax error:config-duplicate error:host-missing error:host-not-devdax error:host-disabled error:host-no-chardev"'
}

@test "the status line quotes the worst finding, with no '|' before the performance data" {
	snapshot_copy
	edit_json "$SCRATCH/host.json" 'd[1]["size"] = 8589934592'
	run vpm -N '6GB:ns0|ns1|ns2,LARGE:ns3,X' verify
	assert_failure 2
	assert_line --index 0 --regexp "^VPMEMCTL CRITICAL - 1 error, 1 warning: entry 'X': no ':' between label and namespaces \(expected LABEL:NS\[/NS\.\.\.\]\) \| namespaces=4;;;0 "
}

@test "UNKNOWN with -f json is still a JSON document" {
	run --separate-stderr vpm verify -f json --libvirt-dir "$SCRATCH/nope"
	assert_failure 3
	run json_get '(d["status"], d["findings"])'
	assert_output '["unknown", []]'
}

@test "pmem_namespaces set nowhere is CRITICAL" {
	run --separate-stderr "$VPMEMCTL_BIN" verify -f json
	assert_failure 2
	run codes
	assert_output '"error:config-unset"'
}

@test "a label whose namespaces differ in size is a WARNING" {
	snapshot_copy
	edit_json "$SCRATCH/host.json" 'd[1]["size"] = 8589934592'
	run --separate-stderr vpm verify -f json
	assert_failure 1
	run codes
	assert_output '"warning:config-unequal-sizes"'
}

@test "a configured namespace whose device is missing is CRITICAL" {
	rm "$VPMEMCTL_DEV_DIR/dax0.2"
	run --separate-stderr vpm verify -f json
	assert_failure 2
	run json_get '[(f["code"], f["subject"]) for f in d["findings"]]'
	assert_output '[["host-device-missing", "6GB/ns2"]]'
}

@test "devices: a directory or a link is not the device (a scrub follows no link), a dangling link is missing" {
	mkdir "$SCRATCH/elsewhere"
	mv "$VPMEMCTL_DEV_DIR/dax0.0" "$SCRATCH/elsewhere/dax0.0"
	ln -s "$SCRATCH/elsewhere/dax0.0" "$VPMEMCTL_DEV_DIR/dax0.0"
	rm "$VPMEMCTL_DEV_DIR/dax0.1"
	mkdir "$VPMEMCTL_DEV_DIR/dax0.1"
	ln -sf "$SCRATCH/nothing-here" "$VPMEMCTL_DEV_DIR/dax1.0"
	run --separate-stderr vpm verify -f json
	assert_failure 2
	run json_get '[(f["code"], f["subject"], f["message"].split(";")[0]) for f in d["findings"]]'
	assert_output "[[\"host-device-not-namespace\", \"6GB/ns0\", \"namespace 'ns0': $VPMEMCTL_DEV_DIR/dax0.0 is not its device (neither a character device nor a regular file)\"], [\"host-device-not-namespace\", \"6GB/ns1\", \"namespace 'ns1': $VPMEMCTL_DEV_DIR/dax0.1 is not its device (neither a character device nor a regular file)\"], [\"host-device-missing\", \"LARGE/ns3\", \"namespace 'ns3' (namespace1.0): device $VPMEMCTL_DEV_DIR/dax1.0: No such file or directory\"]]"
}

@test "a device directory that is not there: every device missing" {
	export VPMEMCTL_DEV_DIR="$SCRATCH/no-such-dir"
	run --separate-stderr vpm verify -f json
	assert_failure 2
	run codes
	assert_output '"error:host-device-missing error:host-device-missing error:host-device-missing error:host-device-missing"'
}

@test "unequal sizes are reported once for each label that has them" {
	snapshot_copy
	edit_json "$SCRATCH/host.json" 'd[1]["size"] = 8589934592; d[2]["size"] = 4294967296'
	# A: ns0 6 GiB, ns1 8 and ns2 4: two differences, one finding for A.
	run --separate-stderr "$VPMEMCTL_BIN" -N 'A:ns0|ns1|ns2,B:ns3' verify -f json
	run json_get '[(f["code"], f["subject"]) for f in d["findings"] if f["code"] == "config-unequal-sizes"]'
	assert_output '[["config-unequal-sizes", "A"]]'
	run --separate-stderr "$VPMEMCTL_BIN" -N 'A:ns0|ns1,B:ns2|ns3' verify -f json
	run json_get '[(f["code"], f["subject"]) for f in d["findings"] if f["code"] == "config-unequal-sizes"]'
	assert_output '[["config-unequal-sizes", "A"], ["config-unequal-sizes", "B"]]'
}

@test "a host that cannot be read is CRITICAL" {
	echo '[{"dev": ' >"$SCRATCH/broken.json"
	run --separate-stderr vpm --host-snapshot "$SCRATCH/broken.json" verify -f json
	assert_failure 2
	run codes
	assert_output '"error:host-unreadable"'
}

@test "a state that does not parse is CRITICAL, and is left as it was" {
	vpm claim vm1 6GB >/dev/null
	echo '{"version": 1, "gener' >"$VPMEMCTL_STATE_DIR/state.json"
	run --separate-stderr vpm verify -f json
	assert_failure 2
	run codes
	assert_output '"error:state-unreadable"'
	[ "$(cat "$VPMEMCTL_STATE_DIR/state.json")" = '{"version": 1, "gener' ]
}

@test "a claim of a namespace no longer configured is CRITICAL" {
	vpm claim vm1 LARGE >/dev/null
	run --separate-stderr "$VPMEMCTL_BIN" -N '6GB:ns0|ns1|ns2' verify -f json
	assert_failure 2
	run json_get '[(f["code"], f["subject"]) for f in d["findings"]]'
	assert_output '[["state-unknown-namespace", "claim vm1"]]'
}

@test "a claimed namespace destroyed and re-created (new uuid) is CRITICAL" {
	snapshot_copy
	vpm claim vm1 LARGE >/dev/null
	edit_json "$SCRATCH/host.json" 'd[3]["uuid"] = "0000aaaa-0000-4000-8000-000000000001"'
	run --separate-stderr vpm verify -f json
	assert_failure 2
	run json_get '[(f["code"], "data is gone" in f["message"]) for f in d["findings"]]'
	assert_output '[["state-uuid-changed", true]]'
}

@test "a namespace held by two claims is CRITICAL" {
	vpm claim vm1 6GB >/dev/null
	vpm claim vm2 LARGE >/dev/null
	edit_json "$VPMEMCTL_STATE_DIR/state.json" 'd["claims"][1]["namespaces"][0] = dict(d["claims"][0]["namespaces"][0], label="LARGE")'
	run --separate-stderr vpm verify -f json
	assert_failure 2
	run json_get '[f["code"] for f in d["findings"]]'
	assert_output '["state-double-claim"]'
}

@test "a namespace a replace has still to zero and another claim holds is CRITICAL" {
	vpm claim vm1 6GB >/dev/null
	vpm claim vm2 6GB >/dev/null
	# vm2 has ns1; vm1's replace left ns1 to zero as well
	edit_json "$VPMEMCTL_STATE_DIR/state.json" 'd["version"] = 2; d["claims"][0]["replacing"] = [dict(d["claims"][1]["namespaces"][0])]'
	run --separate-stderr vpm verify -f json
	assert_failure 2
	run json_get '[(f["code"], f["subject"]) for f in d["findings"] if f["code"] == "state-double-claim"]'
	assert_output '[["state-double-claim", "claim vm2"]]'
}

@test "an interrupted release is a WARNING" {
	vpm claim vm1 6GB >/dev/null
	edit_json "$VPMEMCTL_STATE_DIR/state.json" 'd["claims"][0]["releasing_pid"] = 999999999'
	run --separate-stderr vpm verify -f json
	assert_failure 1
	run codes
	assert_output '"warning:state-release-interrupted"'
}

@test "a quarantined namespace is a WARNING; --repair scrubs it and puts it back" {
	vpm claim vm1 6GB >/dev/null
	mv "$VPMEMCTL_DEV_DIR/dax0.0" "$SCRATCH/away"
	run vpm release vm1
	assert_failure 1
	mv "$SCRATCH/away" "$VPMEMCTL_DEV_DIR/dax0.0"
	run --separate-stderr vpm verify -f json
	assert_failure 1
	run codes
	assert_output '"warning:state-quarantined"'
	run --separate-stderr vpm verify --repair -f json
	assert_success
	run json_get '(d["status"], d["repaired"])'
	assert_output '["ok", ["ns0"]]'
	is_zero "$VPMEMCTL_DEV_DIR/dax0.0"
	run vpm inventory -f json
	run json_get 'd["resource_classes"][0]["reserved"]'
	assert_output '0'
}

@test "--repair leaves a namespace in use quarantined" {
	vpm claim vm1 6GB >/dev/null
	mv "$VPMEMCTL_DEV_DIR/dax0.0" "$SCRATCH/away"
	vpm release vm1 2>/dev/null || true
	mv "$SCRATCH/away" "$VPMEMCTL_DEV_DIR/dax0.0"
	sleep 60 3<"$VPMEMCTL_DEV_DIR/dax0.0" &
	HOLDER=$!
	wait_exec "$HOLDER" sleep
	run vpm verify --repair
	assert_failure 1
	assert_output --partial "namespace ns0 ($VPMEMCTL_DEV_DIR/dax0.0) is open by pid $HOLDER (sleep)"
	assert_output --partial "state-quarantined"
}

@test "--repair of 1 GiB or more lets go of the state lock while it scrubs: a claim meanwhile is not locked out" {
	big_standin dax0.0 384
	vpm claim vm1 6GB >/dev/null
	mv "$VPMEMCTL_DEV_DIR/dax0.0" "$SCRATCH/away"
	vpm release vm1 >/dev/null 2>&1 || true
	mv "$SCRATCH/away" "$VPMEMCTL_DEV_DIR/dax0.0"
	"$VPMEMCTL_BIN" -N "$NOVA_SPEC" verify --repair >"$SCRATCH/out" 2>&1 &
	REPAIR=$!
	# until the repair has the device open: its scrub is under way
	python3 -c '
import os, sys, time
fds = "/proc/%s/fd" % sys.argv[1]
for _ in range(500):
    try:
        if any(os.readlink(os.path.join(fds, e)) == sys.argv[2] for e in os.listdir(fds)): break
    except OSError: pass
    time.sleep(0.01)' "$REPAIR" "$VPMEMCTL_DEV_DIR/dax0.0"
	kill -0 "$REPAIR"
	run vpm claim vm2 6GB --lock-timeout 0.2
	assert_success
	kill -0 "$REPAIR" || fail "the scrub was over before the claim: nothing was shown"
	wait "$REPAIR"
	REPAIR=
	run cat "$SCRATCH/out"
	assert_output --partial "VPMEMCTL OK"
	is_zero "$VPMEMCTL_DEV_DIR/dax0.0"
	run vpm inventory -f json
	run json_get '[n["state"] for n in d["namespaces"]]'
	assert_output '["free", "claimed", "free", "free"]'
}

# domain NAME UUID DEVPATH...: a domain file in $SCRATCH/qemu.
domain() {
	local name=$1 uuid=$2 p
	shift 2
	mkdir -p "$SCRATCH/qemu"
	{
		echo "<domain type='kvm'><name>$name</name><uuid>$uuid</uuid><memory>1048576</memory><devices>"
		for p in "$@"; do
			echo "<memory model='nvdimm'><source><path>$p</path></source><target><size>1024</size><node>0</node></target></memory>"
		done
		echo "</devices></domain>"
	} >"$SCRATCH/qemu/$name.xml"
}

@test "--libvirt-dir: domains matching their claims by name or uuid are OK" {
	vpm claim vm1 6GB >/dev/null
	vpm claim 2f3c8a1e-0c1b-4c55-9d7e-6a1b2c3d4e5f LARGE >/dev/null
	domain vm1 11111111-2222-4333-8444-555555555555 "$VPMEMCTL_DEV_DIR/dax0.0"
	domain other 2f3c8a1e-0c1b-4c55-9d7e-6a1b2c3d4e5f "$VPMEMCTL_DEV_DIR/dax1.0"
	run vpm verify --libvirt-dir "$SCRATCH/qemu"
	assert_success
}

@test "--libvirt-dir: a domain using a device it holds no claim for is CRITICAL" {
	domain vm1 11111111-2222-4333-8444-555555555555 "$VPMEMCTL_DEV_DIR/dax0.1"
	run --separate-stderr vpm verify --libvirt-dir "$SCRATCH/qemu" -f json
	assert_failure 2
	run json_get '[(f["code"], f["subject"]) for f in d["findings"]]'
	assert_output '[["libvirt-unclaimed-device", "domain vm1"]]'
}

@test "--libvirt-dir: a domain using a device claimed by another instance is CRITICAL" {
	vpm claim vm1 6GB >/dev/null
	vpm claim vm2 6GB >/dev/null
	domain vm1 11111111-2222-4333-8444-555555555555 "$VPMEMCTL_DEV_DIR/dax0.0"
	domain vm2 21111111-2222-4333-8444-555555555555 "$VPMEMCTL_DEV_DIR/dax0.0"
	run --separate-stderr vpm verify --libvirt-dir "$SCRATCH/qemu" -f json
	assert_failure 2
	run json_get '[(f["code"], f["subject"]) for f in d["findings"]]'
	assert_output '[["libvirt-foreign-device", "domain vm2"]]'
}

@test "--libvirt-dir: a claim with no domain is a WARNING" {
	vpm claim vm1 6GB >/dev/null
	mkdir -p "$SCRATCH/qemu"
	run --separate-stderr vpm verify --libvirt-dir "$SCRATCH/qemu" -f json
	assert_failure 1
	run codes
	assert_output '"warning:libvirt-no-domain"'
}

@test "--libvirt-dir that cannot be read is UNKNOWN" {
	run vpm verify --libvirt-dir "$SCRATCH/nope"
	assert_failure 3
	assert_output --partial "VPMEMCTL UNKNOWN"
}

@test "usage errors are UNKNOWN (3), before or after the subcommand" {
	run vpm verify --bogus
	assert_failure 3
	run vpm --bogus verify
	assert_failure 3
	run vpm verify extra
	assert_failure 3
	run vpm verify -f placement
	assert_failure 3
}

@test "vpmemctl-verify behaves as vpmemctl verify" {
	run "$(dirname "$VPMEMCTL_BIN")/vpmemctl-verify" -N "$NOVA_SPEC"
	assert_success
	assert_output --partial "VPMEMCTL OK"
	run "$(dirname "$VPMEMCTL_BIN")/vpmemctl-verify" --bogus
	assert_failure 3
}

@test "--libvirt-dir: a domain declaring entities (billion laughs) is reported at once, naming the file" {
	vpm claim vm1 6GB >/dev/null
	mkdir -p "$SCRATCH/qemu"
	{
		echo '<!DOCTYPE domain ['
		echo ' <!ENTITY lol "lol">'
		prev=lol
		for i in 1 2 3 4 5 6 7 8 9; do
			printf ' <!ENTITY lol%d "%s">\n' "$i" "$(printf '&%s;' $(yes "$prev" | head -10))"
			prev=lol$i
		done
		echo ']>'
		echo "<domain type='kvm'><name>&lol9;</name><devices><memory model='nvdimm'><source><path>&lol9;</path></source></memory></devices></domain>"
	} >"$SCRATCH/qemu/vm1.xml"
	run --separate-stderr timeout 5 "$VPMEMCTL_BIN" -N "$NOVA_SPEC" verify --libvirt-dir "$SCRATCH/qemu" -f json
	run json_get '[(f["code"], f["subject"]) for f in d["findings"] if f["code"] == "libvirt-unreadable"]'
	assert_output "[[\"libvirt-unreadable\", \"$SCRATCH/qemu/vm1.xml\"]]"
	run --separate-stderr timeout 5 "$VPMEMCTL_BIN" -N "$NOVA_SPEC" verify --libvirt-dir "$SCRATCH/qemu"
	assert_output --partial "document type declaration"
}

@test "--repair drops a quarantine entry whose namespace is neither on the host nor configured, and says so" {
	vpm claim vm1 6GB >/dev/null
	edit_json "$VPMEMCTL_STATE_DIR/state.json" \
		'd["quarantine"] = [{"name": n, "reason": "scrub failed"} for n in ("ns9", "nsX", "ns8")]'
	spec='6GB:ns0|ns1|ns2|nsX,LARGE:ns3'
	run --separate-stderr "$VPMEMCTL_BIN" -N "$spec" verify --repair -f json
	run json_get '(d["dropped"], d["repaired"])'
	assert_output '[["ns9", "ns8"], []]'
	run python3 -c 'import json,sys; print([q["name"] for q in json.load(open(sys.argv[1]))["quarantine"]])' \
		"$VPMEMCTL_STATE_DIR/state.json"
	assert_output "['nsX']"
	edit_json "$VPMEMCTL_STATE_DIR/state.json" 'd["quarantine"].append({"name": "ns7"})'
	run --separate-stderr "$VPMEMCTL_BIN" -N "$spec" verify --repair
	assert_line "dropped: ns7 quarantine entry (neither on the host nor configured)"
}

@test "--libvirt-dir: a domain with a NUL byte is reported, naming the file and the offset" {
	vpm claim vm1 6GB >/dev/null
	mkdir -p "$SCRATCH/qemu"
	printf "<domain type='kvm'><name>vm1</name>\0<devices/></domain>\n" >"$SCRATCH/qemu/vm1.xml"
	run --separate-stderr vpm verify --libvirt-dir "$SCRATCH/qemu" -f json
	run json_get '[(f["code"], f["subject"], "a NUL byte at offset 35" in f["message"]) for f in d["findings"] if f["code"] == "libvirt-unreadable"]'
	assert_output "[[\"libvirt-unreadable\", \"$SCRATCH/qemu/vm1.xml\", true]]"
}
