# vpmemctl release refuses a namespace destroyed and re-created with ndctl
# under its name since the claim (issue 15, finding 4): the new namespace
# has another uuid and holds nothing of the guest, so it is not zeroed; the
# refusal names both uuids and --force; the claim and the new namespace's
# data stay. release --force then zeroes and frees it.
# Leaves: every namespace free, no claim; ns3 re-created (a new uuid, maybe
# a new device name).

region_of() { _d=$(ns_dev "$1") && _r=${_d#namespace} && echo "region${_r%%.*}"; }

t "claim vmR B (ns3)" vp claim vmR B
D3=$(ns_dev ns3) REG3=$(region_of ns3) UUID3=$(ns_get ns3 uuid)
t "ndctl destroys ns3 ($D3) while vmR holds it" ndctl destroy-namespace -f "$D3"
t "ndctl creates ns3 again on $REG3" \
	ndctl create-namespace -r "$REG3" -m devdax -a 2M -s 128M -n ns3
NEW3=$(ns_get ns3 uuid)
DEV3=$(devpath ns3)
t "the new ns3 has another uuid ($UUID3 -> $NEW3)" test -n "$NEW3" -a "$NEW3" != "$UUID3"
t "daxio writes a pattern at the start of the new ns3 ($DEV3)" write_pattern "$DEV3" 0
t_fail_match 3 "release vmR exits 3 naming both uuids" \
	"ns3 of instance vmR was re-created since the claim: its uuid is $NEW3, the claim recorded $UUID3" \
	vp release vmR
cp "$T_ERR" /tmp/recreated.err
t "the refusal names release --force" grep -q "vpmemctl release vmR --force" /tmp/recreated.err
t "the new ns3's data is untouched" has_pattern "$DEV3" 0
t "inventory -l -f json" vp inventory -l -f json
cp "$T_OUT" /tmp/recreated.json
t "vmR keeps its claim of ns3, shown as recreated" json_has /tmp/recreated.json name '"ns3"' state '"recreated"' instance '"vmR"'
t "release vmR --force exits 0" vp release vmR --force
t "after release --force the new ns3 reads back zeroes" all_zero "$DEV3" 0
