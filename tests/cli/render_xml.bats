#!/usr/bin/env bats
# vpmemctl render-xml: libvirt is the judge. Every rendered domain is
# validated with libvirt's RelaxNG schema (virt-xml-validate) and defined
# through libvirt's parser (virsh -c test:///default, no daemon), and the
# devices libvirt reads back are compared with ours.

bats_require_minimum_version 1.5.0
load helpers

setup() { common_setup; standins; }

# a domain with neither NUMA cells nor maxMemory
plain_domain() {
	cat >"$1" <<-'XML'
	<domain type='kvm'>
	  <name>guest</name>
	  <memory unit='GiB'>2</memory>
	  <currentMemory unit='GiB'>2</currentMemory>
	  <vcpu placement='static'>2</vcpu>
	  <os><type arch='x86_64' machine='pc'>hvm</type></os>
	  <devices>
	    <!-- the guest's disk -->
	    <disk type='file' device='disk'><source file='/var/lib/guest.img'/><target dev='vda' bus='virtio'/></disk>
	  </devices>
	</domain>
	XML
}

# a domain with two NUMA cells and a roomy maxMemory
numa_domain() {
	cat >"$1" <<-'XML'
	<domain type='kvm'>
	  <name>guest</name>
	  <maxMemory slots='8' unit='GiB'>256</maxMemory>
	  <memory unit='GiB'>4</memory>
	  <vcpu>4</vcpu>
	  <os><type arch='x86_64' machine='pc'>hvm</type></os>
	  <cpu><numa>
	    <cell id='0' cpus='0-1' memory='2' unit='GiB'/>
	    <cell id='1' cpus='2-3' memory='2' unit='GiB'/>
	  </numa></cpu>
	  <devices/>
	</domain>
	XML
}

# devices FILE: the nvdimm devices of a domain or fragment, one line each.
devices() {
	python3 - "$1" <<-'PY'
	import sys, xml.etree.ElementTree as ET
	text = open(sys.argv[1]).read()
	root = ET.fromstring(text if text.lstrip().startswith("<domain") else "<r>%s</r>" % text)
	for m in root.iter("memory"):
	    if m.get("model") != "nvdimm":
	        continue
	    print(m.get("access"), m.findtext("source/path"), m.findtext("source/alignsize"),
	          m.find("source/pmem") is not None, m.findtext("target/size"),
	          m.findtext("target/node"), m.findtext("target/label/size"))
	PY
}

# judged FILE: libvirt's schema and parser accept it; its devices as read back
# by libvirt are in $SCRATCH/libvirt.devices.
judged() {
	run virt-xml-validate "$1" domain
	assert_success
	run virsh -q -c test:///default "define $1; dumpxml guest"
	assert_success
	refute_output --partial "error"
	printf '%s\n' "$output" | sed -n '/^<domain/,$p' >"$SCRATCH/libvirt.xml"
	devices "$SCRATCH/libvirt.xml" >"$SCRATCH/libvirt.devices"
}

@test "one element per namespace, in the claim's label order" {
	vpm claim vm1 'LARGE,6GB' >/dev/null
	run --separate-stderr vpm render-xml vm1
	assert_success
	printf '%s\n' "$output" >"$SCRATCH/frag.xml"
	run devices "$SCRATCH/frag.xml"
	assert_output "shared $VPMEMCTL_DEV_DIR/dax1.0 2048 True 31455232 0 2048
shared $VPMEMCTL_DEV_DIR/dax0.0 2048 True 6289408 0 2048"
}

@test "repeated labels give one element each" {
	vpm claim vm1 '6GB,6GB' >/dev/null
	vpm render-xml vm1 >"$SCRATCH/frag.xml"
	run devices "$SCRATCH/frag.xml"
	assert_line --index 0 --partial "dax0.0"
	assert_line --index 1 --partial "dax0.1"
	[ "${#lines[@]}" -eq 2 ]
}

@test "--guest-node sets target/node" {
	vpm claim vm1 6GB >/dev/null
	vpm render-xml vm1 --guest-node 1 >"$SCRATCH/frag.xml"
	run devices "$SCRATCH/frag.xml"
	assert_output --regexp ' 6289408 1 2048$'
}

