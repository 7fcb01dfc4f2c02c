#!/usr/bin/env bats
# Every claim and release is also logged to syslog: checked against a
# listener on /dev/log in a private mount namespace.

load helpers

setup() { common_setup; standins; }

@test "claims and releases are logged to syslog with instance, namespaces, outcome and who ran them" {
	cat >"$SCRATCH/in-ns.sh" <<-'SH'
	set -e
	mount -t tmpfs tmpfs /dev
	python3 -c '
	import socket, sys
	s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
	s.bind("/dev/log")
	open(sys.argv[1] + ".ready", "w").close()
	with open(sys.argv[1], "a") as out:
	    while True:
	        out.write(s.recv(4096).decode(errors="replace") + "\n")
	        out.flush()
	' "$LOG" &
	listener=$!
	while [ ! -e "$LOG.ready" ]; do sleep 0.05; done
	"$VPMEMCTL_BIN" -N "$NOVA_SPEC" claim vm1 6GB,LARGE >/dev/null
	SUDO_USER=alice "$VPMEMCTL_BIN" -N "$NOVA_SPEC" release vm1 >/dev/null
	sleep 0.3
	kill $listener
	SH
	LOG="$SCRATCH/syslog" NOVA_SPEC="$NOVA_SPEC" VPMEMCTL_BIN="$VPMEMCTL_BIN" \
		unshare -m bash "$SCRATCH/in-ns.sh"
	run cat "$SCRATCH/syslog"
	# the login user when there is one, else the real user (root here)
	local uid
	uid=$(cat /proc/self/loginuid)
	[ "$uid" != 4294967295 ] || uid=$(id -u)
	assert_line --regexp "vpmemctl\\[[0-9]+\\]: claim instance=vm1 namespaces=ns0,ns3 outcome=claimed user=$(id -un "$uid")\$"
	# run through sudo, the user who ran sudo
	assert_line --regexp 'vpmemctl\[[0-9]+\]: release instance=vm1 namespaces=ns0,ns3 scrub=done outcome=released user=alice$'
}
