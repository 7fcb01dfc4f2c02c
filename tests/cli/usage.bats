#!/usr/bin/env bats
# Bad command lines: exit 2 and a message saying what was wrong.

bats_require_minimum_version 1.5.0
load helpers

setup() { common_setup; }

@test "no command is a usage error" {
	run "$VPMEMCTL_BIN"
	assert_failure 2
	assert_output --partial "no command given"
}

@test "an unknown command is a usage error naming it" {
	run "$VPMEMCTL_BIN" frobnicate
	assert_failure 2
	assert_output --partial "unknown command 'frobnicate'"
}

@test "an unknown option is a usage error" {
	run vpm inventory --frobnicate
	assert_failure 2
	assert_output --partial "unrecognized option '--frobnicate'"
}

@test "getopt's messages name the program vpmemctl, however it was called" {
	run "$VPMEMCTL_BIN" --frobnicate inventory
	assert_failure 2
	assert_line --index 0 "vpmemctl: unrecognized option '--frobnicate'"
}

@test "an unknown format is a usage error naming it" {
	run vpm inventory -f yaml
	assert_failure 2
	assert_output --partial "--format: 'yaml' is not one of: table, json, placement"
}

@test "--generation without -f placement is a usage error" {
	run vpm inventory --generation 3
	assert_failure 2
	assert_output --partial "--generation goes with -f placement"
}

@test "--generation must be a non-negative integer" {
	run vpm inventory -f placement --generation -1
	assert_failure 2
	assert_output --partial "--generation: '-1' is not a non-negative integer"
}

@test "--numa-node must be a NUMA node number" {
	run vpm claim vm1 6GB --numa-node 65536
	assert_failure 2
	assert_output --partial "--numa-node: '65536' is not a NUMA node number"
}

@test "--guest-node must be a NUMA node number" {
	run vpm render-xml vm1 --guest-node -1
	assert_failure 2
	assert_output --partial "--guest-node: '-1' is not a NUMA node number"
}

@test "--consumer-generation must be a non-negative integer" {
	run vpm claim vm1 6GB --consumer-generation 1x
	assert_failure 2
	assert_output --partial "--consumer-generation: '1x' is not a non-negative integer"
}

@test "--list with -f placement is a usage error" {
	run vpm inventory -l -f placement
	assert_failure 2
	assert_output --partial "--list cannot be combined with -f placement"
}

@test "--lock-timeout must be a number of seconds" {
	run vpm inventory --lock-timeout soon
	assert_failure 2
	assert_output --partial "--lock-timeout: 'soon' is not a number of seconds"
}

@test "inventory takes no arguments" {
	run vpm inventory extra
	assert_failure 2
	assert_output --partial "unexpected argument 'extra'"
}

@test "a missing option argument is a usage error" {
	run "$VPMEMCTL_BIN" inventory -N
	assert_failure 2
	assert_output --partial "option requires an argument"
}

@test "--help lists the commands and exits 0" {
	run "$VPMEMCTL_BIN" --help
	assert_success
	assert_output --partial "inventory"
	assert_output --partial "--state-dir"
}

@test "inventory --help describes its options and exits 0" {
	run "$VPMEMCTL_BIN" inventory --help
	assert_success
	assert_output --partial "--generation"
	assert_output --partial "--host-snapshot"
}

@test "--version prints the version" {
	run "$VPMEMCTL_BIN" --version
	assert_success
	assert_output --regexp '^vpmemctl [0-9]+\.[0-9]+\.[0-9]+$'
}

@test "vpmemctl help COMMAND, COMMAND -h and vpmemctl -h are the help, exit 0" {
	run "$VPMEMCTL_BIN" help claim
	assert_success
	assert_line --index 0 --partial "Usage: vpmemctl claim"
	run "$VPMEMCTL_BIN" claim -h
	assert_success
	assert_line --index 0 --partial "Usage: vpmemctl claim"
	run "$VPMEMCTL_BIN" -h
	assert_success
	assert_line --index 0 --partial "Usage: vpmemctl [OPTION...] COMMAND"
	run "$VPMEMCTL_BIN" help
	assert_success
	assert_output --partial "'vpmemctl help COMMAND'"
	run "$(dirname "$VPMEMCTL_BIN")/vpmemctl-release" -h
	assert_success
	assert_line --index 0 --partial "Usage: vpmemctl release"
}

@test "help of a command that does not exist, or of two, is a usage error" {
	run "$VPMEMCTL_BIN" help frobnicate
	assert_failure 2
	assert_output --partial "unknown command 'frobnicate'"
	run "$VPMEMCTL_BIN" help claim release
	assert_failure 2
	assert_output --partial "help takes one command"
}

@test "a mistyped command gets a did-you-mean" {
	local typo want
	for typo in claimm:claim relase:release verfy:verify inv:inventory render:render-xml rendr-xml:render-xml; do
		want=${typo#*:}
		run "$VPMEMCTL_BIN" "${typo%%:*}"
		assert_failure 2
		assert_output "vpmemctl: unknown command '${typo%%:*}'; did you mean '$want'? ('vpmemctl --help' lists the commands)"
	done
	run "$VPMEMCTL_BIN" xyzzy
	assert_failure 2
	assert_output "vpmemctl: unknown command 'xyzzy'; try 'vpmemctl --help'"
}

@test "an error before the verify program runs is UNKNOWN on stdout too" {
	run --separate-stderr "$VPMEMCTL_BIN" --bogus verify
	assert_failure 3
	assert_output "VPMEMCTL UNKNOWN - vpmemctl could not run verify (see standard error)"
	VPMEMCTL_EXEC_PATH=/nonexistent run --separate-stderr "$VPMEMCTL_BIN" verify
	assert_failure 3
	assert_output "VPMEMCTL UNKNOWN - vpmemctl could not run verify (see standard error)"
}
