# vpmemctl claim on the real host (libndctl): which namespaces it takes, what
# it says about them (compared with ndctl), NUMA placement, shortage,
# conflict, idempotence, and what inventory shows afterwards.
# Leaves: vmA holds ns0 (A) and ns3 (B); vmB holds ns2 (A, node 1); ns1 free.

t "claim vmA A,B -f json" vp claim vmA A,B -f json
cp "$T_OUT" /tmp/claimA.json
t_match "claim vmA A,B takes ns0 then ns3, in label order" '^ns0 ns3$' json_values /tmp/claimA.json name
t "claim vmA A,B: created is true" json_has /tmp/claimA.json instance '"vmA"' created true
t "claim vmA A,B: ns0 is under label A" json_has /tmp/claimA.json name '"ns0"' label '"A"' resource_class '"CUSTOM_PMEM_NAMESPACE_A"'
t "claim vmA A,B: ns3 is under label B" json_has /tmp/claimA.json name '"ns3"' label '"B"' resource_class '"CUSTOM_PMEM_NAMESPACE_B"'
t "claim vmA A,B: resources count one of A" json_under /tmp/claimA.json resources CUSTOM_PMEM_NAMESPACE_A 1
t "claim vmA A,B: resources count one of B" json_under /tmp/claimA.json resources CUSTOM_PMEM_NAMESPACE_B 1
for ns in ns0 ns3; do
	t "claim vmA: $ns devpath is ndctl's chardev" json_has /tmp/claimA.json name "\"$ns\"" devpath "\"$(devpath $ns)\""
	t "claim vmA: $ns size as ndctl lists it" json_has /tmp/claimA.json name "\"$ns\"" size "$(ns_get $ns size)"
	t "claim vmA: $ns uuid as ndctl lists it" json_has /tmp/claimA.json name "\"$ns\"" uuid "\"$(ns_get $ns uuid)\""
	t "claim vmA: $ns devpath is a character device" test -c "$(devpath $ns)"
done

t "claim vmB A --numa-node 1 -f json" vp claim vmB A --numa-node 1 -f json
cp "$T_OUT" /tmp/claimB.json
t_match "claim --numa-node 1 skips free ns1 (node 0) and takes ns2" '^ns2$' json_values /tmp/claimB.json name
t "claim --numa-node 1: ns2 is on NUMA node 1" json_has /tmp/claimB.json name '"ns2"' numa_node 1
t_fail_with 4 "claim --numa-node 1 with no free node-1 namespace of A exits 4" \
	vp claim vmC A --numa-node 1

t_fail_match 4 "claim vmC A,A with one A free exits 4 naming label A" "'A'" vp claim vmC A,A
t_fail_with 4 "claim vmC B with no B free exits 4" vp claim vmC B
t_fail_with 3 "claim vmA A while vmA holds A,B exits 3 (conflict)" vp claim vmA A

t "claim vmA A,B again exits 0" vp claim vmA A,B -f json
cp "$T_OUT" /tmp/claimA2.json
t "claim vmA A,B again: created is false" json_has /tmp/claimA2.json instance '"vmA"' created false
t_match "claim vmA A,B again: the same ns0 and ns3" '^ns0 ns3$' json_values /tmp/claimA2.json name

t "inventory -l -f json after the claims" vp inventory -l -f json
cp "$T_OUT" /tmp/invl.json
t "inventory -l: ns0 is claimed by vmA" json_has /tmp/invl.json name '"ns0"' state '"claimed"' instance '"vmA"'
t "inventory -l: ns3 is claimed by vmA" json_has /tmp/invl.json name '"ns3"' state '"claimed"' instance '"vmA"'
t "inventory -l: ns2 is claimed by vmB" json_has /tmp/invl.json name '"ns2"' state '"claimed"' instance '"vmB"'
t "inventory -l: ns1 is still free (refused claims took nothing)" json_has /tmp/invl.json name '"ns1"' state '"free"' instance null
t_match "inventory -l (table): ns0 claimed by vmA" '^ns0 .*claimed.* vmA' vp inventory -l

t "inventory -f json after the claims" vp inventory -f json
cp "$T_OUT" /tmp/inv.json
t "inventory: A has 2 used, 1 free" json_has /tmp/inv.json label '"A"' total 3 used 2 free 1 reserved 0
t "inventory: B has 1 used, 0 free" json_has /tmp/inv.json label '"B"' total 1 used 1 free 0 reserved 0
