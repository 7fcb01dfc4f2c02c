#!/usr/bin/env bats
# Where settings come from, and every invalid pmem_namespaces of the contract.

bats_require_minimum_version 1.5.0
load helpers

setup() { common_setup; }

labels() {
	run json_get '[c["label"] for c in d["resource_classes"]]'
}

@test "pmem_namespaces is read from the configuration file" {
	run "$VPMEMCTL_BIN" -c "$EXAMPLE/vpmemctl.conf" inventory -f json
	assert_success
	labels
	assert_output '["6GB", "LARGE"]'
}

@test "a nova.conf is accepted as is" {
	cat >"$SCRATCH/nova.conf" <<-'CONF'
	[DEFAULT]
	debug = True
	transport_url = rabbit://x:y@z:5672/
	[libvirt]
	virt_type = kvm
	# pmem_namespaces = old:ns9
	pmem_namespaces = 6GB:ns0|ns1|ns2,LARGE:ns3
	[placement]
	auth_type = password
	CONF
	run "$VPMEMCTL_BIN" -c "$SCRATCH/nova.conf" inventory -f json
	assert_success
	labels
	assert_output '["6GB", "LARGE"]'
}

@test "VPMEMCTL_CONFIG names the configuration file" {
	VPMEMCTL_CONFIG="$EXAMPLE/vpmemctl.conf" run "$VPMEMCTL_BIN" inventory -f json
	assert_success
	labels
	assert_output '["6GB", "LARGE"]'
}

@test "VPMEMCTL_NAMESPACES overrides the file" {
	VPMEMCTL_NAMESPACES='ENV:ns1' run "$VPMEMCTL_BIN" -c "$EXAMPLE/vpmemctl.conf" inventory -f json
	assert_success
	labels
	assert_output '["ENV"]'
}

@test "--namespaces overrides the environment" {
	VPMEMCTL_NAMESPACES='ENV:ns1' run "$VPMEMCTL_BIN" -N 'OPT:ns2' inventory -f json
	assert_success
	labels
	assert_output '["OPT"]'
}

@test "the [vpmemctl] section of the file supplies the host snapshot and dev dir" {
	unset VPMEMCTL_HOST_SNAPSHOT
	cat >"$SCRATCH/v.conf" <<-CONF
	[libvirt]
	pmem_namespaces = L:ns3
	[vpmemctl]
	host_snapshot = $EXAMPLE/ndctl-list.json
	dev_dir = /from/file
	CONF
	run "$VPMEMCTL_BIN" -c "$SCRATCH/v.conf" inventory -f json
	assert_success
	run json_get 'd["namespaces"][0]["devpath"]'
	assert_output '"/from/file/dax1.0"'
	VPMEMCTL_DEV_DIR=/from/env run "$VPMEMCTL_BIN" -c "$SCRATCH/v.conf" inventory -f json
	run json_get 'd["namespaces"][0]["devpath"]'
	assert_output '"/from/env/dax1.0"'
}

@test "a configuration file that does not exist is an error naming it" {
	run "$VPMEMCTL_BIN" -c "$SCRATCH/missing.conf" inventory
	assert_failure 1
	assert_output --partial "cannot read configuration file $SCRATCH/missing.conf"
}

@test "a line that is not INI is an error naming the file and line" {
	printf '[libvirt]\npmem_namespaces = L:ns0\nthis is not ini\n' >"$SCRATCH/bad.conf"
	run "$VPMEMCTL_BIN" -c "$SCRATCH/bad.conf" inventory
	assert_failure 1
	assert_output --partial "configuration file $SCRATCH/bad.conf, line 3"
}

@test "pmem_namespaces set nowhere is an error saying where to set it" {
	run "$VPMEMCTL_BIN" inventory
	assert_failure 1
	assert_output --partial "pmem_namespaces is not set"
}

# invalid NAME SPEC MESSAGE: exit 1 and that message.
invalid() {
	run "$VPMEMCTL_BIN" --host-snapshot "$DATA/host-mixed.json" -N "$1" inventory
	assert_failure 1
	assert_output --partial "$2"
	refute_output --partial "RESOURCE_CLASS"
}

@test "invalid: an entry without ':'" {
	invalid 'A:good0,good1' "entry 'good1': no ':' between label and namespaces"
}


@test "invalid: a namespace listed twice under one label" {
	invalid 'A:good0|good0' "label 'A', namespace 'good0': listed twice"
}

@test "invalid: a namespace listed under two labels" {
	invalid 'A:good0,B:good0' "label 'B', namespace 'good0': already listed under label 'A'"
}

@test "invalid: an empty label" {
	invalid ':good0' "entry ':good0': empty label"
}

@test "invalid: an empty namespace name" {
	invalid 'A:good0||good1' "label 'A': empty namespace name"
}

@test "invalid: two labels that give one resource class" {
	invalid 'a-b:good0,a.b:good1' "labels 'a-b' and 'a.b' both give resource class CUSTOM_PMEM_NAMESPACE_A_B"
}

@test "invalid: a resource class name over 255 characters" {
	invalid "$(printf 'L%.0s' {1..240}):good0" "more than 255"
}

