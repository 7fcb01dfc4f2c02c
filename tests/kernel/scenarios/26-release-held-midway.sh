# vpmemctl release looks at a device's holders again right before zeroing it
# (issue 15, finding 1). vmM claims ns3 then ns0; holdmid stops the release
# while it has ns3 open (being zeroed), maps ns0, and lets it go on. ns0 is
# not zeroed and keeps its data, release exits 1 naming the holder, and the
# claim stays; it is not handed back as valid. With the holder gone, release
# finishes the job.
# Leaves: every namespace free, no claim.

DEV0=$(devpath ns0) DEV3=$(devpath ns3)
t "claim vmM B,A exits 0" vp claim vmM B,A -f json
cp "$T_OUT" /tmp/claimM.json
t_match "claim vmM B,A takes ns3 then ns0" '^ns3 ns0$' json_values /tmp/claimM.json name
t "daxio writes a pattern at the start of ns0 ($DEV0)" write_pattern "$DEV0" 0
t "daxio writes a pattern at the start of ns3 ($DEV3)" write_pattern "$DEV3" 0

rm -f /tmp/held
vpmemctl -N "$NS_SPEC" -s "$STATE" release vmM >/tmp/relM.out 2>/tmp/relM.err &
rel=$!
holdmid "$rel" "$DEV3" "$DEV0" /tmp/held 2>/tmp/holdmid.err &
holder=$!
wait "$rel"
rc=$?
if [ -s /tmp/held ]; then
	ok "holdmid stopped the release with $DEV3 open and mapped $DEV0 (pid $holder)"
else
	not_ok "holdmid stopped the release with $DEV3 open and mapped $DEV0" \
		"holdmid: $(cat /tmp/holdmid.err)"
fi
if [ "$rc" = 6 ]; then
	ok "release vmM exits 6 (in use)"
else
	not_ok "release vmM exits 6 (in use)" "exit status $rc" "stderr: $(cat /tmp/relM.err)"
fi
t "release vmM names the holder of ns0" \
	grep -Fq "namespace ns0 ($DEV0) is mapped by pid $holder (holdmid)" /tmp/relM.err
t "release vmM says vmM keeps its claim" grep -Fq "instance vmM keeps its claim" /tmp/relM.err
t "ns0 was not zeroed: the pattern is still there" has_pattern "$DEV0" 0
t "ns3, zeroed before the holder came, reads back zeroes" all_zero "$DEV3" 0
t "inventory -l -f json" vp inventory -l -f json
cp "$T_OUT" /tmp/invM.json
t "inventory -l: ns0 is still claimed by vmM" json_has /tmp/invM.json name '"ns0"' instance '"vmM"'
t "inventory -l: ns3 is still claimed by vmM" json_has /tmp/invM.json name '"ns3"' instance '"vmM"'
t_fail_match 3 "claim vmM B,A again exits 3: the claim is part zeroed" \
	"release vmM" vp claim vmM B,A

kill "$holder" 2>/dev/null
wait "$holder" 2>/dev/null
t "with the holder gone, release vmM exits 0" vp release vmM
t "ns0 reads back zeroes after the release" all_zero "$DEV0" 0
t "inventory -l -f json after the release" vp inventory -l -f json
cp "$T_OUT" /tmp/invM.json
t "inventory -l: ns0 is free" json_has /tmp/invM.json name '"ns0"' state '"free"'
t "inventory -l: ns3 is free" json_has /tmp/invM.json name '"ns3"' state '"free"'
