# Shared set-up for the CLI tests: the binary under test, the bundled example
# host, and a scratch directory per test.
load '/usr/lib/bats/bats-support/load'
load '/usr/lib/bats/bats-assert/load'

TOP="$(cd "$BATS_TEST_DIRNAME/../.." && pwd)"
VPMEMCTL_BIN="${VPMEMCTL_BIN:-$TOP/build/vpmemctl}"
EXAMPLE="$TOP/examples/host-1"
DATA="$BATS_TEST_DIRNAME/data"
NOVA_SPEC='6GB:ns0|ns1|ns2,LARGE:ns3'

common_setup() {
	unset VPMEMCTL_CONFIG VPMEMCTL_NAMESPACES VPMEMCTL_STATE_DIR \
		VPMEMCTL_HOST_SNAPSHOT VPMEMCTL_DEV_DIR
	SCRATCH="$BATS_TEST_TMPDIR"
	# No test may read the machine's own /etc/vpmemctl or touch /var/lib.
	export VPMEMCTL_CONFIG="$SCRATCH/none.conf"
	: >"$VPMEMCTL_CONFIG"
	# Made here, as the package makes /var/lib/vpmemctl: no command makes it.
	export VPMEMCTL_STATE_DIR="$SCRATCH/state"
	mkdir -m 0700 "$VPMEMCTL_STATE_DIR"
	export VPMEMCTL_HOST_SNAPSHOT="$EXAMPLE/ndctl-list.json"
}

# vpm ARGS...: the binary with the example host and Nova's configuration.
vpm() {
	"$VPMEMCTL_BIN" -N "$NOVA_SPEC" "$@"
}

# json_get EXPR: evaluate a Python expression over the JSON in $output,
# bound to the name d; prints the result as JSON.
json_get() {
	python3 -c 'import json,sys; d=json.loads(sys.stdin.read()); print(json.dumps(eval(sys.argv[1])))' \
		"$1" <<<"$output"
}

# edit_json FILE PYTHON: change a JSON file in place; d is the document.
edit_json() {
	python3 - "$1" "$2" <<-'PY'
	import json, sys
	d = json.load(open(sys.argv[1]))
	exec(sys.argv[2])
	json.dump(d, open(sys.argv[1], "w"))
	PY
}

# snapshot_copy: the example host's snapshot copied to $SCRATCH/host.json,
# for a test to change, and used.
snapshot_copy() {
	cp "$EXAMPLE/ndctl-list.json" "$SCRATCH/host.json"
	export VPMEMCTL_HOST_SNAPSHOT="$SCRATCH/host.json"
}

# standins: regular files standing in for the example host's devices, each
# filled with a non-zero pattern; exports VPMEMCTL_DEV_DIR.
standins() {
	export VPMEMCTL_DEV_DIR="$SCRATCH/dev"
	mkdir -p "$VPMEMCTL_DEV_DIR"
	local d
	for d in dax0.0 dax0.1 dax0.2 dax1.0; do
		python3 -c 'import sys; open(sys.argv[1], "wb").write(b"\xa5" * (1 << 20))' \
			"$VPMEMCTL_DEV_DIR/$d"
	done
}

# zero_file FILE: every byte of a (large) file is zero, read in pieces.
zero_file() {
	python3 -c '
import sys
f = open(sys.argv[1], "rb")
while True:
    b = f.read(1 << 24)
    if not b: sys.exit(0)
    if b.count(0) != len(b): sys.exit(1)' "$1"
}

# is_zero FILE: every byte of FILE is zero, and it is not empty.
is_zero() {
	[ -s "$1" ] && zero_file "$1"
}

