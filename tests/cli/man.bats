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
	mkdir -m 0700 "$BATS_TEST_TMPDIR/state"
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

@test "vpmemctl-claim.8 passes mandoc -Tlint" {
	assert_lint_clean "$MAN/vpmemctl-claim.8"
}

@test "vpmemctl-release.8 passes mandoc -Tlint" {
	assert_lint_clean "$MAN/vpmemctl-release.8"
}

@test "vpmemctl-render-xml.8 passes mandoc -Tlint" {
	assert_lint_clean "$MAN/vpmemctl-render-xml.8"
}

@test "vpmemctl-verify.8 passes mandoc -Tlint" {
	assert_lint_clean "$MAN/vpmemctl-verify.8"
}

@test "vpmemctl-adopt.8 passes mandoc -Tlint" {
	assert_lint_clean "$MAN/vpmemctl-adopt.8"
}

@test "vpmemctl.conf.5 passes mandoc -Tlint" {
	assert_lint_clean "$MAN/vpmemctl.conf.5"
}

@test "man/meson.build installs every page of man/" {
	for page in "$MAN"/*.[0-9]; do
		grep -qF "'$(basename "$page")'" "$MAN/meson.build" ||
			fail "man/meson.build does not install $(basename "$page")"
	done
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

@test "each command's page documents every option of its --help beyond the common ones" {
	for cmd in $(commands); do
		own=$(comm -23 <(long_options "$cmd") <(long_options))
		[ -n "$own" ] || fail "vpmemctl $cmd --help printed no option of its own"
		assert_documents "$MAN/vpmemctl-$cmd.8" $own
	done
}

@test "each command's page refers to vpmemctl(8) for the common options" {
	for cmd in $(commands); do
		rendered "$MAN/vpmemctl-$cmd.8" |
			grep -q 'The common options are described in vpmemctl(8)' ||
			fail "vpmemctl-$cmd.8 does not refer to vpmemctl(8)"
	done
}

@test "each command's page documents the formats that its -f accepts" {
	for cmd in $(commands); do
		for fmt in table json placement; do
			"$VPMEMCTL_BIN" -c /dev/null -N '' --host-snapshot "$EXAMPLE/ndctl-list.json" \
				-s "$BATS_TEST_TMPDIR/state" "$cmd" -f "$fmt" 2>&1 |
				grep -q 'is not one of' && continue
			assert_documents "$MAN/vpmemctl-$cmd.8" "$fmt"
		done
	done
}

@test "the resource classes that the pages give as examples are the binary's" {
	for page in "$MAN/vpmemctl.8" "$MAN/vpmemctl.conf.5"; do
		# ".Ql LABEL" then "gives" then ".Li CLASS" on three lines
		pairs=$(awk '
			prev2 ~ /^\.Ql [^ ]+$/ && prev1 == "gives" && $1 == ".Li" {
				split(prev2, q, " "); print q[2], $2
			}
			{ prev2 = prev1; prev1 = $0 }
		' "$page")
		[ -n "$pairs" ] || fail "no resource class example found in $page"
		while read -r label class; do
			rc=$("$VPMEMCTL_BIN" -c /dev/null --host-snapshot "$EXAMPLE/ndctl-list.json" \
				--namespaces="$label:ns0" inventory -f json |
				python3 -c 'import json,sys; print(json.load(sys.stdin)["resource_classes"][0]["resource_class"])')
			[ "$rc" = "$class" ] ||
				fail "$(basename "$page"): label '$label' gives $rc, not $class"
		done <<<"$pairs"
	done
}

@test "vpmemctl-claim.8 and vpmemctl-release.8 document every key of their JSON" {
	state="$BATS_TEST_TMPDIR/state" dev="$BATS_TEST_TMPDIR/dev"
	mkdir -p "$dev"
	for d in dax0.0 dax0.1 dax0.2 dax1.0; do head -c 65536 /dev/zero >"$dev/$d"; done
	vpm=("$VPMEMCTL_BIN" -c "$EXAMPLE/vpmemctl.conf" --host-snapshot "$EXAMPLE/ndctl-list.json"
		-s "$state" --dev-dir "$dev")
	keys='import json,sys; d=json.load(sys.stdin); print(*sorted(set(d) | set(k for n in d["namespaces"] for k in n)))'
	claim_keys=$("${vpm[@]}" claim vm1 6GB,LARGE -f json | python3 -c "$keys")
	[ -n "$claim_keys" ] || fail "claim printed no JSON"
	assert_documents "$MAN/vpmemctl-claim.8" $claim_keys
	rm "$dev/dax1.0" # a failed scrub adds "error"
	release_keys=$("${vpm[@]}" release vm1 -f json 2>/dev/null | python3 -c "$keys")
	[ -n "$release_keys" ] || fail "release printed no JSON"
	assert_documents "$MAN/vpmemctl-release.8" $release_keys
}

@test "vpmemctl-claim.8 shows the claims that the example host gives" {
	# Each literal display that starts with "# vpmemctl claim ...", up to
	# one that asks for the exit status, run in turn on one state.
	examples=$(awk '
		/^\.Bd -literal/ { on = 1; n = 0; next }
		/^\.Ed$/ { on = 0; next }
		on && n == 0 && /^# vpmemctl claim [^;|]*$/ { n = 1; print "@@" substr($0, 3); next }
		on && n { print }
	' "$MAN/vpmemctl-claim.8")
	[ -n "$examples" ] || fail "no claim example found in vpmemctl-claim.8"
	export VPMEMCTL_CONFIG="$EXAMPLE/vpmemctl.conf"
	export VPMEMCTL_HOST_SNAPSHOT="$EXAMPLE/ndctl-list.json"
	export VPMEMCTL_STATE_DIR="$BATS_TEST_TMPDIR/state"
	documented= cmd=
	while IFS= read -r line; do
		if [[ $line == @@* ]]; then
			[ -z "$cmd" ] || { run $cmd; assert_output "$documented"; }
			cmd="$VPMEMCTL_BIN ${line#@@vpmemctl }" documented=
		else
			documented+="${documented:+$'\n'}$line"
		fi
	done <<<"$examples"
	run $cmd
	assert_output "$documented"
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
	# the page shows it as a terminal does (indented): the same document
	python3 -c 'import json,sys; sys.exit(json.loads(sys.argv[1]) != json.loads(sys.argv[2]))' \
		"$output" "$documented"
}

# literal_after REGEX PAGE: the lines of the literal display of PAGE that
# follow the first line matching REGEX in a display, up to its end.
literal_after() {
	awk -v re="$1" '
		/^\.Bd -literal/ { on = 1; next }
		/^\.Ed$/ { if (found) exit; on = 0; next }
		found { print; next }
		on && $0 ~ re { found = 1 }
	' "$2"
}

@test "vpmemctl-render-xml.8 shows the devices that the example host gives" {
	documented=$(literal_after '^# vpmemctl render-xml vm1$' "$MAN/vpmemctl-render-xml.8")
	[ -n "$documented" ] || fail "no render-xml example found in vpmemctl-render-xml.8"
	vpm=("$VPMEMCTL_BIN" -c "$EXAMPLE/vpmemctl.conf" --host-snapshot "$EXAMPLE/ndctl-list.json"
		-s "$BATS_TEST_TMPDIR/state")
	"${vpm[@]}" -q claim vm1 6GB,LARGE >/dev/null
	run "${vpm[@]}" render-xml vm1
	assert_success
	assert_output "$documented"
}

@test "vpmemctl-render-xml.8 shows the element of Nova's example namespace" {
	# The first display of the page, and a host of that one namespace.
	documented=$(awk '/^\.Bd -literal/ { on = 1; next } on && /^\.Ed$/ { exit } on' \
		"$MAN/vpmemctl-render-xml.8")
	grep -qF '<size unit="KiB">4192256</size>' <<<"$documented" ||
		fail "the first display of vpmemctl-render-xml.8 is not Nova's namespace"
	cat >"$BATS_TEST_TMPDIR/nova.json" <<-'JSON'
	[{"dev": "namespace0.0", "mode": "devdax", "map": "dev", "size": 4292870144,
	  "uuid": "24ae697d-f4f3-4a2b-9a31-0b1c5d0a8e3f", "name": "ns0", "numa_node": 0,
	  "daxregion": {"id": 0, "size": 4292870144, "align": 2097152,
	                "devices": [{"chardev": "dax0.0", "size": 4292870144}]}}]
	JSON
	vpm=("$VPMEMCTL_BIN" -c /dev/null -N '4GB:ns0' --host-snapshot "$BATS_TEST_TMPDIR/nova.json"
		-s "$BATS_TEST_TMPDIR/state")
	"${vpm[@]}" -q claim vm1 4GB >/dev/null
	run "${vpm[@]}" render-xml vm1
	assert_success
	assert_output "$documented"
}

@test "vpmemctl.conf.5 documents every key that the configuration file is read for" {
	keys=$(grep -oE '"(libvirt|vpmemctl)", *"[a-z_]+"' \
		"$BATS_TEST_DIRNAME/../../common/config.c" | sed 's/.*"\([a-z_]*\)"$/\1/' | sort -u)
	[ -n "$keys" ] || fail "no configuration key found in common/config.c"
	assert_documents "$MAN/vpmemctl.conf.5" $keys
}

# verify_host: the example host with stand-ins for its devices; VPM becomes
# the command line that names it and a state of its own.
verify_host() {
	local d
	DEV="$BATS_TEST_TMPDIR/dev"
	mkdir -p "$DEV"
	for d in dax0.0 dax0.1 dax0.2 dax1.0; do head -c 65536 /dev/zero >"$DEV/$d"; done
	VPM=("$VPMEMCTL_BIN" -c "$EXAMPLE/vpmemctl.conf" --host-snapshot "$EXAMPLE/ndctl-list.json"
		-s "$BATS_TEST_TMPDIR/state" --dev-dir "$DEV")
}

@test "vpmemctl-verify.8 documents every finding code of the sources, with its severity" {
	src="$BATS_TEST_DIRNAME/../.."
	found=$(grep -ohE 'SEV_(ERROR|WARNING), "[a-z]+(-[a-z]+)+"' "$src"/cmd/*.c "$src"/common/*.c |
		sed -E 's/SEV_([A-Z]+), "(.*)"/\2 \1/' | sort -u)
	[ "$(wc -l <<<"$found")" -ge 25 ] || fail "too few finding codes found in the sources: $found"
	# a call written otherwise would escape the grep above
	odd=$(grep -nE 'findings_add\(' "$src"/cmd/*.c "$src"/common/*.c |
		grep -vE 'SEV_(ERROR|WARNING), "[a-z-]+"|^[^:]*findings\.[ch]:' || true)
	[ -z "$odd" ] || fail "findings_add calls whose code this test cannot read: $odd"
	text=$(rendered "$MAN/vpmemctl-verify.8")
	while read -r code sev; do
		sev=${sev,,}
		grep -qE "^ +$code \($sev\)\$" <<<"$text" ||
			fail "vpmemctl-verify.8 does not list $code as ($sev)"
	done <<<"$found"
	# and lists no code that the sources do not have
	listed=$(grep -oE '^ +[a-z]+(-[a-z]+)+ \((error|warning)\)$' <<<"$text" | awk '{ print $1 }' | sort)
	[ "$listed" = "$(awk '{ print $1 }' <<<"$found" | sort)" ] ||
		fail "codes listed but not emitted: $(comm -23 <(echo "$listed") <(awk '{ print $1 }' <<<"$found" | sort))"
}

@test "vpmemctl-verify.8 documents every key of its JSON" {
	verify_host
	"${VPM[@]}" -q claim vm1 6GB >/dev/null
	mkdir "$BATS_TEST_TMPDIR/qemu"
	keys=$("${VPM[@]}" verify --repair --libvirt-dir "$BATS_TEST_TMPDIR/qemu" -f json |
		python3 -c 'import json,sys; d=json.load(sys.stdin); print(*sorted(set(d) | set(k for f in d["findings"] for k in f)))')
	[[ $keys == *severity* ]] || fail "verify printed no finding: $keys"
	assert_documents "$MAN/vpmemctl-verify.8" $keys
}

@test "vpmemctl-verify.8 shows the status line that the example host gives" {
	verify_host
	"${VPM[@]}" -q claim vm1 6GB,LARGE >/dev/null
	documented=$(literal_after '^# vpmemctl verify$' "$MAN/vpmemctl-verify.8")
	[ -n "$documented" ] || fail "no verify example found in vpmemctl-verify.8"
	run "${VPM[@]}" verify
	assert_success
	assert_output "$documented"
	# the same line as the first one described under Output
	grep -qxF "$documented" <(rendered "$MAN/vpmemctl-verify.8" | sed 's/^ *//') ||
		fail "the Output section shows another status line"
}

