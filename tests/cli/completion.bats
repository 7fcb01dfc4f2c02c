#!/usr/bin/env bats
# The bash completion, in a plain bash without bash-completion loaded.

load '/usr/lib/bats/bats-support/load'
load '/usr/lib/bats/bats-assert/load'

setup() {
	COMPLETION="$BATS_TEST_DIRNAME/../../completions/vpmemctl"
	VPMEMCTL_BIN="${VPMEMCTL_BIN:-$BATS_TEST_DIRNAME/../../build/vpmemctl}"
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
	assert_output "$listed"
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
		vpmemctl-render-xml vpmemctl-verify; do
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
