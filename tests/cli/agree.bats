#!/usr/bin/env bats
# One rule, asked of every program: which configured namespaces a libvirt
# domain uses, and whose a claim is. The hook (prepare begin), verify
# --libvirt-dir, claim (libvirt_dir) and adopt are run over the same cases:
# every memory model and command-line spelling, paths written plainly,
# through a symbolic link, with "//" and "/./", through another node of the
# same device; healthy, degraded and duplicate-name hosts; claims under the
# domain's name and under its uuid. A case fails when any program answers
# otherwise than the others (and than expected).

bats_require_minimum_version 1.5.0
load helpers

UUID=6f1b7c1e-0a3b-4c5d-8e9f-0123456789ab

setup() {
	common_setup
	standins
	export VPMEMCTL_NAMESPACES="$NOVA_SPEC"
	QEMU="$SCRATCH/qemu"
	mkdir -p "$QEMU"
	printf '[vpmemctl]\nlibvirt_dir = %s\n' "$QEMU" >"$VPMEMCTL_CONFIG"
	HOOK="$(dirname "$VPMEMCTL_BIN")/vpmemctl-libvirt-hook"
}

# domain_xml NAME UUID PLACE PATH: a domain naming PATH in PLACE, one of
# nvdimm, virtio-pmem, commandline (a memory backend, as QEMU takes it),
# disk (a block device), or the same in one argument with blanks (cmdline1).
domain_xml() {
	local dev="" cmd=""
	case "$3" in
	nvdimm) dev="<memory model='nvdimm' access='shared'><source><path>$4</path></source><target><size unit='KiB'>524288</size><node>0</node><label><size unit='KiB'>2048</size></label></target></memory>" ;;
	virtio-pmem) dev="<memory model='virtio-pmem' access='shared'><source><path>$4</path></source><target><size unit='KiB'>524288</size></target></memory>" ;;
	disk) dev="<disk type='block' device='disk'><source dev='$4'/><target dev='vdb' bus='virtio'/></disk>" ;;
	commandline) cmd="<qemu:commandline><qemu:arg value='-object'/><qemu:arg value='memory-backend-file,id=pm0,share=on,mem-path=$4,size=512M'/></qemu:commandline>" ;;
	cmdline1) cmd="<qemu:commandline><qemu:arg value='-object memory-backend-file,id=pm0,mem-path=$4,size=512M'/></qemu:commandline>" ;;
	esac
	cat <<-XML
	<domain type='kvm' xmlns:qemu='http://libvirt.org/schemas/domain/qemu/1.0'>
	  <name>$1</name>
	  <uuid>$2</uuid>
	  <memory unit='GiB'>2</memory>
	  <os><type arch='x86_64' machine='pc'>hvm</type></os>
	  <devices>
	    <disk type='file' device='disk'><source file='/var/lib/guest.img'/><target dev='vda' bus='virtio'/></disk>
	    $dev
	  </devices>
	  $cmd
	</domain>
	XML
}

# spell HOW DEV: a path to device file DEV written HOW: plain, link (a
# symbolic link), slashes (//), dot (/./), node (another name of the same
# file: a hard link for a stand-in file, a node of the same numbers for a
# character device), or none (a file that is no namespace's).
spell() {
	local dir=${2%/*} base=${2##*/}
	case "$1" in
	plain) echo "$2" ;;
	link) ln -sfn "$2" "$SCRATCH/link-$base"; echo "$SCRATCH/link-$base" ;;
	slashes) echo "$dir//$base" ;;
	dot) echo "$dir/./$base" ;;
	node)
		rm -f "$SCRATCH/node-$base"
		if [ -c "$2" ]; then
			mknod "$SCRATCH/node-$base" c "$(stat -c %t "$2" | xargs printf '%d')" \
				"$(stat -c %T "$2" | xargs printf '%d')"
		else
			ln "$2" "$SCRATCH/node-$base"
		fi
		echo "$SCRATCH/node-$base" ;;
	none) : >"$SCRATCH/other.img"; echo "$SCRATCH/other.img" ;;
	esac
}

# The answer of each program for domain dom (uuid $UUID, in $QEMU/dom.xml)
# and namespace NS (label LABEL), 1 when it sees the domain use NS and
# refuses or reports it, 0 when it does not (or, for the "own" questions,
# 1 when it takes the domain's use of NS as its claim's):

# hook prepare begin refuses the domain
hook_sees() {
	"$HOOK" dom prepare begin - <"$QEMU/dom.xml" >/dev/null 2>&1 && echo 0 || echo 1
}

