# Each configuration error of the contract, triggered against the real host,
# through libndctl and through ndctl's JSON: exit status 1 and a message line
# naming the label and the namespace.

# config_error WHAT SPEC REGEX
config_error() {
	t_fail_match 1 "$1 (libndctl): exit 1, message names it" "$3" \
		vpmemctl -N "$2" -s "$STATE" inventory
	t_fail_match 1 "$1 (ndctl snapshot): exit 1, message names it" "$3" \
		vpmemctl -N "$2" -s "$STATE" --host-snapshot "$SNAP" inventory
}

config_error "namespace absent from the host" 'GOLD:nosuch' "GOLD.*nosuch|nosuch.*GOLD"
config_error "namespace in fsdax mode, not devdax" 'GOLD:nsfs' "GOLD.*nsfs|nsfs.*GOLD"
config_error "namespace listed twice under one label" 'GOLD:ns0|ns0' "GOLD.*ns0|ns0.*GOLD"
config_error "namespace listed under two labels" 'GOLD:ns0,SILVER:ns0' "ns0"

t_fail_match 1 "several problems: the absent namespace is reported" "GOLD.*nosuch|nosuch.*GOLD" \
	vpmemctl -N 'GOLD:nosuch|nsfs' -s "$STATE" inventory
cp "$T_ERR" /tmp/several.err
t "several problems: the fsdax namespace is reported too" grep -Eq "GOLD.*nsfs|nsfs.*GOLD" /tmp/several.err
