# Loads the NVDIMM drivers, initialises the label areas and creates the
# namespaces every later scenario relies on (see the fixtures in lib.sh).
# A failure here stops the run: later scenarios are reported as not run.

for m in $(cat /etc/modules); do
	t "insmod ${m##*/}" insmod "$m"
done

# regions_ready: both NVDIMM regions are registered (nfit probes asynchronously).
regions_ready() {
	i=0
	while [ $i -lt 100 ]; do
		[ -e /sys/bus/nd/devices/region0 ] && [ -e /sys/bus/nd/devices/region1 ] && return 0
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}
t "two NVDIMM regions appear" regions_ready

# region_on NODE: the region whose NUMA node is NODE.
region_on() {
	for r in /sys/bus/nd/devices/region*; do
		[ "$(cat "$r/numa_node")" = "$1" ] && { echo "${r##*/}"; return 0; }
	done
	return 1
}
R0=$(region_on 0)
R1=$(region_on 1)
t "a region is on NUMA node 0" test -n "$R0"
t "a region is on NUMA node 1" test -n "$R1"

t "ndctl disables the regions" ndctl disable-region all
t "ndctl initialises the label areas" ndctl init-labels -f all
t "ndctl enables the regions" ndctl enable-region all

t "create devdax ns0 on node 0" ndctl create-namespace -r "$R0" -m devdax -a 2M -s 64M -n ns0
t "create devdax ns1 on node 0" ndctl create-namespace -r "$R0" -m devdax -a 2M -s 64M -n ns1
t "create unnamed devdax on node 0" ndctl create-namespace -r "$R0" -m devdax -a 2M -s 64M
t "create fsdax nsfs on node 0" ndctl create-namespace -r "$R0" -m fsdax -a 2M -s 64M -n nsfs
t "create devdax ns2 on node 1" ndctl create-namespace -r "$R1" -m devdax -a 2M -s 64M -n ns2
t "create devdax ns3 (128M) on node 1" ndctl create-namespace -r "$R1" -m devdax -a 2M -s 128M -n ns3

t "state directory" mkdir -m 700 "$STATE"
t "ndctl list -N -X -v -D -H -R saves a host snapshot" snapshot
t_match "ndctl lists four named devdax namespaces" '^4$' \
	sh -c "ndctl list -X | grep -cE '\"name\":\"ns[0-3]\"'"
