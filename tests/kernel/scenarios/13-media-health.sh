# Media health (issue 18) on the emulated NVDIMMs. QEMU's NVDIMMs have no
# SMART command and no media errors: through libndctl every configured
# namespace has no bad blocks (0, known) and DIMM health "unknown", sits on
# the DIMM its region maps, and nothing is said on stderr. ndctl's own JSON
# (the snapshot, ndctl list -N -X -v -D -H -R) gives the same inventory;
# verify has no media finding; a claim records no dirty-shutdown count.
# Leaves: every namespace free, no claim.

# same WHAT EXPECTED ACTUAL: a check that two strings are equal.
same() {
	if [ "$2" = "$3" ]; then ok "$1"; else not_ok "$1" "expected: $2" "actual:   $3"; fi
}
# no_stderr FILE: FILE (a command's saved stderr) is empty; else shows it.
no_stderr() {
	[ -s "$1" ] || return 0
	echo "stderr was:" >&2
	head -n 20 "$1" >&2
	return 1
}
# no_media FILE: FILE (verify's output) names no media-* finding.
no_media() {
	grep -q 'media-' "$1" || return 0
	grep 'media-' "$1" | head -n 10 >&2
	return 1
}
# sorted WORDS...: the words sorted, on one line.
sorted() { for _w in "$@"; do echo "$_w"; done | sort | tr '\n' ' ' | sed 's/ $//'; }
# ns_dimms FILE NAME: the "dimms" inventory JSON FILE gives namespace NAME, sorted.
ns_dimms() {
	sorted $(json_flat "$1" | grep -F "\"name\":\"$2\"," |
		sed -n 's/.*"dimms":\[\([^]]*\)\].*/\1/p' | tr -d '"' | tr ',' ' ')
}
# dimms_match NAME: the "dimms" of NAME in /tmp/media.json are the DIMMs that
# `ndctl list -R -D` maps its region onto (at least one).
dimms_match() {
	_reg=$(region_of "$1") || return 1
	ndctl list -R -D -r "$_reg" >/tmp/region.json || return 1
	_want=$(sorted $(json_values /tmp/region.json dimm))
	_got=$(ns_dimms /tmp/media.json "$1")
	[ -n "$_want" ] && [ "$_want" = "$_got" ] && return 0
	echo "ndctl list -R -D maps $_reg onto: '$_want'; inventory puts $1 on: '$_got'" >&2
	return 1
}
# snapshot_form: $SNAP is the object form {"dimms":[...],"regions":[...]}
# whose regions list their DIMM mappings.
snapshot_form() {
	case $(tr -d ' \t\r\n' <"$SNAP") in
	'{"dimms":[{'*'"regions":[{'*'"mappings":[{"dimm":'*) return 0 ;;
	esac
	echo "not {\"dimms\":[...],\"regions\":[...\"mappings\"...]}; it starts:" >&2
	head -n 12 "$SNAP" >&2
	return 1
}
# no_shutdown_counts: the state file holds vmM's claim of ns3 and no
# "shutdown_counts".
no_shutdown_counts() {
	_st=$STATE/state.json
	if ! grep -q '"vmM"' "$_st" || ! grep -q '"ns3"' "$_st"; then
		echo "$_st does not hold vmM's claim of ns3:" >&2
		cat "$_st" >&2
		return 1
	fi
	grep -q shutdown_counts "$_st" || return 0
	echo "$_st records dirty-shutdown counts:" >&2
	cat "$_st" >&2
	return 1
}

# ---- what ndctl says about the DIMMs
t "ndctl list -D -H exits 0" ndctl list -D -H
cp "$T_OUT" /tmp/dimms.json
cp "$T_ERR" /tmp/dimms.err
t "ndctl list -D -H prints nothing on stderr" no_stderr /tmp/dimms.err
t_match "ndctl list -D -H lists the two emulated DIMMs" '^2$' json_count /tmp/dimms.json dev
t_match "ndctl list -D -H gives them no health (QEMU's NVDIMMs have no SMART command)" '^0$' \
	json_count /tmp/dimms.json health

# ---- through libndctl
t "inventory -l -f json through libndctl" vp inventory -l -f json
cp "$T_OUT" /tmp/media.json
cp "$T_ERR" /tmp/media.err
t "inventory -l -f json through libndctl: nothing on stderr" no_stderr /tmp/media.err
t_match "inventory -l -f json lists the 4 configured namespaces, each with a badblock_count" '^4$' \
	json_count /tmp/media.json badblock_count
