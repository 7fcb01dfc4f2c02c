# Each configuration error of the contract, triggered against the real host,
# through libndctl and through ndctl's JSON. A mistake in pmem_namespaces:
# exit status 1 and a message line naming the label and the namespace. A
# namespace the host cannot give (absent, fsdax): the command works (exit 0),
# warns naming it, and counts it reserved (issue 17, degraded hosts).

# config_error WHAT SPEC REGEX
config_error() {
	t_fail_match 1 "$1 (libndctl): exit 1, message names it" "$3" \
		vpmemctl -N "$2" -s "$STATE" inventory
	t_fail_match 1 "$1 (ndctl snapshot): exit 1, message names it" "$3" \
		vpmemctl -N "$2" -s "$STATE" --host-snapshot "$SNAP" inventory
}

# degraded WHAT SPEC REGEX: exit 0, the warning names it, reserved 1 of 1.
degraded() {
	t "$1 (libndctl): inventory works" vpmemctl -N "$2" -s "$STATE" inventory -f json
	cp "$T_OUT" /tmp/degraded.json
	cp "$T_ERR" /tmp/degraded.err
	t "$1 (libndctl): a warning names it" grep -Eq "warning: .*($3)" /tmp/degraded.err
	t "$1 (libndctl): counted reserved" json_has /tmp/degraded.json total 1 reserved 1
	t "$1 (ndctl snapshot): inventory works" \
		vpmemctl -N "$2" -s "$STATE" --host-snapshot "$SNAP" inventory -f json
	cp "$T_ERR" /tmp/degraded.err
	t "$1 (ndctl snapshot): a warning names it" grep -Eq "warning: .*($3)" /tmp/degraded.err
}

degraded "namespace absent from the host" 'GOLD:nosuch' "GOLD.*nosuch|nosuch.*GOLD"
degraded "namespace in fsdax mode, not devdax" 'GOLD:nsfs' "GOLD.*nsfs|nsfs.*GOLD"
config_error "namespace listed twice under one label" 'GOLD:ns0|ns0' "GOLD.*ns0|ns0.*GOLD"
config_error "namespace listed under two labels" 'GOLD:ns0,SILVER:ns0' "ns0"

t "several problems: inventory works" vpmemctl -N 'GOLD:nosuch|nsfs' -s "$STATE" inventory
cp "$T_ERR" /tmp/several.err
t "several problems: the absent namespace is reported" grep -Eq "GOLD.*nosuch|nosuch.*GOLD" /tmp/several.err
t "several problems: the fsdax namespace is reported too" grep -Eq "GOLD.*nsfs|nsfs.*GOLD" /tmp/several.err
