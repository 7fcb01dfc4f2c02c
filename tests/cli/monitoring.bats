#!/usr/bin/env bats
# vpmemctl verify as a monitoring plugin, held to the Monitoring Plugins
# development guidelines: one status line "VPMEMCTL STATUS - text | perfdata"
# first on stdout, the exit code of that status, usage errors as UNKNOWN (3)
# with a line on stdout, --timeout, thresholds on free namespaces, and
# performance data in the guidelines' syntax, never a zero for what could
# not be read.

bats_require_minimum_version 1.5.0
load helpers

setup() { common_setup; standins; }

# plugin_output: $output is a well-formed plugin output whose status word
# matches $status; prints nothing, fails with the reason.
plugin_output() {
	python3 - "$status" "$output" <<-'PY'
	import re, sys
	status = int(sys.argv[1])
	out = sys.argv[2]
	first = out.split("\n", 1)[0]
	m = re.fullmatch(r"VPMEMCTL (OK|WARNING|CRITICAL|UNKNOWN) - ([^|]+?)(?: \| (.*))?", first)
	if not m:
	    sys.exit("not a status line: %r" % first)
	if ["OK", "WARNING", "CRITICAL", "UNKNOWN"].index(m.group(1)) != status:
	    sys.exit("status %s but exit code %d" % (m.group(1), status))
	if m.group(3) is not None:
	    rng = r"@?(?:~|-?\d+(?:\.\d+)?)?:?(?:-?\d+(?:\.\d+)?)?"
	    # value[UOM];[warn];[crit];[min];[max], trailing fields may be left out
	    # a label quoted, a quote in it doubled, or plain
	    label = r"'(?:[^']|'')+'|[^'= ]+"
	    item = r"(%s)=-?\d+(?:\.\d+)?[a-zA-Z%%]*(?:;(?:%s)(?:;(?:%s)(?:;-?\d*(?:;-?\d*)?)?)?)?" % (label, rng, rng)
	    labels = []
	    rest = m.group(3)
	    while rest:
	        pm = re.match(item + r"(?: |$)", rest)
	        if not pm:
	            sys.exit("not perfdata in the guidelines' syntax: %r" % rest)
	        labels.append(pm.group(1))
	        rest = rest[pm.end():]
	    if len(labels) != len(set(labels)):
	        sys.exit("a perfdata label twice: %r" % labels)
	PY
}

@test "all well: OK, exit 0, perfdata with min and max" {
	vpm claim vm1 6GB >/dev/null
	run --separate-stderr vpm verify
	assert_success
	plugin_output
	assert_line --index 0 "VPMEMCTL OK - 4 namespaces, 1 claim | namespaces=4;;;0 claims=1;;;0 free=3;;;0;4 free_6GB=2;;;0;3 free_LARGE=1;;;0;1 quarantined=0;;;0;4"
}

@test "a perfdata label with a quote, an equals sign or a space is quoted, a quote in it doubled" {
	run --separate-stderr "$VPMEMCTL_BIN" -N "it's:ns0|ns1,a=b:ns2,x y:ns3" verify
	assert_success
	plugin_output
	assert_line --index 0 --partial " 'free_it''s'=2;;;0;2 'free_a=b'=1;;;0;1 'free_x y'=1;;;0;1 "
}

@test "every usage error: one UNKNOWN line on stdout naming it, exit 3" {
	local args
	for args in "-w 1 -c 2" "--bogus" "extra" "--timeout x" "--timeout 0" \
		"--warning-free abc" "--critical-free :2" "--warning-free 6GB:-1" "-f placement"; do
		# shellcheck disable=SC2086
		run --separate-stderr vpm verify $args
		[ "$status" -eq 3 ] || fail "verify $args: exit $status"
		[ "${#lines[@]}" -eq 1 ] || fail "verify $args: ${#lines[@]} lines on stdout: $output"
		[[ "${lines[0]}" == "VPMEMCTL UNKNOWN - vpmemctl verify: "* ]] || fail "verify $args: ${lines[0]}"
		[[ "${lines[0]}" != *"Try \`"* ]] || fail "verify $args: the hint, not the error: ${lines[0]}"
		[ -n "$stderr" ] || fail "verify $args: nothing on stderr"
	done
	run --separate-stderr vpm verify -w 1
	assert_line --index 0 "VPMEMCTL UNKNOWN - vpmemctl verify: invalid option -- 'w'"
}

