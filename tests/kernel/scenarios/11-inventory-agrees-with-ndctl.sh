# What vpmemctl reads through libndctl agrees with what ndctl itself lists in
# the same guest: byte for byte against the --host-snapshot path (names,
# sizes, uuids, alignment, NUMA nodes, device paths, bad blocks, DIMMs and
# their health come from the two paths independently), and field by field
# against ndctl's JSON.

t "ndctl list -N -X -v -D -H -R saves a fresh host snapshot" snapshot

for args in "-f table" "-f json" "-f placement" "-l -f table" "-l -f json"; do
	t "inventory $args via libndctl" vp inventory $args || continue
	cp "$T_OUT" /tmp/libndctl.out
	t_same_output "inventory $args: ndctl's JSON gives the same output as libndctl" \
		/tmp/libndctl.out vps inventory $args
done

t "inventory -l -f json" vp inventory -l -f json
cp "$T_OUT" /tmp/invl.json
for ns in ns0 ns1 ns2 ns3; do
	ndctl_ns "$ns" >/tmp/ndctl-$ns.json
	j=/tmp/ndctl-$ns.json
	t "$ns: uuid as ndctl lists it" json_has /tmp/invl.json name "\"$ns\"" uuid "\"$(json_get $j uuid)\""
	t "$ns: size as ndctl lists it" json_has /tmp/invl.json name "\"$ns\"" size "$(json_get $j size)"
	t "$ns: align as ndctl lists it" json_has /tmp/invl.json name "\"$ns\"" align "$(json_get $j align)"
	t "$ns: numa_node as ndctl lists it" json_has /tmp/invl.json name "\"$ns\"" numa_node "$(json_get $j numa_node)"
	t "$ns: devpath is /dev/ and ndctl's chardev" json_has /tmp/invl.json name "\"$ns\"" devpath "\"/dev/$(json_get $j chardev)\""
	t "$ns: dev as ndctl lists it" json_has /tmp/invl.json name "\"$ns\"" dev "\"$(json_get $j dev)\""
done
t "ns0's devpath exists as a character device" test -c "$(json_get /tmp/ndctl-ns0.json chardev | sed 's|^|/dev/|')"
