# Test library of the kernel tier, sourced (busybox ash) before each scenario.
#
# Checks print "ok - NAME" or "not ok - NAME" followed by "# " diagnostics;
# tests/kernel/run numbers them. Each check runs its command with stdout in
# $T_OUT, stderr in $T_ERR (kept until the next check) and a watchdog of
# $T_TIMEOUT seconds.
#
#   t NAME CMD...                    passes when CMD exits 0
#   t_fail_with CODE NAME CMD...     passes when CMD exits with CODE
#   t_match NAME REGEX CMD...        passes when CMD exits 0 and its stdout
#                                    has a line matching REGEX (grep -E)
#   t_fail_match CODE NAME REGEX CMD...
#                                    passes when CMD exits with CODE and its
#                                    stderr has a line matching REGEX
#   t_same_output NAME FILE CMD...   passes when CMD exits 0 and its stdout is
#                                    byte-identical to FILE (else shows a diff)
#   ok NAME / not_ok NAME [DIAG...]  report a check computed by hand
#
# JSON helpers (no jq in the guest; they work on any whitespace layout):
#   json_flat FILE                   one line per innermost object, blanks removed
#   json_has FILE KEY VALUE [KEY VALUE...]
#                                    exit 0 when one innermost object holds every
#                                    "KEY":VALUE; VALUE is JSON ('"ns0"', 3, null)
#   json_under FILE KEY KEY2 VALUE2  the object that is the value of "KEY" holds
#                                    "KEY2":VALUE2
#   json_get FILE KEY                first value of KEY anywhere, strings unquoted
#   json_count FILE KEY              how many times "KEY": occurs
#   json_values FILE KEY             every value of KEY, in document order, on
#                                    one line separated by blanks

T_OUT=/tmp/t.out
T_ERR=/tmp/t.err
T_TIMEOUT=${T_TIMEOUT:-60}

ok() { echo "ok - $1"; }
not_ok() {
	echo "not ok - $1"
	: >/tmp/.t_failed
	shift
	for d in "$@"; do echo "# $d"; done
}

# _t_run CMD...: run CMD under the watchdog, set T_RC.
_t_run() {
	rm -f /tmp/.t_timeout
	("$@") >"$T_OUT" 2>"$T_ERR" </dev/null &
	_t_pid=$!
	(sleep "$T_TIMEOUT"; : >/tmp/.t_timeout; kill -9 "$_t_pid") >/dev/null 2>&1 &
	_t_wd=$!
	wait "$_t_pid"
	T_RC=$?
	kill "$_t_wd" 2>/dev/null
	wait "$_t_wd" 2>/dev/null
	return 0
}

# _t_diag EXPECTED CMD...: the diagnostics of a failed check.
_t_diag() {
	_t_expected=$1
	shift
	echo "# command: $*"
	if [ -e /tmp/.t_timeout ]; then
		echo "# killed after ${T_TIMEOUT}s"
	fi
	echo "# exit status: $T_RC (expected $_t_expected)"
	if [ -s "$T_OUT" ]; then
		echo "# stdout:"
		head -n 25 "$T_OUT" | sed 's/^/#   /'
	fi
	if [ -s "$T_ERR" ]; then
		echo "# stderr:"
		head -n 25 "$T_ERR" | sed 's/^/#   /'
	fi
}

_t_fail() { # NAME EXPECTED CMD...
	_t_name=$1
	shift
	not_ok "$_t_name"
	_t_diag "$@"
	return 1
}

t() {
	_t_name=$1
	shift
	_t_run "$@"
	[ "$T_RC" = 0 ] || { _t_fail "$_t_name" 0 "$@"; return 1; }
	ok "$_t_name"
}

t_fail_with() {
	_t_code=$1 _t_name=$2
	shift 2
	_t_run "$@"
	[ "$T_RC" = "$_t_code" ] || { _t_fail "$_t_name" "$_t_code" "$@"; return 1; }
	ok "$_t_name"
}

t_match() {
	_t_name=$1 _t_re=$2
	shift 2
	_t_run "$@"
	[ "$T_RC" = 0 ] || { _t_fail "$_t_name" 0 "$@"; return 1; }
	if ! grep -Eq -- "$_t_re" "$T_OUT"; then
		_t_fail "$_t_name" "0 and stdout matching /$_t_re/" "$@"
		return 1
	fi
	ok "$_t_name"
}

