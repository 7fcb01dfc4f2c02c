# The bench's own namespace: devdax nsbig of $BENCH_SCRUB_MIB MiB on the
# node-0 region (whose NVDIMM run --bench makes larger), next to what
# scenarios/00-setup.sh created. Its usable size is a little smaller than
# what it is created with (devdax keeps its page structures on the device);
# the default is chosen so that it stays above 1 GiB, where release
# scrubs with more than one thread by default.

R0=""
for r in /sys/bus/nd/devices/region*; do
	[ "$(cat "$r/numa_node")" = 0 ] && { R0=${r##*/}; break; }
done
t "a region is on NUMA node 0" test -n "$R0"
t "create devdax nsbig (${BENCH_SCRUB_MIB}M) on node 0" \
	ndctl create-namespace -r "$R0" -m devdax -a 2M -s "${BENCH_SCRUB_MIB}M" -n nsbig
t "nsbig has a character device" test -c "$(devpath nsbig)"
t_match "inventory lists nsbig under label BIG" '"BIG"' vpb inventory -f json
