#!/usr/bin/env bats
# vpmemctl and the vpmemctl-COMMAND programs: each links the libraries it
# calls, vpmemctl COMMAND runs vpmemctl-COMMAND, and both spellings behave
# alike.

load helpers

setup() {
	common_setup
	standins
	PROGRAMS="$(dirname "$VPMEMCTL_BIN")"
}

# needed PROGRAM: the DT_NEEDED entries of PROGRAM, one a line.
needed() {
	readelf -d "$PROGRAMS/$1" | sed -n 's/.*(NEEDED).*\[\(.*\)\]$/\1/p'
}

# same COMMAND ARGS...: vpmemctl -N SPEC COMMAND ARGS and vpmemctl-COMMAND
# -N SPEC ARGS, each from an empty state directory, print the same on stdout
# and on stderr and exit alike; $status is that exit status.
same() {
	local cmd="$1" rc1=0 rc2=0
	shift
	rm -rf "$VPMEMCTL_STATE_DIR" && mkdir -m 0700 "$VPMEMCTL_STATE_DIR"
	"$VPMEMCTL_BIN" -N "$NOVA_SPEC" "$cmd" "$@" >"$SCRATCH/1.out" 2>"$SCRATCH/1.err" || rc1=$?
	rm -rf "$VPMEMCTL_STATE_DIR" && mkdir -m 0700 "$VPMEMCTL_STATE_DIR"
	"$PROGRAMS/vpmemctl-$cmd" -N "$NOVA_SPEC" "$@" >"$SCRATCH/2.out" 2>"$SCRATCH/2.err" || rc2=$?
	[ "$rc1" = "$rc2" ] || fail "vpmemctl $cmd $*: exit $rc1, vpmemctl-$cmd: exit $rc2"
	diff -u "$SCRATCH/1.out" "$SCRATCH/2.out" || fail "vpmemctl $cmd $*: stdout differs"
	diff -u "$SCRATCH/1.err" "$SCRATCH/2.err" || fail "vpmemctl $cmd $*: stderr differs"
	status=$rc1
}

@test "vpmemctl links none of libxml2, libndctl and libdaxctl" {
	run needed vpmemctl
	assert_success
	assert_line --partial libc.so
	refute_line --partial libxml2
	refute_line --partial libndctl
	refute_line --partial libdaxctl
}

@test "inventory and release link libndctl and libdaxctl, not libxml2" {
	for cmd in inventory release; do
		run needed "vpmemctl-$cmd"
		assert_success
		assert_line --partial libndctl.so
		assert_line --partial libdaxctl.so
		refute_line --partial libxml2
	done
}

@test "claim (it reads libvirt domains), render-xml, verify and adopt link libxml2 and libndctl" {
	for cmd in claim render-xml verify adopt; do
		run needed "vpmemctl-$cmd"
		assert_success
		assert_line --partial libxml2.so
		assert_line --partial libndctl.so
	done
}

@test "the libvirt hook links libxml2 and libndctl, and is built beside the others" {
	[ -x "$PROGRAMS/vpmemctl-libvirt-hook" ]
	run needed vpmemctl-libvirt-hook
	assert_success
	assert_line --partial libxml2.so
	assert_line --partial libndctl.so
}

@test "vpmemctl COMMAND and vpmemctl-COMMAND print the same and exit alike" {
	same inventory -f json
	[ "$status" -eq 0 ]
	same inventory -l
	[ "$status" -eq 0 ]
	same claim vm1 6GB,LARGE -f json
	[ "$status" -eq 0 ]
	same claim 'bad/instance' 6GB
	[ "$status" -eq 2 ]
	same release nobody
	[ "$status" -eq 3 ]
	same render-xml nobody
	[ "$status" -eq 3 ]
	same verify
	[ "$status" -eq 0 ]
	same adopt vm1 --domain "$SCRATCH/none.xml"
	[ "$status" -eq 1 ]
	same adopt vm1
	[ "$status" -eq 2 ]
	same claim --help
	[ "$status" -eq 0 ]
}

@test "a usage error of verify is UNKNOWN (3) in both spellings" {
	same verify --bogus
	[ "$status" -eq 3 ]
	run "$VPMEMCTL_BIN" --bogus verify
	assert_failure 3
}

@test "the common options before COMMAND are handed on to vpmemctl-COMMAND" {
	mkdir "$SCRATCH/bin"
	printf '#!/bin/sh\necho "$0" "$@"\n' >"$SCRATCH/bin/vpmemctl-inventory"
	chmod +x "$SCRATCH/bin/vpmemctl-inventory"
	VPMEMCTL_EXEC_PATH="$SCRATCH/bin" run "$VPMEMCTL_BIN" -c my.conf -vv -s state \
		--lock-timeout=2 inventory -l -- x
	assert_success
	want="$SCRATCH/bin/vpmemctl-inventory --config my.conf --state-dir state"
	assert_output "$want --lock-timeout 2 --verbose --verbose -l -- x"
}

@test "VPMEMCTL_EXEC_PATH without the program: exit 1 naming the path and the variable" {
	mkdir "$SCRATCH/empty"
	VPMEMCTL_EXEC_PATH="$SCRATCH/empty" run vpm inventory
	assert_failure 1
	assert_output --partial "$SCRATCH/empty/vpmemctl-inventory"
	assert_output --partial "VPMEMCTL_EXEC_PATH"
	VPMEMCTL_EXEC_PATH="$SCRATCH/empty" run vpm verify
	assert_failure 3
	assert_output --partial "$SCRATCH/empty/vpmemctl-verify"
}

@test "vpmemctl reached through a link still runs the programs built beside it" {
	mkdir "$SCRATCH/bin"
	ln -s "$VPMEMCTL_BIN" "$SCRATCH/bin/vpmemctl"
	run "$SCRATCH/bin/vpmemctl" -N "$NOVA_SPEC" inventory
	assert_success
	assert_output --partial CUSTOM_PMEM_NAMESPACE_LARGE
}