# verify reports something of the domain's use of NS
verify_sees() {
	"$VPMEMCTL_BIN" verify --libvirt-dir "$QEMU" -f json 2>/dev/null | python3 -c '
import json, re, sys
d = json.load(sys.stdin)
print(int(any(f["code"].startswith("libvirt-") and f["subject"] == "domain dom" and
              re.search(r"\b%s\b" % sys.argv[1], f["message"]) for f in d["findings"])))' "$1"
}

# claim of another instance does not hand NS out (LABEL has only NS free)
claim_sees() {
	"$VPMEMCTL_BIN" claim third "$2" --dry-run >/dev/null 2>&1
	case $? in 4) echo 1 ;; 0) echo 0 ;; *) echo "claim-exit-$?" ;; esac
}

# adopt of the domain takes NS into account: would adopt it, or refuses it
adopt_sees() {
	"$VPMEMCTL_BIN" adopt dom --domain "$QEMU/dom.xml" --dry-run -f json 2>&1 |
		grep -Eq "(namespace |\"name\": ?\")$1\b" && echo 1 || echo 0
}

# agree EXPECTED CASE HOOK VERIFY CLAIM ADOPT: every answer given (- for a
# program the case does not ask) is EXPECTED; else the row is printed.
agree() {
	local want=$1 case=$2 bad=0 a
	shift 2
	for a in "$@"; do
		[ "$a" = - ] || [ "$a" = "$want" ] || bad=1
	done
	if [ "$bad" -ne 0 ]; then
		echo "DISAGREE $case: hook=$1 verify=$2 claim=$3 adopt=$4 (expected $want)"
		return 1
	fi
}

# sweep EXPECTED NS LABEL DEV CLAIM SPELLINGS...: every place and spelling of
# device DEV in dom; CLAIM is yes when claim's answer counts (NS is the only
# namespace of LABEL that could be free).
sweep() {
	local want=$1 ns=$2 label=$3 dev=$4 ask_claim=$5 fails=0 place how path c
	shift 5
	for place in nvdimm virtio-pmem commandline cmdline1 disk; do
		for how in "$@"; do
			path=$(spell "$how" "$dev")
			domain_xml dom "$UUID" "$place" "$path" >"$QEMU/dom.xml"
			c=-
			[ "$ask_claim" = yes ] && c=$(claim_sees "$ns" "$label")
			agree "$want" "$place/$how" "$(hook_sees)" "$(verify_sees "$ns")" "$c" \
				"$(adopt_sees "$ns")" || fails=$((fails + 1))
		done
	done
	[ "$fails" -eq 0 ]
}

ALL="plain link slashes dot node"

@test "every program sees an unclaimed namespace used through any place and spelling" {
	sweep 1 ns3 LARGE "$VPMEMCTL_DEV_DIR/dax1.0" yes $ALL
}

@test "every program sees a namespace of another instance used through any place and spelling" {
	vpm claim owner LARGE >/dev/null
	sweep 1 ns3 LARGE "$VPMEMCTL_DEV_DIR/dax1.0" no $ALL
}

@test "no program sees a namespace in a file that is no namespace's device" {
	sweep 0 ns3 LARGE "$VPMEMCTL_DEV_DIR/dax1.0" yes none
}

@test "every program sees a namespace whose device is a character device, through another node of its numbers" {
	rm "$VPMEMCTL_DEV_DIR/dax1.0"
	mknod "$VPMEMCTL_DEV_DIR/dax1.0" c 1 7
	# claim passes by a device that is not a dax device whoever uses it: not asked
	sweep 1 ns3 LARGE "$VPMEMCTL_DEV_DIR/dax1.0" no plain node link
}

@test "every program sees a claimed namespace on a host where a second namespace took its name" {
	vpm claim owner 6GB >/dev/null   # ns0
	snapshot_copy
	# the new namespace first: matching by name alone finds it, not ns0's device
	edit_json "$SCRATCH/host.json" '
import copy
n = copy.deepcopy(d[0]); n["dev"] = "namespace0.9"; n["uuid"] = "11111111-2222-3333-4444-555555555555"
n["daxregion"]["devices"][0]["chardev"] = "dax0.9"; d.insert(0, n)'
	cp "$VPMEMCTL_DEV_DIR/dax0.0" "$VPMEMCTL_DEV_DIR/dax0.9"
	sweep 1 ns0 6GB "$VPMEMCTL_DEV_DIR/dax0.0" no $ALL
}

@test "every program sees a claimed namespace renamed on the host, found by the uuid of its claim" {
	vpm claim owner LARGE >/dev/null   # ns3
	snapshot_copy
	edit_json "$SCRATCH/host.json" 'd[3]["name"] = "renamed"'
	sweep 1 ns3 LARGE "$VPMEMCTL_DEV_DIR/dax1.0" no plain link node
}

