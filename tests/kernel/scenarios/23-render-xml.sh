# vpmemctl render-xml on the real host (libndctl): the libvirt devices of a
# claim name the real /dev/daxX.Y, in the claim's label order, with the sizes
# that ndctl lists divided by 1024; a domain patched in place holds them.
# libvirt is not in the guest: the values are read back with sed.
# Leaves: every namespace free, no claim (released with --no-scrub: nothing
# is written to them here, and 22-release-in-use.sh left them zeroed).

# xml_values KIND FILE: the values of one kind of field of the rendered
# devices, in document order, on one line.
xml_values() {
	case $1 in
	path) sed -n 's|.*<path>\(.*\)</path>.*|\1|p' "$2" ;;
	align) sed -n 's|.*<alignsize unit="KiB">\([0-9]*\)</alignsize>.*|\1|p' "$2" ;;
	size) sed -n '/<target>/{n;s|.*<size unit="KiB">\([0-9]*\)</size>.*|\1|p;}' "$2" ;;
	node) sed -n 's|.*<node>\([0-9]*\)</node>.*|\1|p' "$2" ;;
	label) sed -n '/<label>/{n;s|.*<size unit="KiB">\([0-9]*\)</size>.*|\1|p;}' "$2" ;;
	esac | tr '\n' ' ' | sed 's/ $//'
}
# daxregion_align NAME: the alignment of the namespace's dax region, as ndctl lists it.
daxregion_align() {
	ndctl_ns "$1" | tr -d ' \t\r\n' | sed -n 's/.*"daxregion":{[^{}]*"align":\([0-9]*\).*/\1/p'
}
# same WHAT EXPECTED ACTUAL: a check that two strings are equal.
same() {
	if [ "$2" = "$3" ]; then ok "$1"; else not_ok "$1" "expected: $2" "actual:   $3"; fi
}

t "claim vmR B,A takes ns3 then ns0" vp claim vmR B,A
t "render-xml vmR prints the devices of the claim" vp render-xml vmR
cp "$T_OUT" /tmp/rx.xml
t_same_output "render-xml: ndctl's JSON gives the same devices as libndctl" /tmp/rx.xml \
	vps render-xml vmR

same "render-xml: the paths are ndctl's chardevs of ns3 then ns0 (label order B,A)" \
	"$(devpath ns3) $(devpath ns0)" "$(xml_values path /tmp/rx.xml)"
same "render-xml: each target size is ndctl's size / 1024" \
	"$(($(ns_get ns3 size) / 1024)) $(($(ns_get ns0 size) / 1024))" "$(xml_values size /tmp/rx.xml)"
same "render-xml: each alignsize is ndctl's daxregion align / 1024" \
	"$(($(daxregion_align ns3) / 1024)) $(($(daxregion_align ns0) / 1024))" \
	"$(xml_values align /tmp/rx.xml)"
same "render-xml: guest node 0 and a 2048 KiB label for each" "0 0 2048 2048" \
	"$(xml_values node /tmp/rx.xml) $(xml_values label /tmp/rx.xml)"

# A domain without NUMA cells, 256 MiB and 2 vCPUs, patched in place.
cat >/tmp/vmR.xml <<'XML'
<domain type='kvm'><name>vmR</name><memory unit='MiB'>256</memory><vcpu>2</vcpu>
<os><type arch='x86_64'>hvm</type></os><devices/></domain>
XML
chmod 640 /tmp/vmR.xml
t "render-xml --domain --in-place writes the domain" vp render-xml vmR --domain /tmp/vmR.xml --in-place
same "--in-place: the domain holds the devices of ns3 then ns0" \
	"$(devpath ns3) $(devpath ns0)" "$(xml_values path /tmp/vmR.xml)"
mem=$((262144 + $(ns_get ns3 size) / 1024 + $(ns_get ns0 size) / 1024))
t "--in-place: <memory> is the cell's 256 MiB plus both devices ($mem KiB)" \
	grep -q "<memory unit=\"KiB\">$mem</memory>" /tmp/vmR.xml
t "--in-place: a NUMA cell for both vCPUs and a maxMemory slot per device" \
	sh -c "grep -q '<cell id=\"0\" cpus=\"0-1\" memory=\"262144\" unit=\"KiB\"/>' /tmp/vmR.xml &&
		grep -q '<maxMemory slots=\"2\" unit=\"KiB\">$mem</maxMemory>' /tmp/vmR.xml"
same "--in-place: the file keeps its mode" 640 "$(stat -c %a /tmp/vmR.xml)"
cp /tmp/vmR.xml /tmp/vmR.once.xml
t "--in-place again leaves the domain byte for byte" \
	sh -c 'vpmemctl -N "$1" -s "$2" render-xml vmR --domain /tmp/vmR.xml --in-place &&
		cmp /tmp/vmR.once.xml /tmp/vmR.xml' _ "$NS_SPEC" "$STATE"

t "release vmR --no-scrub frees ns3 and ns0" vp release vmR --no-scrub
t_fail_with 3 "render-xml of a released instance exits 3" vp render-xml vmR