# degraded NAMES STATE MESSAGE: with A:good0|NAME, inventory works (exit 0),
# warns with MESSAGE, lists NAME as STATE and counts it reserved, never free.
degraded() {
	run --separate-stderr "$VPMEMCTL_BIN" --host-snapshot "$DATA/host-mixed.json" \
		-N "A:good0|$1" inventory -l -f json
	assert_success
	[[ "$stderr" == *"$3"*"it is not handed out until then"* ]]
	run json_get "[(n['name'], n['state'], n['devpath']) for n in d['namespaces']]"
	assert_output "[[\"good0\", \"free\", \"/dev/dax0.0\"], [\"$1\", \"$2\", null]]"
	run --separate-stderr "$VPMEMCTL_BIN" --host-snapshot "$DATA/host-mixed.json" \
		-N "A:good0|$1" inventory -f json
	run json_get "[(c['total'], c['reserved'], c['free']) for c in d['resource_classes']]"
	assert_output "[[2, 1, 1]]"
}

@test "degraded: a namespace not on the host is missing, reserved, and the rest works" {
	degraded nosuch missing "label 'A', namespace 'nosuch': not found on the host ($DATA/host-mixed.json)"
}

@test "degraded: a namespace not in devdax mode is wrong-mode" {
	degraded fsns wrong-mode "label 'A', namespace 'fsns' (namespace0.2): mode is fsdax, not devdax"
}

@test "degraded: a namespace without a character device is no-device" {
	degraded nodevns no-device "label 'A', namespace 'nodevns' (namespace0.4): no character device"
}

@test "degraded: a disabled namespace is disabled" {
	degraded offns disabled "label 'A', namespace 'offns' (namespace0.3): disabled"
}

@test "every problem is reported on its own line; a mistake in pmem_namespaces still stops the command" {
	run "$VPMEMCTL_BIN" --host-snapshot "$DATA/host-mixed.json" -N 'X,A:nosuch|fsns,B:good0|good0' inventory
	assert_failure 1
	assert_line --partial "entry 'X'"
	assert_line --partial "namespace 'nosuch'"
	assert_line --partial "namespace 'fsns'"
	assert_line --partial "namespace 'good0': listed twice"
	assert_line "vpmemctl: 2 problems in pmem_namespaces"
	refute_output --partial "RESOURCE_CLASS"
}

@test "a malformed host snapshot is an error naming the file and the place" {
	printf '[{"dev": "namespace0.0", "size": 1,\n' >"$SCRATCH/broken.json"
	run "$VPMEMCTL_BIN" --host-snapshot "$SCRATCH/broken.json" -N 'A:x' inventory
	assert_failure 1
	assert_output --partial "host snapshot $SCRATCH/broken.json: not valid JSON (line 2"
}

@test "a snapshot with human-readable sizes is explained" {
	printf '[{"dev":"namespace0.0","name":"a","size":"6.00 GiB (6.44 GB)"}]' >"$SCRATCH/human.json"
	run "$VPMEMCTL_BIN" --host-snapshot "$SCRATCH/human.json" -N 'A:a' inventory
	assert_failure 1
	assert_output --partial "save the snapshot without -u"
}

@test "a host snapshot that does not exist is an error naming it" {
	run "$VPMEMCTL_BIN" --host-snapshot "$SCRATCH/nope.json" -N 'A:x' inventory
	assert_failure 1
	assert_output --partial "cannot read host snapshot $SCRATCH/nope.json: No such file or directory"
}

@test "a NUL byte in the configuration file is an error naming the file and the offset" {
	printf '[vpmemctl]\nlock_timeout = 3\0\n[libvirt]\npmem_namespaces = 6GB:ns0\n' >"$SCRATCH/nul.conf"
	run "$VPMEMCTL_BIN" -c "$SCRATCH/nul.conf" inventory
	assert_failure 1
	assert_output --partial "configuration file $SCRATCH/nul.conf has a NUL byte at offset 27"
	run "$VPMEMCTL_BIN" -c "$SCRATCH/nul.conf" verify
	assert_failure 3
	assert_output --partial "has a NUL byte at offset 27"
}

@test "a NUL byte in the host snapshot is an error naming the file and the offset" {
	python3 -c 'import sys; d=open(sys.argv[1],"rb").read(); open(sys.argv[2],"wb").write(d[:10] + b"\0" + d[10:])' \
		"$EXAMPLE/ndctl-list.json" "$SCRATCH/snap.json"
	run "$VPMEMCTL_BIN" -N "$NOVA_SPEC" --host-snapshot "$SCRATCH/snap.json" inventory
	assert_failure 1
	assert_output --partial "host snapshot $SCRATCH/snap.json has a NUL byte at offset 10"
}

@test "a FIFO given as the configuration file is refused without waiting" {
	mkfifo "$SCRATCH/fifo.conf"
	run timeout 5 "$VPMEMCTL_BIN" -c "$SCRATCH/fifo.conf" inventory
	assert_failure 1
	assert_output --partial "configuration file $SCRATCH/fifo.conf is not a regular file"
}