for ns in ns0 ns1 ns2 ns3; do
	t "$ns: badblock_count 0 and dimm_health unknown through libndctl" \
		json_has /tmp/media.json name "\"$ns\"" badblock_count 0 dimm_health '"unknown"'
	t "$ns: dimms are the DIMMs ndctl list -R -D maps its region onto" dimms_match "$ns"
done
same "ns0 and ns2, on the two NUMA nodes, are on different DIMMs" "different" \
	"$([ "$(ns_dimms /tmp/media.json ns0)" != "$(ns_dimms /tmp/media.json ns2)" ] && echo different)"
t "inventory -l (table) through libndctl" vp inventory -l
cp "$T_OUT" /tmp/media.table
cp "$T_ERR" /tmp/media.err
t "inventory -l (table): nothing on stderr" no_stderr /tmp/media.err
t_match "inventory -l (table): 0 bad blocks and health unknown on all 4" '^4$' \
	grep -cE '^ns[0-3] .* 0 +unknown +[01] +free ' /tmp/media.table

# ---- through ndctl's JSON
t "ndctl list -N -X -v -D -H -R saves a host snapshot" snapshot
t "the snapshot is the object form with dimms and regions (and their mappings)" snapshot_form
t_same_output "inventory -l -f json through the snapshot is identical to libndctl's" \
	/tmp/media.json vps inventory -l -f json
cp "$T_ERR" /tmp/media.err
t "inventory -l -f json through the snapshot: nothing on stderr" no_stderr /tmp/media.err

# Without -D, ndctl lists no DIMM: the same namespaces, on no known DIMM.
sed 's/"dimms":\[[^]]*\]/"dimms":[]/g' /tmp/media.json >/tmp/media-nodimm.json
t "ndctl list -N -X -v -H -R (no -D) saves a snapshot" \
	sh -c 'ndctl list -N -X -v -H -R >/tmp/nodimm.json'
t_match "that snapshot maps no DIMM" '^0$' json_count /tmp/nodimm.json dimm
t_same_output "inventory -l -f json through it: the same, with no DIMM" \
	/tmp/media-nodimm.json vpmemctl -N "$NS_SPEC" -s "$STATE" --host-snapshot /tmp/nodimm.json \
	inventory -l -f json
cp "$T_ERR" /tmp/media.err
t "inventory through the snapshot without -D: nothing on stderr" no_stderr /tmp/media.err

# ---- verify
t "verify through libndctl exits 0" vp verify -f json
cp "$T_OUT" /tmp/mverify.json
cp "$T_ERR" /tmp/media.err
t "verify through libndctl: no media-* finding" no_media /tmp/mverify.json
t "verify through libndctl: nothing on stderr" no_stderr /tmp/media.err
t "verify through the snapshot exits 0" vps verify -f json
cp "$T_OUT" /tmp/mverify.json
t "verify through the snapshot: no media-* finding" no_media /tmp/mverify.json

# ---- a claim records no dirty-shutdown count: the DIMMs give none
t "claim vmM B through libndctl" vp claim vmM B -f json
cp "$T_OUT" /tmp/claimM.json
cp "$T_ERR" /tmp/media.err
t_match "claim vmM B takes ns3" '^ns3$' json_values /tmp/claimM.json name
t "claim vmM B: nothing on stderr" no_stderr /tmp/media.err
t "the state file holds vmM's claim and no shutdown_counts" no_shutdown_counts
t "verify with vmM's claim exits 0" vp verify -f json
cp "$T_OUT" /tmp/mverify.json
t "verify with vmM's claim: no media-* finding" no_media /tmp/mverify.json
t "verify --acknowledge-shutdown vmM exits 0" vp verify --acknowledge-shutdown vmM
t "after --acknowledge-shutdown the state file still has no shutdown_counts" no_shutdown_counts
t "release vmM --no-scrub (nothing was written to ns3)" vp release vmM --no-scrub
t "inventory after the release" vp inventory -f json
cp "$T_OUT" /tmp/inv.json
t "inventory after the release: all of A free" json_has /tmp/inv.json label '"A"' free 3 used 0 reserved 0
t "inventory after the release: all of B free" json_has /tmp/inv.json label '"B"' free 1 used 0 reserved 0