# gen_host N: a snapshot of N devdax namespaces p0..p(N-1) with 64 KiB
# stand-ins; exports VPMEMCTL_HOST_SNAPSHOT, VPMEMCTL_DEV_DIR, and
# VPMEMCTL_NAMESPACES putting them all under label P.
gen_host() {
	export VPMEMCTL_DEV_DIR="$SCRATCH/dev"
	export VPMEMCTL_HOST_SNAPSHOT="$SCRATCH/host-$1.json"
	mkdir -p "$VPMEMCTL_DEV_DIR"
	python3 - "$1" "$VPMEMCTL_HOST_SNAPSHOT" "$VPMEMCTL_DEV_DIR" <<-'PY'
	import json, sys, uuid
	n, out, dev = int(sys.argv[1]), sys.argv[2], sys.argv[3]
	nss = []
	for i in range(n):
	    cd = "dax%d.%d" % (i // 256, i % 256)
	    open("%s/%s" % (dev, cd), "wb").write(b"\x5a" * 65536)
	    nss.append({"dev": "namespace%d.%d" % (i // 256, i % 256), "mode": "devdax",
	                "size": 65536, "uuid": str(uuid.UUID(int=i + 1)), "name": "p%d" % i,
	                "numa_node": i % 2,
	                "daxregion": {"id": i // 256, "align": 4096, "devices": [{"chardev": cd}]}})
	json.dump(nss, open(out, "w"))
	PY
	export VPMEMCTL_NAMESPACES="P:$(seq -s '|' -f 'p%.0f' 0 $(($1 - 1)))"
}

# snap_uuid NAME: the uuid of namespace NAME in $VPMEMCTL_HOST_SNAPSHOT.
snap_uuid() {
	python3 - "$1" "$VPMEMCTL_HOST_SNAPSHOT" <<-'PY'
	import json, sys
	def walk(o):
	    if isinstance(o, dict):
	        if o.get("name") == sys.argv[1] and "uuid" in o:
	            print(o["uuid"]); sys.exit(0)
	        o = list(o.values())
	    if isinstance(o, list):
	        for x in o:
	            walk(x)
	walk(json.load(open(sys.argv[2])))
	sys.exit(1)
	PY
}

# logged SCRIPT: run the shell commands SCRIPT (with the test's environment,
# $VPMEMCTL_BIN and $NOVA_SPEC) in a private mount namespace whose /dev/log is
# a listener; what reached syslog is then in $SCRATCH/syslog.
logged() {
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
	eval "$SCRIPT"
	sleep 0.3
	kill $listener
	SH
	LOG="$SCRATCH/syslog" SCRIPT="$1" NOVA_SPEC="$NOVA_SPEC" VPMEMCTL_BIN="$VPMEMCTL_BIN" \
		unshare -m bash "$SCRATCH/in-ns.sh"
}

# big_standin DEV MIB: the stand-ins moved to tmpfs (fast, and no symlink:
# the scrub refuses to follow one), DEV a sparse MIB MiB file with a pattern
# at its start and end: its scrub takes a second or more. $SHM is for the
# test's teardown to remove.
big_standin() {
	SHM="$(mktemp -d /dev/shm/vpmemctl-bats.XXXXXX)"
	cp -a "$VPMEMCTL_DEV_DIR/." "$SHM/"
	export VPMEMCTL_DEV_DIR="$SHM"
	rm -f "$SHM/$1"
	python3 -c 'import sys; f=open(sys.argv[1],"wb"); n=int(sys.argv[2])<<20; f.write(b"\xa5"*4096); f.seek(n-4096); f.write(b"\xa5"*4096)' \
		"$SHM/$1" "$2"
}

# wait_mark: until the state carries a release mark (the scrub is under way).
wait_mark() {
	for _ in $(seq 1000); do
		grep -q releasing_pid "$VPMEMCTL_STATE_DIR/state.json" 2>/dev/null && return 0
		sleep 0.02
	done
	return 1
}

# wait_exec PID PROGRAM: until process PID runs PROGRAM. A holder started as
# `sleep 60 3<FILE &` has FILE open once it runs sleep.
wait_exec() {
	for _ in $(seq 1000); do
		[ "$(cat "/proc/$1/comm" 2>/dev/null)" = "$2" ] && return 0
		sleep 0.02
	done
	return 1
}

# wait_locked FILE: until a process holds the flock on FILE.
wait_locked() {
	for _ in $(seq 1000); do
		flock -n "$1" true || return 0
		sleep 0.02
	done
	return 1
}

# wait_open PID FILE: until process PID has FILE open.
wait_open() {
	local want fd
	want="$(realpath "$2")"
	for _ in $(seq 1000); do
		for fd in /proc/"$1"/fd/*; do
			[ "$(readlink "$fd" 2>/dev/null)" = "$want" ] && return 0
		done
		sleep 0.02
	done
	return 1
}