@test "a plain domain with one namespace: libvirt accepts it and reads back our device" {
	vpm claim guest 6GB >/dev/null
	plain_domain "$SCRATCH/d.xml"
	vpm render-xml guest --domain "$SCRATCH/d.xml" >"$SCRATCH/out.xml"
	judged "$SCRATCH/out.xml"
	run cat "$SCRATCH/libvirt.devices"
	assert_output "shared $VPMEMCTL_DEV_DIR/dax0.0 2048 True 6289408 0 2048"
	grep -q "<cell id='0' cpus='0-1' memory='2097152' unit='KiB'/>" "$SCRATCH/libvirt.xml"
	grep -q "<maxMemory slots='1' unit='KiB'>8386560</maxMemory>" "$SCRATCH/libvirt.xml"
	grep -q "<disk type='file' device='disk'>" "$SCRATCH/libvirt.xml"
}

@test "several namespaces in a domain with NUMA cells and maxMemory: accepted, devices kept in order" {
	vpm claim guest '6GB,LARGE,6GB' >/dev/null
	numa_domain "$SCRATCH/d.xml"
	vpm render-xml guest --domain "$SCRATCH/d.xml" --guest-node 1 >"$SCRATCH/out.xml"
	judged "$SCRATCH/out.xml"
	devices "$SCRATCH/out.xml" >"$SCRATCH/ours.devices"
	run diff "$SCRATCH/ours.devices" "$SCRATCH/libvirt.devices"
	assert_success
	run cut -d' ' -f2,6 "$SCRATCH/libvirt.devices"
	assert_output "$VPMEMCTL_DEV_DIR/dax0.0 1
$VPMEMCTL_DEV_DIR/dax1.0 1
$VPMEMCTL_DEV_DIR/dax0.1 1"
	grep -q "<maxMemory slots='8' unit='KiB'>268435456</maxMemory>" "$SCRATCH/libvirt.xml"
}

@test "a domain that already has the devices: rendering again changes nothing, libvirt still accepts it" {
	vpm claim guest '6GB,6GB' >/dev/null
	plain_domain "$SCRATCH/d.xml"
	vpm render-xml guest --domain "$SCRATCH/d.xml" >"$SCRATCH/once.xml"
	vpm render-xml guest --domain "$SCRATCH/once.xml" >"$SCRATCH/twice.xml"
	run diff "$SCRATCH/once.xml" "$SCRATCH/twice.xml"
	assert_success
	judged "$SCRATCH/twice.xml"
	[ "$(wc -l <"$SCRATCH/libvirt.devices")" -eq 2 ]
}

@test "without the memory counted in, libvirt would refuse: our <memory> is cells plus devices" {
	vpm claim guest LARGE >/dev/null
	plain_domain "$SCRATCH/d.xml"
	vpm render-xml guest --domain "$SCRATCH/d.xml" >"$SCRATCH/out.xml"
	grep -q '<memory unit="KiB">33552384</memory>' "$SCRATCH/out.xml"
	# the same domain with <memory> left at 2 GiB is what libvirt refuses
	sed 's|<memory unit="KiB">33552384</memory>|<memory unit="GiB">2</memory>|' "$SCRATCH/out.xml" >"$SCRATCH/bad.xml"
	run virsh -q -c test:///default "define $SCRATCH/bad.xml"
	assert_failure
	assert_output --partial "exceeds the total memory size"
}

@test "--in-place replaces the file atomically, keeping its mode" {
	vpm claim guest 6GB >/dev/null
	plain_domain "$SCRATCH/d.xml"
	chmod 640 "$SCRATCH/d.xml"
	vpm render-xml guest --domain "$SCRATCH/d.xml" >"$SCRATCH/expected.xml"
	run vpm render-xml guest --domain "$SCRATCH/d.xml" --in-place
	assert_success
	cmp "$SCRATCH/d.xml" "$SCRATCH/expected.xml"
	[ "$(stat -c %a "$SCRATCH/d.xml")" = 640 ]
	[ -z "$(find "$SCRATCH" -name '*.tmp')" ]
}

@test "a domain that does not parse is an error naming it, and it is untouched" {
	vpm claim guest 6GB >/dev/null
	printf '<domain><name>guest</name>\n<memory>' >"$SCRATCH/d.xml"
	before=$(sha256sum <"$SCRATCH/d.xml")
	run vpm render-xml guest --domain "$SCRATCH/d.xml" --in-place
	assert_failure 1
	assert_output --partial "domain file $SCRATCH/d.xml is not XML: line 2"
	[ "$(sha256sum <"$SCRATCH/d.xml")" = "$before" ]
}

@test "a document that is not a <domain> is an error, and it is untouched" {
	vpm claim guest 6GB >/dev/null
	echo "<network><name>default</name></network>" >"$SCRATCH/d.xml"
	before=$(sha256sum <"$SCRATCH/d.xml")
	run vpm render-xml guest --domain "$SCRATCH/d.xml" --in-place
	assert_failure 1
	assert_output --partial "the root element is <network>, not <domain>"
	[ "$(sha256sum <"$SCRATCH/d.xml")" = "$before" ]
}

