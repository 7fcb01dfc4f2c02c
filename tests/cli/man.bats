#!/usr/bin/env bats
# The man pages: valid mdoc, and in step with what the binary accepts.

load '/usr/lib/bats/bats-support/load'
load '/usr/lib/bats/bats-assert/load'

setup() {
	unset VPMEMCTL_CONFIG VPMEMCTL_NAMESPACES VPMEMCTL_STATE_DIR \
		VPMEMCTL_HOST_SNAPSHOT VPMEMCTL_DEV_DIR
	VPMEMCTL_BIN="${VPMEMCTL_BIN:-$BATS_TEST_DIRNAME/../../build/vpmemctl}"
	MAN="$BATS_TEST_DIRNAME/../../man"
	EXAMPLE="$BATS_TEST_DIRNAME/../../examples/host-1"
}

# The page as a reader sees it, without overstrike, on long lines.
rendered() {
	mandoc -Tascii -Owidth=300 "$1" | sed 's/.\x08//g'
}

# The long options that "vpmemctl ARGS --help" prints, one a line.
long_options() {
	"$VPMEMCTL_BIN" "$@" --help | grep -oE -- '--[a-z][a-z-]*' | sort -u
}

# The commands listed by "vpmemctl --help", one a line.
commands() {
	"$VPMEMCTL_BIN" --help | sed -n '/^Commands:/,/^$/s/^  \([a-z][a-z-]*\) .*/\1/p'
}

# assert_documents PAGE WORD...: the rendered PAGE has every WORD as a word.
assert_documents() {
	local page=$1 text word missing=
	shift
	text=$(rendered "$page")
	for word; do
		grep -qE -- "(^|[^A-Za-z_-])${word}([^A-Za-z_-]|\$)" <<<"$text" ||
			missing="$missing $word"
	done
	[ -z "$missing" ] || fail "$(basename "$page") does not document:$missing"
}

assert_lint_clean() {
	run mandoc -Tlint -W warning "$1"
	assert_success
	assert_output ''
}

@test "vpmemctl.8 passes mandoc -Tlint" {
	assert_lint_clean "$MAN/vpmemctl.8"
}

@test "vpmemctl-inventory.8 passes mandoc -Tlint" {
	assert_lint_clean "$MAN/vpmemctl-inventory.8"
}

@test "vpmemctl.conf.5 passes mandoc -Tlint" {
	assert_lint_clean "$MAN/vpmemctl.conf.5"
}

@test "every page has EXIT STATUS and EXAMPLES sections" {
	for page in "$MAN"/vpmemctl.8 "$MAN"/vpmemctl-*.8 "$MAN"/vpmemctl.conf.5; do
		grep -qx '.Sh EXIT STATUS' "$page" || fail "$page: no EXIT STATUS"
		grep -qx '.Sh EXAMPLES' "$page" || fail "$page: no EXAMPLES"
	done
}

@test "vpmemctl.8 documents every long option of vpmemctl --help" {
	opts=$(long_options)
	[ -n "$opts" ] || fail "vpmemctl --help printed no long option"
	assert_documents "$MAN/vpmemctl.8" $opts
}

@test "vpmemctl.8 documents every environment variable of vpmemctl --help" {
	vars=$("$VPMEMCTL_BIN" --help | grep -oE 'VPMEMCTL_[A-Z_]+' | sort -u)
	[ -n "$vars" ] || fail "vpmemctl --help named no environment variable"
	assert_documents "$MAN/vpmemctl.8" $vars
}

@test "vpmemctl.8 lists every command of vpmemctl --help with its page" {
	cmds=$(commands)
	[ -n "$cmds" ] || fail "vpmemctl --help listed no command"
	for cmd in $cmds; do
		grep -qx ".It Cm $cmd" "$MAN/vpmemctl.8" || fail "vpmemctl.8 does not list $cmd"
		grep -qE "^\.Xr vpmemctl-$cmd 8( |\$)" "$MAN/vpmemctl.8" ||
			fail "vpmemctl.8 does not refer to vpmemctl-$cmd(8)"
	done
}

@test "every command of vpmemctl --help has its own page" {
	for cmd in $(commands); do
		[ -f "$MAN/vpmemctl-$cmd.8" ] || fail "no man/vpmemctl-$cmd.8"
	done
}

@test "vpmemctl-inventory.8 documents every option of inventory --help beyond the common ones" {
	own=$(comm -23 <(long_options inventory) <(long_options))
	[ -n "$own" ] || fail "vpmemctl inventory --help printed no option of its own"
	assert_documents "$MAN/vpmemctl-inventory.8" $own
}

@test "vpmemctl-inventory.8 refers to vpmemctl(8) for the common options" {
	run rendered "$MAN/vpmemctl-inventory.8"
	assert_output --partial 'The common options are described in vpmemctl(8)'
}

@test "vpmemctl-inventory.8 shows the placement body that the example host gives" {
	# The literal display right after the command line in the page.
	documented=$(awk '
		/^\$ vpmemctl inventory -f placement --generation 7$/ { on = 1; next }
		on && /^\.Ed$/ { exit }
		on { print }
	' "$MAN/vpmemctl-inventory.8")
	[ -n "$documented" ] || fail "no placement example found in vpmemctl-inventory.8"
	run "$VPMEMCTL_BIN" -c "$EXAMPLE/vpmemctl.conf" --host-snapshot "$EXAMPLE/ndctl-list.json" \
		inventory -f placement --generation 7
	assert_success
	assert_output "$documented"
}

@test "vpmemctl.conf.5 documents every key that the configuration file is read for" {
	keys=$(grep -oE '"(libvirt|vpmemctl)", *"[a-z_]+"' \
		"$BATS_TEST_DIRNAME/../../common/config.c" | sed 's/.*"\([a-z_]*\)"$/\1/' | sort -u)
	[ -n "$keys" ] || fail "no configuration key found in common/config.c"
	assert_documents "$MAN/vpmemctl.conf.5" $keys
}
