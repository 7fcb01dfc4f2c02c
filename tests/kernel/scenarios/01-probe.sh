t "probe ndctl_ns" ndctl_ns ns2
cat $T_OUT
cp $T_OUT /tmp/ns2.json
echo "uuid=$(json_get /tmp/ns2.json uuid) size=$(json_get /tmp/ns2.json size) align=$(json_get /tmp/ns2.json align) numa=$(json_get /tmp/ns2.json numa_node) chardev=$(json_get /tmp/ns2.json chardev) count=$(json_count $SNAP name)"
t "json_has snap ns0" json_has $SNAP name '"ns0"' numa_node 0
t "json_has snap ns2 node 0 (must fail)" json_has $SNAP name '"ns2"' numa_node 0
t "json_has snap nothing (must fail)" json_has $SNAP name '"ns9"' numa_node 0
t "json_under" json_under $SNAP daxregion size 130023424
t "json_under fails" json_under $SNAP daxregion size 13002342
json_flat $SNAP | head -20
