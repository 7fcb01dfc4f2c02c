# vpmemctl release zeroes a real /dev/daxX.Y through its own mapping: a
# pattern written with daxio at the start, the middle and the end of ns2
# (claimed by vmB in 20-claim.sh) reads back as zeroes afterwards.
# (Samples only: daxio reads are cheap but checking bytes in busybox is not.)
# Leaves: ns2 free; vmA still holds ns0 and ns3.

DEV2=$(devpath ns2)
SIZE2=$(ns_get ns2 size)
t "ns2 has a character device and a size" test -c "$DEV2" -a -n "$SIZE2"
for off in $(sample_offsets "$SIZE2"); do
	t "daxio writes a pattern into ns2 ($DEV2) at offset $off" write_pattern "$DEV2" "$off"
	t "daxio reads the pattern back from ns2 at offset $off" has_pattern "$DEV2" "$off"
done

t "release vmB -f json exits 0" vp release vmB -f json
cp "$T_OUT" /tmp/relB.json
t_match "release vmB names only ns2" '^ns2$' json_values /tmp/relB.json name
t "release vmB: ns2 scrubbed is true" json_has /tmp/relB.json name '"ns2"' scrubbed true
t "release vmB: ns2 bytes scrubbed equal ndctl's size ($SIZE2)" json_has /tmp/relB.json name '"ns2"' bytes "$SIZE2"
t "release vmB: ns2 state is free" json_has /tmp/relB.json name '"ns2"' state '"free"'
t "release vmB: ns2 devpath is ndctl's chardev" json_has /tmp/relB.json name '"ns2"' devpath "\"$DEV2\""

for off in $(sample_offsets "$SIZE2"); do
	t "after release ns2 reads back zeroes at offset $off" all_zero "$DEV2" "$off"
done

t "inventory -l -f json after the release" vp inventory -l -f json
cp "$T_OUT" /tmp/invl.json
t "inventory -l: ns2 is free again, no instance" json_has /tmp/invl.json name '"ns2"' state '"free"' instance null
t "inventory -l: vmA keeps ns0" json_has /tmp/invl.json name '"ns0"' state '"claimed"' instance '"vmA"'
t_fail_with 3 "release vmB again (no claim) exits 3" vp release vmB
t "release vmB --missing-ok (no claim) exits 0" vp release vmB --missing-ok