@test "every program sees an unclaimed namespace the host cannot give (not devdax)" {
	snapshot_copy
	edit_json "$SCRATCH/host.json" 'd[3]["mode"] = "fsdax"'
	sweep 1 ns3 LARGE "$VPMEMCTL_DEV_DIR/dax1.0" no plain link
}

# owned INSTANCE: hook, verify and adopt take dom's use of ns3 for its own
# claim held by INSTANCE, over every place and spelling.
owned() {
	local fails=0 place how path
	for place in nvdimm virtio-pmem commandline disk; do
		for how in $ALL; do
			path=$(spell "$how" "$VPMEMCTL_DEV_DIR/dax1.0")
			domain_xml dom "$UUID" "$place" "$path" >"$QEMU/dom.xml"
			agree 0 "$1:$place/$how" "$(hook_sees)" - - - || fails=$((fails + 1))
			run "$VPMEMCTL_BIN" verify --libvirt-dir "$QEMU" -f json
			[[ "$output" != *'"code": "libvirt-'* ]] || { echo "verify $1:$place/$how: $output"; fails=$((fails + 1)); }
			run "$VPMEMCTL_BIN" adopt dom --domain "$QEMU/dom.xml" --dry-run
			[ "$status" -eq 0 ] && [[ "$output" == *"already claimed"* ]] ||
				{ echo "adopt $1:$place/$how: $status $output"; fails=$((fails + 1)); }
		done
	done
	[ "$fails" -eq 0 ]
}

# own INSTANCE: claim, with dom using ns3, gives ns3 to INSTANCE (dom's
# own use does not stop it); then hook, verify and adopt take dom's use of
# ns3 for INSTANCE's claim.
own() {
	domain_xml dom "$UUID" nvdimm "$VPMEMCTL_DEV_DIR/dax1.0" >"$QEMU/dom.xml"
	run vpm claim "$1" LARGE --dry-run
	assert_success
	vpm claim "$1" LARGE >/dev/null
	owned "$1"
}

@test "a claim under the domain's name is the domain's, to every program" {
	own dom
}

@test "a claim under the domain's uuid is the domain's, to every program" {
	own "$UUID"
}

@test "a claim under the domain's uuid in capitals is the domain's, to every program" {
	own "${UUID^^}"
}

@test "migrate begin reuses the claim held under the domain's uuid instead of making a second one" {
	vpm claim "$UUID" LARGE >/dev/null
	domain_xml dom "$UUID" nvdimm /dev/null >"$SCRATCH/base.xml"
	sed -i -e '/<memory model=/d' "$SCRATCH/base.xml"
	vpm render-xml "$UUID" --domain "$SCRATCH/base.xml" >"$SCRATCH/in.xml"
	run --separate-stderr "$HOOK" dom migrate begin - <"$SCRATCH/in.xml"
	assert_success
	run vpm inventory -l -f json
	run json_get '[n["instance"] for n in d["namespaces"] if n["instance"]]'
	assert_output "[\"$UUID\"]"
}

@test "adopt --libvirt-dir adopts neither of two domains that name one namespace, dry run or not" {
	domain_xml dom "$UUID" nvdimm "$VPMEMCTL_DEV_DIR/dax1.0" >"$QEMU/dom.xml"
	domain_xml dom2 6f1b7c1e-0a3b-4c5d-8e9f-0123456789ac disk "$VPMEMCTL_DEV_DIR/dax1.0" >"$QEMU/dom2.xml"
	for dry in --dry-run ""; do
		run --separate-stderr vpm adopt --libvirt-dir "$QEMU" $dry
		[ "$status" -eq 6 ]
		[[ "$stderr" == *"domain dom: namespace ns3 at $VPMEMCTL_DEV_DIR/dax1.0 is used by domains dom and dom2: whose it is is not known"* ]]
		[[ "$stderr" == *"domain dom2: namespace ns3 at $VPMEMCTL_DEV_DIR/dax1.0 is used by domains dom2 and dom: whose it is is not known"* ]]
		[[ "$output" != *"would adopt"* ]] && [[ "$output" != *"adopted"* ]]
	done
	run vpm inventory -l -f json
	run json_get '[n["instance"] for n in d["namespaces"] if n["instance"]]'
	assert_output "[]"
	run vpm verify --libvirt-dir "$QEMU" -f json
	run json_get '[f["subject"] for f in d["findings"] if f["code"] == "libvirt-shared-device"]'
	assert_output '["domain dom", "domain dom2"]'
}
