#!/usr/bin/env bats
# libxml2, libndctl and libdaxctl are loaded by the commands that need them
# (common/dynlib.h): a command that does not need one works without it, one
# that does fails clearly, naming the library, and changes nothing.

load helpers

setup() {
	common_setup
	# A directory where the dynamic loader finds broken copies first.
	BROKEN="$SCRATCH/broken-libs"
	mkdir -p "$BROKEN"
}

# broken SONAME...: make each library unloadable for the commands run after.
broken() {
	local so
	for so in "$@"; do
		echo "not a shared library" >"$BROKEN/$so"
	done
	export LD_LIBRARY_PATH="$BROKEN${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
}

@test "the program is not linked against libxml2, libndctl or libdaxctl" {
	run ldd "$VPMEMCTL_BIN"
	assert_success
	assert_output --partial libcjson
	refute_output --partial libxml2
	refute_output --partial libndctl
	refute_output --partial libdaxctl
}

@test "inventory, claim, release and verify against a snapshot need none of them" {
	broken libxml2.so.2 libndctl.so.6 libdaxctl.so.1
	standins
	run vpm inventory
	assert_success
	run vpm claim vm1 6GB,LARGE
	assert_success
	run vpm verify
	assert_success
	run vpm release vm1
	assert_success
	is_zero "$VPMEMCTL_DEV_DIR/dax0.0"
}

@test "render-xml without libxml2: exit 1 naming it, nothing written" {
	vpm claim vm1 6GB
	cp "$EXAMPLE/demo-vm.xml" "$SCRATCH/vm.xml"
	broken libxml2.so.2
	run vpm render-xml vm1
	assert_failure 1
	assert_output --partial "cannot load libxml2.so.2"
	run vpm render-xml --domain "$SCRATCH/vm.xml" --in-place vm1
	assert_failure 1
	cmp "$EXAMPLE/demo-vm.xml" "$SCRATCH/vm.xml"
	unset LD_LIBRARY_PATH
	run vpm render-xml vm1
	assert_success
	assert_output --partial "<memory model=\"nvdimm\""
}

@test "verify --libvirt-dir without libxml2 is UNKNOWN, naming it" {
	standins
	mkdir "$SCRATCH/qemu"
	broken libxml2.so.2
	run vpm verify --libvirt-dir "$SCRATCH/qemu"
	assert_failure 3
	assert_output --partial "VPMEMCTL UNKNOWN"
	assert_output --partial "libxml2"
}

@test "verify --repair --libvirt-dir without libxml2: UNKNOWN before anything is repaired" {
	standins
	vpm claim vm1 6GB >/dev/null
	mv "$VPMEMCTL_DEV_DIR/dax0.0" "$SCRATCH/away"
	run vpm release vm1
	assert_failure 1
	mv "$SCRATCH/away" "$VPMEMCTL_DEV_DIR/dax0.0"
	mkdir "$SCRATCH/qemu"
	broken libxml2.so.2
	run vpm verify --repair --libvirt-dir "$SCRATCH/qemu"
	assert_failure 3
	assert_output --partial "libxml2"
	run vpm inventory -f json
	run json_get 'd["resource_classes"][0]["reserved"]'
	assert_output '1'
}

@test "the host through libndctl, which loads when no snapshot is given" {
	unset VPMEMCTL_HOST_SNAPSHOT
	# No persistent memory here: libndctl loads and finds none.
	run vpm inventory
	assert_failure 1
	assert_output --partial "'ns0': not found on the host (libndctl)"
	broken libndctl.so.6
	run vpm inventory
	assert_failure 1
	assert_output --partial "cannot load libndctl.so.6"
	refute_output --partial "not found on the host"
	run vpm claim vm1 6GB
	assert_failure 1
	assert_output --partial "cannot load libndctl.so.6"
	[ ! -e "$VPMEMCTL_STATE_DIR/state.json" ] || ! grep -q vm1 "$VPMEMCTL_STATE_DIR/state.json"
}
