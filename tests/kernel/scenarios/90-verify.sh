# vpmemctl verify against real namespaces that are broken with ndctl: OK on
# the fixture host; CRITICAL (exit 2, state-uuid-changed) once a claimed
# namespace is destroyed and created again under its name; CRITICAL
# (host-not-devdax) once a namespace is reconfigured to fsdax; CRITICAL
# while one is disabled. Each is put back before the next.
# Runs last (before 99) as it destroys and re-creates namespaces.
# Leaves: every namespace as 00-setup.sh made it (ns2 and ns3 re-created,
# with new uuids and possibly new device names), free, no claim.

# same NAME EXPECTED ACTUAL: a check that two strings are equal.
same() {
	if [ "$2" = "$3" ]; then ok "$1"; else not_ok "$1" "expected: $2" "actual:   $3"; fi
}
# quiet_when_ok: verify -q exits 0 and prints nothing at all.
quiet_when_ok() {
	vp verify -q >/tmp/verify-q.out || return 1
	[ ! -s /tmp/verify-q.out ] && return 0
	cat /tmp/verify-q.out >&2
	return 1
}
# verify_json FILE: vp verify -f json into FILE, with verify's exit status.
verify_json() { vp verify -f json >"$1"; }
# same_verdict: verify says the same, with the same exit status, through
# libndctl and through the snapshot $SNAP.
same_verdict() {
	vp verify >/tmp/verdict.ndctl
	_a=$?
	vps verify >/tmp/verdict.snap
	_b=$?
	[ "$_a" = "$_b" ] && cmp -s /tmp/verdict.ndctl /tmp/verdict.snap && return 0
	echo "libndctl: exit $_a" >&2
	cat /tmp/verdict.ndctl >&2
	echo "snapshot: exit $_b" >&2
	cat /tmp/verdict.snap >&2
	return 1
}

# ---- a clean host
t_match "verify on the fixture host is OK, exit 0, with its perfdata" \
	'^VPMEMCTL OK - 4 namespaces, 0 claims [|] namespaces=4;;;0 claims=0;;;0 free=4;;;0;4 free_A=3;;;0;3 free_B=1;;;0;1 quarantined=0;;;0;4$' vp verify
t "verify -q prints nothing on the fixture host" quiet_when_ok
t "ndctl list -N -X -v -D -H -R saves a fresh host snapshot" snapshot
t "verify through ndctl's JSON says what it says through libndctl" same_verdict

t "claim vmV B takes ns3" vp claim vmV B
t_match "verify with vmV's claim is OK, 1 claim" '^VPMEMCTL OK - 4 namespaces, 1 claim [|]' vp verify
t "verify -f json exits 0" verify_json /tmp/verify.json
same "verify -f json: status ok, no finding" "ok 0" \
	"$(json_get /tmp/verify.json status) $(json_count /tmp/verify.json code)"

# ---- (a) ns3 destroyed and created again under its name while vmV holds it
D3=$(ns_dev ns3) REG3=$(region_of ns3) UUID3=$(ns_get ns3 uuid)
t "ndctl destroys ns3 ($D3) while vmV holds it" ndctl destroy-namespace -f "$D3"
t "ndctl creates a devdax ns3 (128M) again in $REG3" \
	ndctl create-namespace -r "$REG3" -m devdax -a 2M -s 128M -n ns3
NEW3=$(ns_get ns3 uuid)
t "the new ns3 has another uuid ($UUID3 -> $NEW3)" test -n "$NEW3" -a "$NEW3" != "$UUID3"
t_fail_with 2 "verify after ns3 was re-created exits 2 (CRITICAL)" verify_json /tmp/verify.json
same "verify: status critical, one finding" "critical 1" \
	"$(json_get /tmp/verify.json status) $(json_count /tmp/verify.json code)"
t "verify: state-uuid-changed, an error" json_has /tmp/verify.json \
	severity '"error"' code '"state-uuid-changed"'
t "verify: the finding is about claim vmV" grep -Eq '"subject": *"claim vmV"' /tmp/verify.json
t "verify: the message names the claimed and the new uuid" \
	sh -c "grep -q '$UUID3' /tmp/verify.json && grep -q '$NEW3' /tmp/verify.json"
t_match "verify (table): the status line says CRITICAL with 1 error" \
	'^VPMEMCTL CRITICAL - 1 error, 0 warnings: ' sh -c 'vpmemctl -N "$1" -s "$2" verify; [ $? = 2 ]' \
	_ "$NS_SPEC" "$STATE"
# Issue 15 (4): a plain release now refuses a re-created namespace; --force
# is the documented way to zero and free it.
t "release vmV --force scrubs and frees the new ns3" vp release vmV --force
t "verify is OK again once vmV is released" vp verify

# ---- (b) ns2 reconfigured from devdax to fsdax, keeping its name
D2=$(ns_dev ns2)
t "ndctl reconfigures ns2 ($D2) to fsdax" ndctl create-namespace -f -e "$D2" -m fsdax -n ns2
t_match "ndctl lists ns2 in fsdax mode" '^fsdax$' ns_get ns2 mode
t_fail_with 2 "verify with ns2 in fsdax mode exits 2 (CRITICAL)" verify_json /tmp/verify.json
t "verify: host-not-devdax, an error about A/ns2" json_has /tmp/verify.json \
	severity '"error"' code '"host-not-devdax"' subject '"A/ns2"'
t "verify: the message says ns2 is in fsdax mode" grep -q 'mode is fsdax' /tmp/verify.json
# `ndctl list -X` alone lists devdax namespaces only; the snapshot's -N
# keeps the others.
t "ndctl list -N -X -v -D -H -R saves a host snapshot with ns2 in fsdax mode" snapshot
t "verify through that JSON says what it says through libndctl" same_verdict
t "claim vmV A works while ns2 is not devdax" vp claim vmV A,A -f json
cp "$T_OUT" /tmp/claimV.json
t_match "claim vmV A,A passes by ns2 (fsdax)" '^ns0 ns1$' json_values /tmp/claimV.json name
t "release vmV --no-scrub" vp release vmV --no-scrub
t "ndctl reconfigures ns2 back to devdax" \
	ndctl create-namespace -f -e "$(ns_dev ns2)" -m devdax -a 2M -n ns2
t "verify is OK again with ns2 in devdax mode" vp verify

# ---- ns1 disabled
# The kernel shows a disabled namespace in mode raw, whatever it was, and
# vpmemctl reports it as host-not-devdax for now: only the error is asked.
D1=$(ns_dev ns1)
t "ndctl disables ns1 ($D1)" ndctl disable-namespace "$D1"
t_fail_with 2 "verify with ns1 disabled exits 2 (CRITICAL)" verify_json /tmp/verify.json
t "verify: an error about A/ns1" json_has /tmp/verify.json severity '"error"' subject '"A/ns1"'
t "ndctl enables ns1 again" ndctl enable-namespace "$D1"

t_match "verify on the restored host is OK, no claim" \
	'^VPMEMCTL OK - 4 namespaces, 0 claims [|] namespaces=4;;;0 claims=0;;;0 free=4;;;0;4 free_A=3;;;0;3 free_B=1;;;0;1 quarantined=0;;;0;4$' vp verify