t_fail_match() {
	_t_code=$1 _t_name=$2 _t_re=$3
	shift 3
	_t_run "$@"
	[ "$T_RC" = "$_t_code" ] || { _t_fail "$_t_name" "$_t_code" "$@"; return 1; }
	if ! grep -Eq -- "$_t_re" "$T_ERR"; then
		_t_fail "$_t_name" "$_t_code and stderr matching /$_t_re/" "$@"
		return 1
	fi
	ok "$_t_name"
}

t_same_output() {
	_t_name=$1 _t_file=$2
	shift 2
	_t_run "$@"
	[ "$T_RC" = 0 ] || { _t_fail "$_t_name" 0 "$@"; return 1; }
	if ! cmp -s "$_t_file" "$T_OUT"; then
		not_ok "$_t_name" "command: $*" "stdout differs from $_t_file:"
		diff -u "$_t_file" "$T_OUT" | head -n 40 | sed 's/^/#   /'
		return 1
	fi
	ok "$_t_name"
}

json_flat() {
	tr -d ' \t\r\n' <"$1" | tr '{}' '\n\n'
}

# On failure json_has shows, on stderr, the objects holding the first pair
# (or every object when none does).
json_has() {
	_j_file=$1
	shift
	json_flat "$_j_file" | awk -v want="$*" '
		function has(line, k, v) {
			return index(line, "\"" k "\":" v ",") || index(line, "\"" k "\":" v "]")
		}
		BEGIN { n = split(want, w, " ") }
		$0 == "" || $0 == "," { next }
		{
			line = $0 ","
			all[++nl] = $0
			if (has(line, w[1], w[2])) near[++nn] = $0
			for (i = 1; i < n; i += 2)
				if (!has(line, w[i], w[i + 1]))
					next
			found = 1
			exit
		}
		END {
			if (found) exit 0
			printf "no object holds all of: %s\n", want > "/dev/stderr"
			if (nn) for (i = 1; i <= nn; i++) print "  " near[i] > "/dev/stderr"
			else for (i = 1; i <= nl && i <= 12; i++) print "  " all[i] > "/dev/stderr"
			exit 1
		}'
}

# json_under FILE KEY KEY2 VALUE2: the object that is the value of "KEY"
# holds "KEY2":VALUE2 (e.g. a resource class inside "inventories").
json_under() {
	json_flat "$1" | awk -v k="\"$2\":" -v kv="\"$3\":$4" '
		prev_is_key && (index($0 ",", kv ",") || index($0 ",", kv "]")) { found = 1; exit }
		{ prev_is_key = (length($0) >= length(k) && substr($0, length($0) - length(k) + 1) == k) }
		END {
			if (!found) printf "the object under %s does not hold %s\n", k, kv > "/dev/stderr"
			exit !found
		}'
}

json_get() {
	tr -d ' \t\r\n' <"$1" | awk -v key="\"$2\":" '{
		i = index($0, key)
		if (i == 0) exit 1
		v = substr($0, i + length(key))
		if (substr(v, 1, 1) == "\"") {
			v = substr(v, 2)
			v = substr(v, 1, index(v, "\"") - 1)
		} else {
			match(v, /^[^],}]*/)
			v = substr(v, 1, RLENGTH)
		}
		print v
	}'
}

json_values() {
	json_flat "$1" | tr ',' '\n' | awk -v key="\"$2\":" '
		index($0, key) == 1 {
			v = substr($0, length(key) + 1)
			gsub(/"/, "", v)
			out = out (out == "" ? "" : " ") v
		}
		END { print out }'
}

json_count() {
	tr -d ' \t\r\n' <"$1" | awk -v key="\"$2\":" '{
		n = 0
		s = $0
		while ((i = index(s, key)) > 0) { n++; s = substr(s, i + length(key)) }
		print n
	}'
}

# ------------------------------------------------------------ fixtures
# What 00-setup.sh creates, and how scenarios call vpmemctl.
#   region on node 0: ns0, ns1 (devdax 64M), an unnamed devdax 64M, nsfs (fsdax 64M)
#   region on node 1: ns2 (devdax 64M), ns3 (devdax 128M)
NS_SPEC='A:ns0|ns1|ns2,B:ns3'
STATE=/tmp/state
SNAP=/tmp/snap.json

