#!/usr/bin/env bats
# The bash completion, in a plain bash without bash-completion loaded.

bats_require_minimum_version 1.5.0
load '/usr/lib/bats/bats-support/load'
load '/usr/lib/bats/bats-assert/load'

setup() {
	# What the completion asks vpmemctl must come from the command line.
	unset VPMEMCTL_CONFIG VPMEMCTL_NAMESPACES VPMEMCTL_STATE_DIR \
		VPMEMCTL_HOST_SNAPSHOT VPMEMCTL_DEV_DIR
	COMPLETION="$BATS_TEST_DIRNAME/../../completions/vpmemctl"
	VPMEMCTL_BIN="${VPMEMCTL_BIN:-$BATS_TEST_DIRNAME/../../build/vpmemctl}"
	VPMEMCTL_BIN="$(cd "$(dirname "$VPMEMCTL_BIN")" && pwd)/$(basename "$VPMEMCTL_BIN")"
	EXAMPLE="$(cd "$BATS_TEST_DIRNAME/../../examples/host-1" && pwd)"
	mkdir -m 0700 "$BATS_TEST_TMPDIR/state"
}

# complete_at CWORD WORD...: what the completion offers for the words WORD...
# with the cursor at the end of word number CWORD (0 is the program), one
# candidate a line, sorted.
complete_at() {
	bash --norc --noprofile -c '
		source "$1" || exit 1
		cw=$2
		shift 2
		COMP_WORDS=("$@")
		COMP_CWORD=$cw
		COMP_LINE="$*"
		before=("${COMP_WORDS[@]:0:cw+1}")
		before="${before[*]}"
		COMP_POINT=${#before}
		_vpmemctl "${COMP_WORDS[0]}" "${COMP_WORDS[cw]}" "${COMP_WORDS[cw-1]}"
		printf "%s\n" "${COMPREPLY[@]}" | sort
	' complete_at "$COMPLETION" "$@"
}

# A directory with a file and a subdirectory, for file name completion.
make_tree() {
	mkdir -p "$BATS_TEST_TMPDIR/tree/snapdir"
	: >"$BATS_TEST_TMPDIR/tree/snap.json"
}

# make_claims INSTANCE LABELS...: the example host, with stand-ins for its
# devices, and a state where each INSTANCE claimed its LABELS, made by the
# binary. HOST becomes the options that name that host and state.
make_claims() {
	local dev="$BATS_TEST_TMPDIR/dev" d

	mkdir -p "$dev"
	for d in dax0.0 dax0.1 dax0.2 dax1.0; do
		head -c 65536 /dev/zero >"$dev/$d"
	done
	HOST=(-c "$EXAMPLE/vpmemctl.conf" --host-snapshot "$EXAMPLE/ndctl-list.json"
		-s "$BATS_TEST_TMPDIR/state" --dev-dir "$dev")
	while (($# >= 2)); do
		"$VPMEMCTL_BIN" "${HOST[@]}" claim "$1" "$2" >/dev/null
		shift 2
	done
}

# stub_vpmemctl SCRIPT: a directory holding a vpmemctl that runs the shell
# SCRIPT; prints the directory.
stub_vpmemctl() {
	local dir="$BATS_TEST_TMPDIR/stub"

	mkdir -p "$dir"
	printf '#!/bin/sh\n%s\n' "$1" >"$dir/vpmemctl"
	chmod +x "$dir/vpmemctl"
	echo "$dir"
}

@test "the commands are offered at position 1" {
	run complete_at 1 vpmemctl ''
	assert_success
	assert_line 'inventory'
	refute_line --regexp '^-'
}

@test "a partial command is completed" {
	run complete_at 1 vpmemctl inv
	assert_output 'inventory'
}

@test "the commands are offered after common options and their values" {
	run complete_at 3 vpmemctl -c my.conf ''
	assert_line 'inventory'
}

@test "the completion offers every command that vpmemctl --help lists" {
	run "$VPMEMCTL_BIN" --help
	assert_success
	listed=$(sed -n '/^Commands:/,/^$/s/^  \([a-z][a-z-]*\) .*/\1/p' <<<"$output" | sort)
	[ -n "$listed" ] || fail "no command found in the output of vpmemctl --help"
	run complete_at 1 vpmemctl ''
	# and help, which the text after the list names
	assert_output "$(printf '%s\nhelp\n' "$listed" | sort)"
}

@test "the completion offers every long option that each command's --help prints" {
	run "$VPMEMCTL_BIN" --help
	assert_success
	for cmd in $(sed -n '/^Commands:/,/^$/s/^  \([a-z][a-z-]*\) .*/\1/p' <<<"$output"); do
		printed=$("$VPMEMCTL_BIN" "$cmd" --help | grep -oE -- '--[a-z][a-z-]*' | sort -u)
		offered=$(complete_at 2 vpmemctl "$cmd" --)
		missing=$(comm -23 <(echo "$printed") <(echo "$offered"))
		[ -z "$missing" ] || fail "not offered after '$cmd':" $missing
	done
}

@test "only common options are offered before the command" {
	run complete_at 1 vpmemctl -
	assert_line -- '--config'
	assert_line -- '--host-snapshot'
	refute_line -- '--list'
	refute_line -- '--generation'
}

@test "the options of inventory are offered after it" {
	run complete_at 2 vpmemctl inventory -
	assert_line -- '-l'
	assert_line -- '--list'
	assert_line -- '--generation'
}

@test "common options are offered after the command" {
	run complete_at 2 vpmemctl inventory --
	assert_line -- '--config'
	assert_line -- '--state-dir'
	assert_line -- '--dev-dir'
	assert_line -- '--lock-timeout'
}

@test "a partial long option is completed" {
	run complete_at 2 vpmemctl inventory --gen
	assert_output -- '--generation'
}

@test "nothing is offered where inventory takes no argument" {
	run complete_at 2 vpmemctl inventory ''
	assert_success
	assert_output ''
}

@test "-f after inventory offers table, json and placement" {
	run complete_at 3 vpmemctl inventory -f ''
	assert_output "$(printf '%s\n' json placement table)"
}

@test "--format= after inventory offers its formats" {
	# bash splits "--format=" into "--format" and "=".
	run complete_at 3 vpmemctl inventory --format =
	assert_output "$(printf '%s\n' json placement table)"
}

@test "--format=p after inventory completes the format" {
	run complete_at 4 vpmemctl inventory --format = p
	assert_output 'placement'
}

@test "--format=p as one word completes the format" {
	run complete_at 2 vpmemctl inventory --format=p
	assert_output 'placement'
}

@test "-f before inventory takes the formats of inventory" {
	run complete_at 2 vpmemctl -f '' inventory
	assert_line 'placement'
}

@test "-f without a command offers only table and json" {
	run complete_at 2 vpmemctl -f ''
	assert_output "$(printf '%s\n' json table)"
}

@test "--host-snapshot completes file names" {
	make_tree
	run complete_at 2 vpmemctl --host-snapshot "$BATS_TEST_TMPDIR/tree/snap"
	assert_line "$BATS_TEST_TMPDIR/tree/snap.json"
}

@test "-c completes file names" {
	make_tree
	run complete_at 2 vpmemctl -c "$BATS_TEST_TMPDIR/tree/snap."
	assert_output "$BATS_TEST_TMPDIR/tree/snap.json"
}

@test "--state-dir completes directories only" {
	make_tree
	run complete_at 2 vpmemctl --state-dir "$BATS_TEST_TMPDIR/tree/snap"
	assert_output "$BATS_TEST_TMPDIR/tree/snapdir"
}

@test "--dev-dir completes directories only" {
	make_tree
	run complete_at 3 vpmemctl inventory --dev-dir "$BATS_TEST_TMPDIR/tree/s"
	assert_output "$BATS_TEST_TMPDIR/tree/snapdir"
}

@test "no value is guessed for --namespaces" {
	run complete_at 2 vpmemctl -N ''
	assert_success
	assert_output ''
}

@test "completion works when invoked as vpmemctl-inventory" {
	run complete_at 1 vpmemctl-inventory -
	assert_line -- '--list'
	assert_line -- '--config'
}

@test "vpmemctl-inventory is not offered a command" {
	run complete_at 1 /usr/sbin/vpmemctl-inventory ''
	assert_success
	assert_output ''
}

@test "-f of vpmemctl-inventory offers placement" {
	run complete_at 2 vpmemctl-inventory -f pl
	assert_output 'placement'
}

@test "the completion is registered for vpmemctl and every vpmemctl-COMMAND name" {
	run bash --norc --noprofile -c 'source "$1" && complete -p' _ "$COMPLETION"
	assert_success
	for name in vpmemctl vpmemctl-inventory vpmemctl-claim vpmemctl-release \
		vpmemctl-render-xml vpmemctl-verify vpmemctl-adopt; do
		assert_line "complete -F _vpmemctl $name"
	done
}

@test "bash-completion's _init_completion is used when it is loaded" {
	# COMP_WORDS says nothing; only the words from _init_completion lead
	# to the formats of inventory.
	run bash --norc --noprofile -c '
		_init_completion() {
			words=(vpmemctl inventory -f "") cword=3 cur="" prev=-f
		}
		source "$1" || exit 1
		COMP_WORDS=(vpmemctl) COMP_CWORD=0
		_vpmemctl vpmemctl "" ""
		printf "%s\n" "${COMPREPLY[@]}"
	' _ "$COMPLETION"
	assert_line 'placement'
}

@test "the options of claim are offered after it, not before" {
	run complete_at 2 vpmemctl claim --
	assert_line -- '--numa-node'
	assert_line -- '--dry-run'
	assert_line -- '--state-dir'
	refute_line -- '--no-scrub'
	run complete_at 1 vpmemctl --
	refute_line -- '--numa-node'
}

@test "the options of release are offered after it" {
	run complete_at 2 vpmemctl release --
	assert_line -- '--no-scrub'
	assert_line -- '--force'
	assert_line -- '--missing-ok'
	assert_line -- '--dry-run'
	refute_line -- '--numa-node'
}

@test "-f after claim offers table, json and placement" {
	run complete_at 3 vpmemctl claim -f ''
	assert_output "$(printf '%s\n' json placement table)"
}

@test "the Placement options of claim take values: none is guessed, the labels still follow" {
	make_claims
	for opt in --provider --project --user --consumer-generation; do
		run complete_at 11 "$VPMEMCTL_BIN" "${HOST[@]}" claim "$opt" ''
		assert_success
		assert_output ''
	done
	run complete_at 17 "$VPMEMCTL_BIN" "${HOST[@]}" claim -f placement \
		--provider 5d3b2f1a-0c1b-4c55-9d7e-6a1b2c3d4e5f --user u1 \
		2f3c8a1e-0c1b-4c55-9d7e-6a1b2c3d4e5f ''
	assert_output "$(printf '%s\n' 6GB LARGE)"
}

@test "release offers the instances that hold claims in the state named on the line" {
	make_claims alpha 6GB vm1 LARGE vm2 6GB
	"$VPMEMCTL_BIN" "${HOST[@]}" release vm2 --no-scrub >/dev/null
	run complete_at 10 "$VPMEMCTL_BIN" "${HOST[@]}" release ''
	assert_success
	assert_output "$(printf '%s\n' alpha vm1)"
}

@test "release completes a partial instance name" {
	make_claims alpha 6GB vm1 LARGE
	run complete_at 10 "$VPMEMCTL_BIN" "${HOST[@]}" release al
	assert_output 'alpha'
}

@test "release offers instances after its own options and before later ones" {
	make_claims alpha 6GB
	run complete_at 7 "$VPMEMCTL_BIN" "${HOST[@]:0:4}" release --dry-run '' "${HOST[@]:4}"
	assert_output 'alpha'
}

@test "nothing is offered after the instance of release" {
	make_claims alpha 6GB
	run complete_at 11 "$VPMEMCTL_BIN" "${HOST[@]}" release alpha ''
	assert_success
	assert_output ''
}

@test "options written as --opt=value, abbreviated or clustered are handed on" {
	make_claims alpha 6GB
	state="$BATS_TEST_TMPDIR/state"
	run complete_at 7 "$VPMEMCTL_BIN" "--state-dir=$state" --host "$EXAMPLE/ndctl-list.json" \
		-qc "$EXAMPLE/vpmemctl.conf" release ''
	assert_output 'alpha'
	# without bash-completion, --state-dir=DIR arrives as three words
	run complete_at 8 "$VPMEMCTL_BIN" --state-dir = "$state" -c"$EXAMPLE/vpmemctl.conf" \
		--host-snapshot "$EXAMPLE/ndctl-list.json" release ''
	assert_output 'alpha'
}

@test "the vpmemctl-release link asks the vpmemctl beside it" {
	make_claims alpha 6GB
	mkdir "$BATS_TEST_TMPDIR/bin"
	ln -s "$VPMEMCTL_BIN" "$BATS_TEST_TMPDIR/bin/vpmemctl"
	ln -s "$VPMEMCTL_BIN" "$BATS_TEST_TMPDIR/bin/vpmemctl-release"
	run complete_at 9 "$BATS_TEST_TMPDIR/bin/vpmemctl-release" "${HOST[@]}" ''
	assert_output 'alpha'
}

@test "a program named without a path asks the vpmemctl on PATH" {
	make_claims alpha 6GB
	mkdir "$BATS_TEST_TMPDIR/bin"
	ln -s "$VPMEMCTL_BIN" "$BATS_TEST_TMPDIR/bin/vpmemctl"
	PATH="$BATS_TEST_TMPDIR/bin:$PATH" run complete_at 9 vpmemctl-release "${HOST[@]}" ''
	assert_output 'alpha'
}

@test "claim offers no instance name" {
	make_claims alpha 6GB
	run complete_at 10 "$VPMEMCTL_BIN" "${HOST[@]}" claim ''
	assert_success
	assert_output ''
}

@test "claim offers the configured labels as its second argument" {
	make_claims
	run complete_at 11 "$VPMEMCTL_BIN" "${HOST[@]}" claim vm9 ''
	assert_output "$(printf '%s\n' 6GB LARGE)"
}

@test "claim completes the label after a comma" {
	make_claims
	run complete_at 11 "$VPMEMCTL_BIN" "${HOST[@]}" claim vm9 6GB,
	assert_output "$(printf '%s\n' 6GB,6GB 6GB,LARGE)"
	run complete_at 11 "$VPMEMCTL_BIN" "${HOST[@]}" claim vm9 'LARGE, 6GB,L'
	assert_output 'LARGE, 6GB,LARGE'
}

@test "claim takes the labels of a quoted --namespaces on the line" {
	make_claims
	run complete_at 13 "$VPMEMCTL_BIN" "${HOST[@]}" -N "'GOLD:ns0|ns1,-silver-:ns3'" claim vm9 ''
	assert_output "$(printf '%s\n' -silver- GOLD)"
}

@test "--numa-node offers the NUMA nodes of the host" {
	make_claims
	run complete_at 11 "$VPMEMCTL_BIN" "${HOST[@]}" claim --numa-node ''
	assert_output "$(printf '%s\n' 0 1)"
}

@test "the options of render-xml are offered after it" {
	run complete_at 2 vpmemctl render-xml --
	assert_line -- '--domain'
	assert_line -- '--in-place'
	assert_line -- '--guest-node'
	assert_line -- '--state-dir'
	refute_line -- '--no-scrub'
	refute_line -- '--numa-node'
	run complete_at 1 vpmemctl --
	refute_line -- '--domain'
}

@test "a partial option of render-xml is completed" {
	run complete_at 2 vpmemctl render-xml --in
	assert_output -- '--in-place'
}

@test "--domain completes file names" {
	make_tree
	run complete_at 3 vpmemctl render-xml --domain "$BATS_TEST_TMPDIR/tree/snap."
	assert_output "$BATS_TEST_TMPDIR/tree/snap.json"
	run complete_at 4 vpmemctl render-xml --domain = "$BATS_TEST_TMPDIR/tree/snap."
	assert_output "$BATS_TEST_TMPDIR/tree/snap.json"
	run complete_at 2 vpmemctl-render-xml --dom "$BATS_TEST_TMPDIR/tree/snap."
	assert_output "$BATS_TEST_TMPDIR/tree/snap.json"
}

@test "no value is guessed for --guest-node" {
	make_claims alpha 6GB
	run complete_at 11 "$VPMEMCTL_BIN" "${HOST[@]}" render-xml --guest-node ''
	assert_success
	assert_output ''
}

@test "-f after render-xml offers only table" {
	run complete_at 3 vpmemctl render-xml -f ''
	assert_output 'table'
}

@test "the formats offered after each command are those it accepts" {
	run "$VPMEMCTL_BIN" --help
	assert_success
	for cmd in $(sed -n '/^Commands:/,/^$/s/^  \([a-z][a-z-]*\) .*/\1/p' <<<"$output"); do
		accepted=$(for fmt in table json placement; do
			"$VPMEMCTL_BIN" -c /dev/null -N '' --host-snapshot "$EXAMPLE/ndctl-list.json" \
				-s "$BATS_TEST_TMPDIR/state" "$cmd" -f "$fmt" 2>&1 |
				grep -q 'is not one of' || echo "$fmt"
		done | sort)
		offered=$(complete_at 3 vpmemctl "$cmd" -f '')
		[ "$accepted" = "$offered" ] ||
			fail "after '$cmd', -f offers" $offered "but accepts" $accepted
	done
}

@test "render-xml offers the instances that hold claims" {
	make_claims alpha 6GB vm1 LARGE vm2 6GB
	"$VPMEMCTL_BIN" "${HOST[@]}" release vm2 --no-scrub >/dev/null
	run complete_at 10 "$VPMEMCTL_BIN" "${HOST[@]}" render-xml ''
	assert_success
	assert_output "$(printf '%s\n' alpha vm1)"
}

@test "render-xml offers instances after --domain FILE and --in-place" {
	make_claims alpha 6GB
	run complete_at 13 "$VPMEMCTL_BIN" "${HOST[@]}" render-xml --domain vm.xml --in-place al
	assert_output 'alpha'
	run complete_at 12 "$VPMEMCTL_BIN" "${HOST[@]}" render-xml --domain=vm.xml --guest-node=1 ''
	assert_output 'alpha'
}

@test "nothing is offered after the instance of render-xml" {
	make_claims alpha 6GB
	run complete_at 11 "$VPMEMCTL_BIN" "${HOST[@]}" render-xml alpha ''
	assert_success
	assert_output ''
}

@test "the vpmemctl-render-xml link offers instances" {
	make_claims alpha 6GB
	mkdir "$BATS_TEST_TMPDIR/bin"
	ln -s "$VPMEMCTL_BIN" "$BATS_TEST_TMPDIR/bin/vpmemctl"
	ln -s "$VPMEMCTL_BIN" "$BATS_TEST_TMPDIR/bin/vpmemctl-render-xml"
	run complete_at 9 "$BATS_TEST_TMPDIR/bin/vpmemctl-render-xml" "${HOST[@]}" ''
	assert_output 'alpha'
	run complete_at 9 "$BATS_TEST_TMPDIR/bin/vpmemctl-render-xml" "${HOST[@]}" --
	assert_line -- '--domain'
}

@test "only the options that choose the host, configuration and state are handed on" {
	# A vpmemctl whose "labels" are its own arguments.
	stub=$(stub_vpmemctl 'printf "{\"resource_classes\": ["
		for a; do printf "{\"label\": \"%s\"}," "$a"; done
		printf "], \"namespaces\": []}"')
	run complete_at 22 "$stub/vpmemctl" -q -v --lock-timeout 3 -f json -c c.conf -N spec \
		claim --dry-run --numa-node 1 -s sd --dev-dir dd --host-snapshot hs vm1 ''
	assert_output "$(printf '%s\n' -c c.conf -N spec -s sd --dev-dir dd --host-snapshot hs \
		inventory -f json | sort)"
}

@test "when vpmemctl fails, nothing is offered and nothing printed" {
	run --separate-stderr complete_at 4 "$VPMEMCTL_BIN" -c "$BATS_TEST_TMPDIR/none.conf" release ''
	assert_success
	assert_output ''
	[ -z "$stderr" ] || fail "stderr: $stderr"
}

@test "a vpmemctl that does not answer is given up after a few seconds" {
	stub=$(stub_vpmemctl 'exec sleep 60')
	SECONDS=0
	run complete_at 2 "$stub/vpmemctl" release ''
	assert_output ''
	((SECONDS < 10)) || fail "the completion waited $SECONDS seconds"
}

@test "a vpmemctl that reads its input gets none" {
	# Its list comes only once its input ends; the completion's own input
	# never does.
	stub=$(stub_vpmemctl 'cat >/dev/null
		echo "NAME NUMA STATE INSTANCE"; echo "ns0 0 claimed alpha"')
	mkfifo "$BATS_TEST_TMPDIR/fifo"
	exec 5<>"$BATS_TEST_TMPDIR/fifo" # bats keeps 3 for itself
	run complete_at 2 "$stub/vpmemctl" release '' <&5
	exec 5<&-
	assert_output 'alpha'
}

@test "with bash-completion loaded, an instance name with a colon is completed" {
	bc=/usr/share/bash-completion/bash_completion
	[ -r "$bc" ] || skip "bash-completion is not installed"
	make_claims vm:1 6GB
	run bash --norc --noprofile -c '
		source "$1" && source "$2" || exit 1
		shift 2
		COMP_WORDS=("$@" vm :)
		COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
		COMP_LINE="$* vm:"
		COMP_POINT=${#COMP_LINE}
		_vpmemctl
		printf "%s\n" "${COMPREPLY[@]}"
	' _ "$bc" "$COMPLETION" "$VPMEMCTL_BIN" "${HOST[@]}" release
	# readline replaces what follows the colon
	assert_output '1'
}

@test "the options of verify are offered after it, not before" {
	run complete_at 2 vpmemctl verify --
	assert_line -- '--libvirt-dir'
	assert_line -- '--repair'
	assert_line -- '--state-dir'
	refute_line -- '--no-scrub'
	refute_line -- '--domain'
	run complete_at 1 vpmemctl --
	refute_line -- '--libvirt-dir'
	refute_line -- '--repair'
}

@test "a partial option of verify is completed" {
	run complete_at 2 vpmemctl verify --li
	assert_output -- '--libvirt-dir'
	run complete_at 2 vpmemctl verify --rep
	assert_output -- '--repair'
}

@test "--libvirt-dir completes directories only" {
	make_tree
	run complete_at 3 vpmemctl verify --libvirt-dir "$BATS_TEST_TMPDIR/tree/snap"
	assert_output "$BATS_TEST_TMPDIR/tree/snapdir"
	run complete_at 4 vpmemctl verify --libvirt-dir = "$BATS_TEST_TMPDIR/tree/snap"
	assert_output "$BATS_TEST_TMPDIR/tree/snapdir"
	run complete_at 2 vpmemctl verify "--libvirt-dir=$BATS_TEST_TMPDIR/tree/snap"
	assert_output "$BATS_TEST_TMPDIR/tree/snapdir"
	run complete_at 2 vpmemctl-verify --libvirt "$BATS_TEST_TMPDIR/tree/snap"
	assert_output "$BATS_TEST_TMPDIR/tree/snapdir"
}

@test "-f after verify offers table and json" {
	run complete_at 3 vpmemctl verify -f ''
	assert_output "$(printf '%s\n' json table)"
	run complete_at 1 vpmemctl-verify --format=j
	assert_output 'json'
}

@test "verify takes no operand: nothing is offered, not even after its options" {
	make_claims alpha 6GB
	run complete_at 10 "$VPMEMCTL_BIN" "${HOST[@]}" verify ''
	assert_success
	assert_output ''
	run complete_at 13 "$VPMEMCTL_BIN" "${HOST[@]}" verify --libvirt-dir /etc --repair ''
	assert_success
	assert_output ''
}

@test "vpmemctl-verify is offered its options, not a command" {
	run complete_at 1 vpmemctl-verify -
	assert_line -- '--repair'
	assert_line -- '--config'
	run complete_at 1 vpmemctl-verify ''
	assert_output ''
}

@test "release --jobs takes a value: none is guessed, and the instance still follows" {
	make_claims alpha 6GB
	run complete_at 11 "$VPMEMCTL_BIN" "${HOST[@]}" release --jobs ''
	assert_success
	assert_output ''
	run complete_at 12 "$VPMEMCTL_BIN" "${HOST[@]}" release --jobs 4 ''
	assert_output 'alpha'
	run complete_at 11 "$VPMEMCTL_BIN" "${HOST[@]}" release --jobs=4 ''
	assert_output 'alpha'
}

@test "vpmemctl help completes the commands" {
	run complete_at 2 vpmemctl help cl
	assert_output 'claim'
}
