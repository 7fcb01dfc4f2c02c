# vpmemctl inventory reads the real host through libndctl.

t "inventory (table) reads the host through libndctl" vp inventory

t "inventory -f json reads the host through libndctl" vp inventory -f json
cp "$T_OUT" /tmp/inv.json
t "json: CUSTOM_PMEM_NAMESPACE_A has total 3" \
	json_has /tmp/inv.json resource_class '"CUSTOM_PMEM_NAMESPACE_A"' total 3
t "json: CUSTOM_PMEM_NAMESPACE_B has total 1" \
	json_has /tmp/inv.json resource_class '"CUSTOM_PMEM_NAMESPACE_B"' total 1
t "json: on a fresh host all of A is free, none used or reserved" \
	json_has /tmp/inv.json label '"A"' free 3 used 0 reserved 0
t "json: on a fresh host all of B is free, none used or reserved" \
	json_has /tmp/inv.json label '"B"' free 1 used 0 reserved 0

t "inventory -f placement reads the host through libndctl" vp inventory -f placement
cp "$T_OUT" /tmp/inv.placement
t "placement: CUSTOM_PMEM_NAMESPACE_A has total 3" \
	json_under /tmp/inv.placement CUSTOM_PMEM_NAMESPACE_A total 3
t "placement: CUSTOM_PMEM_NAMESPACE_B has total 1" \
	json_under /tmp/inv.placement CUSTOM_PMEM_NAMESPACE_B total 1

t "inventory -l -f json reads the host through libndctl" vp inventory -l -f json
cp "$T_OUT" /tmp/invl.json
t_match "json -l lists exactly the 4 configured namespaces" '^4$' json_count /tmp/invl.json name
for ns in ns0 ns1 ns2; do
	t "json -l: $ns is free under label A" json_has /tmp/invl.json name "\"$ns\"" label '"A"' state '"free"' instance null
done
t "json -l: ns3 is free under label B" json_has /tmp/invl.json name '"ns3"' label '"B"' state '"free"' instance null
t "json -l: ns2, on the second NVDIMM, is on NUMA node 1" json_has /tmp/invl.json name '"ns2"' numa_node 1
t "json -l: ns0, on the first NVDIMM, is on NUMA node 0" json_has /tmp/invl.json name '"ns0"' numa_node 0

t_same_output "vpmemctl-inventory prints what vpmemctl inventory prints" /tmp/inv.json \
	vpmemctl-inventory -N "$NS_SPEC" -s "$STATE" -f json