@test "vpmemctl-verify.8 shows the findings of a domain using a device without a claim" {
	verify_host
	"${VPM[@]}" -q claim vm1 6GB,LARGE >/dev/null
	mkdir "$BATS_TEST_TMPDIR/qemu"
	domain() { # NAME DEVICE...
		local name=$1 p
		shift
		{
			echo "<domain type='kvm'><name>$name</name><memory>1048576</memory><devices>"
			for p; do
				echo "<memory model='nvdimm'><source><path>$DEV/$p</path></source><target><size>1024</size><node>0</node></target></memory>"
			done
			echo "</devices></domain>"
		} >"$BATS_TEST_TMPDIR/qemu/$name.xml"
	}
	domain vm1 dax0.0 dax1.0
	domain vm2 dax0.1
	documented=$(literal_after '^# vpmemctl verify --libvirt-dir /etc/libvirt/qemu$' \
		"$MAN/vpmemctl-verify.8")
	[ -n "$documented" ] || fail "no --libvirt-dir example found in vpmemctl-verify.8"
	run "${VPM[@]}" verify --libvirt-dir "$BATS_TEST_TMPDIR/qemu"
	assert_failure 2
	assert_output "$(sed "s|/dev/|$DEV/|g; s|/etc/libvirt/qemu/|$BATS_TEST_TMPDIR/qemu/|g" <<<"$documented")"
}

@test "the exit status of vpmemctl-verify.8 is the Nagios one" {
	text=$(rendered "$MAN/vpmemctl-verify.8" | sed -n '/^EXIT STATUS/,/^EXAMPLES/p')
	for line in '0 +OK' '1 +WARNING' '2 +CRITICAL' '3 +UNKNOWN'; do
		grep -qE "^ +$line:" <<<"$text" || fail "EXIT STATUS has no line /$line/"
	done
	verify_host
	run "${VPM[@]}" verify --bogus
	assert_failure 3
}
