#!/usr/bin/env bats
# Every claim and release is also logged to syslog: checked against a
# listener on /dev/log in a private mount namespace.

load helpers

setup() { common_setup; standins; }

@test "claims and releases are logged to syslog with instance, namespaces, outcome and who ran them" {
	logged '"$VPMEMCTL_BIN" -N "$NOVA_SPEC" claim vm1 6GB,LARGE >/dev/null
		SUDO_USER=alice "$VPMEMCTL_BIN" -N "$NOVA_SPEC" release vm1 >/dev/null'
	run cat "$SCRATCH/syslog"
	# the login user when there is one, else the real user (root here)
	local uid
	uid=$(cat /proc/self/loginuid)
	[ "$uid" != 4294967295 ] || uid=$(id -u)
	assert_line --regexp "vpmemctl\\[[0-9]+\\]: claim instance=vm1 namespaces=ns0,ns3 outcome=claimed user=$(id -un "$uid")\$"
	# run through sudo, the user who ran sudo
	assert_line --regexp 'vpmemctl\[[0-9]+\]: release instance=vm1 namespaces=ns0,ns3 scrub=done outcome=released user=alice$'
}
