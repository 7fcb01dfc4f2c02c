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
	export VPMEMCTL_STATE_DIR="$SCRATCH/state"
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