@test "--help and --version are not errors" {
	run --separate-stderr vpm verify --help
	assert_success
	refute_output --partial "UNKNOWN -"
	run --separate-stderr vpm verify --version
	assert_success
	refute_output --partial "UNKNOWN -"
}

@test "--warning-free LABEL:N: WARNING when fewer are free, the range in the perfdata" {
	vpm claim vm1 6GB,6GB >/dev/null
	run --separate-stderr vpm verify --warning-free 6GB:2
	assert_failure 1
	plugin_output
	assert_line --index 0 --partial "VPMEMCTL WARNING - 0 errors, 1 warning: 1 namespace free under label 6GB, fewer than 2 (--warning-free 6GB:2) |"
	assert_line --index 0 --partial " free_6GB=1;2:;;0;3 "
	run --separate-stderr vpm verify --warning-free 6GB:1
	assert_success
	plugin_output
}

@test "--critical-free N over all labels: CRITICAL, and the WARNING of the same subject is not repeated" {
	vpm claim vm1 6GB,6GB,LARGE >/dev/null
	run --separate-stderr vpm verify --warning-free 3 --critical-free 2
	assert_failure 2
	plugin_output
	assert_line --index 0 --partial "VPMEMCTL CRITICAL - 1 error, 0 warnings: 1 namespace free in all, fewer than 2 (--critical-free 2) |"
	assert_line --index 0 --partial " free=1;3:;2:;0;4 "
}

@test "a threshold on a label that is not configured is UNKNOWN" {
	run --separate-stderr vpm verify --critical-free NOPE:1
	assert_failure 3
	assert_output "VPMEMCTL UNKNOWN - --critical-free: no label 'NOPE' is configured"
}

@test "an unreadable state: CRITICAL, and no claims, free or quarantined count in the perfdata" {
	vpm claim vm1 6GB >/dev/null
	printf '{"version": 1, "claims": [' >"$VPMEMCTL_STATE_DIR/state.json"
	run --separate-stderr vpm verify
	assert_failure 2
	plugin_output
	[[ "${lines[0]}" == *"| namespaces=4;;;0" ]] || fail "${lines[0]}"
	run --separate-stderr vpm verify -f json
	run json_get '(d["status"], d["claims"])'
	assert_output '["critical", null]'
}

@test "--timeout: UNKNOWN when the time is up, the lock wait included" {
	vpm claim vm1 6GB >/dev/null
	flock "$VPMEMCTL_STATE_DIR/lock" sleep 30 &
	local holder=$!
	wait_locked "$VPMEMCTL_STATE_DIR/lock"
	SECONDS=0
	run --separate-stderr vpm --lock-timeout 20 verify --repair --timeout 1
	local took=$SECONDS
	kill "$holder"
	assert_failure 3
	assert_output "VPMEMCTL UNKNOWN - timed out after 1 s (--timeout)"
	[ "$took" -lt 15 ] || fail "took $took s"
	run --separate-stderr vpm verify
	assert_success
}

@test "--timeout with -f json: the UNKNOWN document" {
	flock "$VPMEMCTL_STATE_DIR/lock" sleep 30 &
	local holder=$!
	wait_locked "$VPMEMCTL_STATE_DIR/lock"
	run --separate-stderr vpm --lock-timeout 20 verify --repair --timeout 1 -f json
	kill "$holder"
	assert_failure 3
	run json_get '(d["status"], d["summary"])'
	assert_output '["unknown", "VPMEMCTL UNKNOWN - timed out after 1 s (--timeout)"]'
}