@test "an instance without a claim is exit 3, and the domain is untouched" {
	plain_domain "$SCRATCH/d.xml"
	before=$(sha256sum <"$SCRATCH/d.xml")
	run vpm render-xml guest --domain "$SCRATCH/d.xml" --in-place
	assert_failure 3
	assert_output --partial "instance guest holds no claim"
	[ "$(sha256sum <"$SCRATCH/d.xml")" = "$before" ]
}

@test "a domain carrying an external entity does not make us read the file it names" {
	vpm claim guest 6GB >/dev/null
	echo "TOPSECRET" >"$SCRATCH/secret"
	cat >"$SCRATCH/d.xml" <<-XML
	<?xml version='1.0'?>
	<!DOCTYPE domain [ <!ENTITY leak SYSTEM "file://$SCRATCH/secret"> ]>
	<domain type='kvm'><name>guest</name><description>&leak;</description>
	<memory unit='GiB'>2</memory><vcpu>1</vcpu><os><type arch='x86_64'>hvm</type></os><devices/></domain>
	XML
	run vpm render-xml guest --domain "$SCRATCH/d.xml"
	# Issue 15: the DTD itself is refused now, before any entity is declared.
	assert_failure 1
	assert_output --partial "it has a document type declaration"
	refute_output --partial "TOPSECRET"
}

@test "--in-place on a symbolic link is refused" {
	vpm claim guest 6GB >/dev/null
	plain_domain "$SCRATCH/real.xml"
	ln -s "$SCRATCH/real.xml" "$SCRATCH/d.xml"
	run vpm render-xml guest --domain "$SCRATCH/d.xml" --in-place
	assert_failure 1
	assert_output --partial "is a symbolic link"
	[ -L "$SCRATCH/d.xml" ]
}

@test "a claimed namespace destroyed and re-created (new uuid) is not rendered" {
	cp "$EXAMPLE/ndctl-list.json" "$SCRATCH/host.json"
	export VPMEMCTL_HOST_SNAPSHOT="$SCRATCH/host.json"
	vpm claim guest LARGE >/dev/null
	python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); d[3]["uuid"]="0000aaaa-0000-4000-8000-000000000001"; json.dump(d, open(sys.argv[1],"w"))' "$SCRATCH/host.json"
	run vpm render-xml guest
	assert_failure 1
	assert_output --partial "namespace ns3 of instance guest was destroyed and re-created"
	refute_output --partial "<memory"
}

@test "--in-place on a FIFO is refused without reading it" {
	vpm claim guest 6GB >/dev/null
	mkfifo "$SCRATCH/d.xml"
	run timeout 5 "$VPMEMCTL_BIN" -N "$NOVA_SPEC" render-xml guest --domain "$SCRATCH/d.xml" --in-place
	assert_failure 1
	assert_output --partial "is not a regular file"
}

@test "a guest node the domain does not have is refused" {
	vpm claim guest 6GB >/dev/null
	numa_domain "$SCRATCH/d.xml"
	run vpm render-xml guest --domain "$SCRATCH/d.xml" --guest-node 3
	assert_failure 1
	assert_output --partial "the domain has no guest NUMA node 3"
}

@test "--in-place without --domain is a usage error" {
	run vpm render-xml guest --in-place
	assert_failure 2
	assert_output --partial "--in-place goes with --domain FILE"
}

@test "vpmemctl-render-xml behaves as vpmemctl render-xml" {
	vpm claim vm1 6GB >/dev/null
	run "$(dirname "$VPMEMCTL_BIN")/vpmemctl-render-xml" -N "$NOVA_SPEC" vm1
	assert_success
	assert_output --partial "<path>$VPMEMCTL_DEV_DIR/dax0.0</path>"
}

@test "a NUL byte in the domain file is an error naming it and the offset; the file is unchanged" {
	vpm claim guest 6GB >/dev/null
	plain_domain "$SCRATCH/d.xml"
	printf '<!-- x -->\0' >>"$SCRATCH/d.xml"
	size=$(stat -c %s "$SCRATCH/d.xml")
	before=$(sha256sum <"$SCRATCH/d.xml")
	run vpm render-xml guest --domain "$SCRATCH/d.xml" --in-place
	assert_failure 1
	assert_output --partial "domain file $SCRATCH/d.xml has a NUL byte at offset $((size - 1))"
	[ "$(sha256sum <"$SCRATCH/d.xml")" = "$before" ]
}