# vp ARGS...: vpmemctl with the fixture configuration, reading the host through libndctl.
vp() { vpmemctl -N "$NS_SPEC" -s "$STATE" "$@"; }
# vps ARGS...: the same, reading the host from the ndctl snapshot $SNAP.
vps() { vpmemctl -N "$NS_SPEC" -s "$STATE" --host-snapshot "$SNAP" "$@"; }
# snapshot: save what ndctl sees now into $SNAP, with the recommended
# command: every namespace in any mode (-N -X -v), nested in its region (-R)
# with the DIMMs it maps (-D) and their health (-H).
snapshot() { ndctl list -N -X -v -D -H -R >"$SNAP"; }

# ns_dev NAME: the namespace device (namespaceX.Y) named NAME, found in sysfs.
ns_dev() {
	for _d in /sys/bus/nd/devices/namespace*; do
		[ "$(cat "$_d/alt_name" 2>/dev/null)" = "$1" ] && { echo "${_d##*/}"; return 0; }
	done
	echo "no namespace named $1 in /sys/bus/nd/devices" >&2
	return 1
}
# ndctl_ns NAME: what `ndctl list -N -X -v` says about that namespace alone,
# in any mode (-X alone would list devdax namespaces only).
ndctl_ns() { _d=$(ns_dev "$1") && ndctl list -N -X -v -n "$_d"; }
# ns_get NAME KEY: one field of what ndctl lists for that namespace.
ns_get() { ndctl_ns "$1" >/tmp/ns_get.json && json_get /tmp/ns_get.json "$2"; }
# devpath NAME: the namespace's character device, as ndctl names it (/dev/daxX.Y).
devpath() { _c=$(ns_get "$1" chardev) && [ -n "$_c" ] && echo "/dev/$_c"; }
# region_of NAME: the region that holds the namespace named NAME (regionX).
region_of() { _d=$(ns_dev "$1") && _r=${_d#namespace} && echo "region${_r%%.*}"; }

# ------------------------------------------------- device data (daxio)
# A /dev/dax device cannot be read with read(2) (EIO): daxio maps it. These
# helpers write and read back $PATTERN_LEN bytes at an offset of a device.
PATTERN=/tmp/pattern
PATTERN_LEN=4194304

# make_pattern: $PATTERN holds $PATTERN_LEN non-zero bytes.
make_pattern() {
	[ -s "$PATTERN" ] && return 0
	yes 'vpmemctl kernel tier pattern' | head -c "$PATTERN_LEN" >"$PATTERN"
}
# write_pattern DEV OFFSET: $PATTERN into DEV at OFFSET.
write_pattern() {
	make_pattern || return 1
	daxio -i "$PATTERN" -o "$1" -s "$2" -l "$PATTERN_LEN" 2>/tmp/daxio.err ||
		{ cat /tmp/daxio.err >&2; return 1; }
}
# read_back DEV OFFSET: $PATTERN_LEN bytes of DEV at OFFSET into /tmp/back.
read_back() {
	rm -f /tmp/back
	daxio -i "$1" -o /tmp/back -k "$2" -l "$PATTERN_LEN" 2>/tmp/daxio.err ||
		{ cat /tmp/daxio.err >&2; return 1; }
}
# has_pattern DEV OFFSET: DEV holds $PATTERN at OFFSET.
has_pattern() {
	read_back "$1" "$2" || return 1
	cmp "$PATTERN" /tmp/back >&2
}
# all_zero DEV OFFSET: DEV holds $PATTERN_LEN zero bytes at OFFSET.
all_zero() {
	read_back "$1" "$2" || return 1
	_nz=$(tr -d '\000' </tmp/back | wc -c)
	[ "$_nz" = 0 ] && return 0
	echo "$_nz of $PATTERN_LEN bytes at offset $2 of $1 are not zero; first ones:" >&2
	od -An -tx1 /tmp/back | grep -v '^ 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00$' |
		head -n 3 >&2
	return 1
}
# sample_offsets SIZE: where the samples go: the start, the middle (rounded
# down to 4 KiB) and the last $PATTERN_LEN bytes of a device of SIZE bytes.
sample_offsets() { echo 0 $(($1 / 2 / 4096 * 4096)) $(($1 - PATTERN_LEN)); }