@test "--in-place removes a stale temporary of the domain (its writer killed), keeps a live one" {
	vpm claim guest 6GB >/dev/null
	plain_domain "$SCRATCH/demo.xml"
	: >"$SCRATCH/.demo.xml.999999999.tmp"
	sleep 30 & live=$!
	: >"$SCRATCH/.demo.xml.$live.tmp"
	run vpm render-xml guest --domain "$SCRATCH/demo.xml" --in-place
	assert_success
	[ ! -e "$SCRATCH/.demo.xml.999999999.tmp" ]
	[ -e "$SCRATCH/.demo.xml.$live.tmp" ]
	kill "$live"
}

# laughs FILE: a domain declaring "billion laughs" entities (10^9 copies of
# "lol" when expanded, 1 KB on disk).
laughs() {
	{
		echo '<?xml version="1.0"?>'
		echo '<!DOCTYPE domain ['
		echo ' <!ENTITY lol "lol">'
		local prev=lol i
		for i in 1 2 3 4 5 6 7 8 9; do
			printf ' <!ENTITY lol%d "%s">\n' "$i" "$(printf '&%s;' $(yes "$prev" | head -10))"
			prev=lol$i
		done
		echo ']>'
		echo "<domain type='kvm'><name>&lol9;</name><memory unit='GiB'>2</memory>"
		echo "<devices><memory model='nvdimm'><source><path>&lol9;</path></source></memory></devices></domain>"
	} >"$1"
}

@test "a domain declaring entities (billion laughs) is refused at once, naming the file, never expanded" {
	vpm claim guest 6GB >/dev/null
	laughs "$SCRATCH/d.xml"
	before=$(sha256sum <"$SCRATCH/d.xml")
	run timeout 5 "$VPMEMCTL_BIN" -N "$NOVA_SPEC" render-xml guest --domain "$SCRATCH/d.xml" --in-place
	assert_failure 1
	assert_output --partial "domain file $SCRATCH/d.xml is not XML: it has a document type declaration"
	[ "$(sha256sum <"$SCRATCH/d.xml")" = "$before" ]
}

@test "a plain DOCTYPE is refused too: a libvirt domain has none" {
	vpm claim guest 6GB >/dev/null
	plain_domain "$SCRATCH/plain.xml"
	{ echo '<!DOCTYPE domain SYSTEM "file:///etc/passwd">'; cat "$SCRATCH/plain.xml"; } >"$SCRATCH/d.xml"
	run timeout 5 "$VPMEMCTL_BIN" -N "$NOVA_SPEC" render-xml guest --domain "$SCRATCH/d.xml"
	assert_failure 1
	assert_output --partial "it has a document type declaration"
}

# the vpmemctl records in a domain's <metadata>, one "label name uuid" line each
pmem_records() {
	python3 - "$1" <<-'PY'
	import sys, xml.etree.ElementTree as ET
	ns = "{https://vpmemctl.org/xmlns/pmem/1}"
	root = ET.parse(sys.argv[1]).getroot()
	els = [e for e in root.findall("metadata/%spmem" % ns)]
	print(len(els), "element(s)")
	for e in els:
	    for r in e.findall("%snamespace" % ns):
	        print(r.get("label"), r.get("name"), r.get("uuid"))
	PY
}

@test "--domain records the claim's labels in <metadata>, in device order; libvirt keeps them" {
	vpm claim guest 'LARGE,6GB' >/dev/null
	plain_domain "$SCRATCH/d.xml"
	vpm render-xml guest --domain "$SCRATCH/d.xml" >"$SCRATCH/out.xml"
	judged "$SCRATCH/out.xml"
	run pmem_records "$SCRATCH/libvirt.xml"
	assert_output "1 element(s)
LARGE ns3 $(snap_uuid ns3)
6GB ns0 $(snap_uuid ns0)"
}

@test "rendering again replaces the record, never adds a second one" {
	vpm claim guest 6GB >/dev/null
	plain_domain "$SCRATCH/d.xml"
	vpm render-xml guest --domain "$SCRATCH/d.xml" --in-place
	vpm release guest --no-scrub >/dev/null
	vpm claim guest LARGE >/dev/null
	vpm render-xml guest --domain "$SCRATCH/d.xml" --in-place
	run pmem_records "$SCRATCH/d.xml"
	assert_output "1 element(s)
LARGE ns3 $(snap_uuid ns3)"
	judged "$SCRATCH/d.xml"
}
