#!/usr/bin/env bats
# Who holds a namespace: /proc read whole and trusted only where the kernel
# writes it; claim hands out nothing that is in use.

load helpers
bats_require_minimum_version 1.5.0

setup() {
	common_setup
	standins
}

teardown() {
	# holders started by a test
	local p
	for p in ${HOLDERS:-}; do kill "$p" 2>/dev/null || true; done
}

# forge_maps_line TARGET: a process (pid in $FORGER) maps a file of its own
# whose path is longer than 4 KiB and ends in what looks like a maps line
# for TARGET's device and inode, starting exactly 4095 bytes into its line.
forge_maps_line() {
	python3 - "$1" "$SCRATCH/forge" "$SCRATCH/forged" <<-'PY' &
	import mmap, os, sys, time
	target, base, ready = sys.argv[1:]
	st = os.stat(target)
	fake = "0-1 rw-s 0 %02x:%02x %d" % (os.major(st.st_dev), os.minor(st.st_dev), st.st_ino)
	os.mkdir(base)
	os.mkdir(base + "/p")
	fd = os.open(base + "/p", os.O_RDONLY | os.O_DIRECTORY)
	for _ in range(19):
	    os.mkdir("d" * 200, dir_fd=fd)
	    nfd = os.open("d" * 200, os.O_RDONLY | os.O_DIRECTORY, dir_fd=fd)
	    os.close(fd)
	    fd = nfd
	f = os.open(fake, os.O_RDWR | os.O_CREAT, 0o600, dir_fd=fd)
	os.ftruncate(f, 4096)
	m = mmap.mmap(f, 4096)
	ino = os.fstat(f).st_ino
	def line():
	    for l in open("/proc/self/maps"):
	        if " %d " % ino in l and l.rstrip("\n").endswith(fake):
	            return l
	l = line()
	col = l.index(base)
	# rename the padding directory so that the fake starts at byte 4095
	pad = 4095 - col - (len(l) - 1 - col - len(fake)) + 1
	assert 1 <= pad <= 255, pad
	os.rename(base + "/p", base + "/" + "p" * pad)
	l = line()
	assert len(l) > 4096 and l[4095:].startswith(fake), (len(l), l[4095:4095 + 40])
	open(ready, "w").write("x")
	time.sleep(60)
	PY
	FORGER=$!
	HOLDERS="${HOLDERS:-} $FORGER"
	for _ in $(seq 100); do [ -s "$SCRATCH/forged" ] && break; sleep 0.1; done
	[ -s "$SCRATCH/forged" ]
}

@test "a mapped file whose long path forges a maps line does not block a release" {
	vpm claim vm1 6GB >/dev/null
	forge_maps_line "$VPMEMCTL_DEV_DIR/dax0.0"
	run vpm release vm1
	assert_success
	refute_output --partial "pid $FORGER"
	is_zero "$VPMEMCTL_DEV_DIR/dax0.0"
}

@test "a real mapping of the device is still seen beside a long path" {
	vpm claim vm1 6GB >/dev/null
	forge_maps_line "$VPMEMCTL_DEV_DIR/dax1.0"
	python3 -c 'import mmap,sys,time,os; f=open(sys.argv[1],"r+b"); m=mmap.mmap(f.fileno(),0); f.close(); os.write(1,b"x"); time.sleep(60)' \
		"$VPMEMCTL_DEV_DIR/dax0.0" >"$SCRATCH/ready" &
	HOLDER=$!
	HOLDERS="$HOLDERS $HOLDER"
	for _ in $(seq 50); do [ -s "$SCRATCH/ready" ] && break; sleep 0.1; done
	run vpm release vm1
	assert_failure 6
	assert_output --partial "namespace ns0 ($VPMEMCTL_DEV_DIR/dax0.0) is mapped by pid $HOLDER (python3)"
}

@test "claim passes by a namespace a process holds open, warning who holds it" {
	sleep 60 3<"$VPMEMCTL_DEV_DIR/dax0.0" &
	HOLDER=$!
	HOLDERS="$HOLDER"
	wait_exec "$HOLDER" sleep
	run --separate-stderr vpm claim vm1 6GB -f json
	assert_success
	[[ "$stderr" == *"namespace ns0 at $VPMEMCTL_DEV_DIR/dax0.0 is open by pid $HOLDER (sleep); stop what uses it; it is skipped"* ]]
	run json_get '[n["name"] for n in d["namespaces"]]'
	assert_output '["ns1"]'
}

@test "claim exits 4 naming pid and program when the only LARGE namespace is mapped" {
	python3 -c 'import mmap,sys,time,os; f=open(sys.argv[1],"r+b"); m=mmap.mmap(f.fileno(),0); f.close(); os.write(1,b"x"); time.sleep(60)' \
		"$VPMEMCTL_DEV_DIR/dax1.0" >"$SCRATCH/ready" &
	HOLDER=$!
	HOLDERS="$HOLDER"
	for _ in $(seq 50); do [ -s "$SCRATCH/ready" ] && break; sleep 0.1; done
	run vpm claim vm1 LARGE
	assert_failure 4
	assert_output --partial "namespace ns3 at $VPMEMCTL_DEV_DIR/dax1.0 is mapped by pid $HOLDER (python3); stop what uses it; it is skipped"
	assert_output --partial "not enough free namespaces for label 'LARGE'"
	run vpm inventory -f json
	run json_get 'd["namespaces"][3]["state"]'
	assert_output '"free"'
}

@test "claim and adopt refuse a libvirt_dir that does not exist instead of taking it for no domains" {
	printf '[vpmemctl]\nlibvirt_dir = %s\n' "$SCRATCH/qemu-typo" >"$VPMEMCTL_CONFIG"
	run vpm claim vm1 6GB
	assert_failure 1
	assert_output --partial "cannot read libvirt directory $SCRATCH/qemu-typo (libvirt_dir)"
	run vpm inventory -l -f json
	run json_get '[n["instance"] for n in d["namespaces"] if n["instance"]]'
	assert_output '[]'
	: >"$SCRATCH/d.xml"
	run vpm adopt vm1 --domain "$SCRATCH/d.xml" --dry-run
	assert_failure 1
	assert_output --partial "cannot read libvirt directory $SCRATCH/qemu-typo"
}

@test "claim passes by a namespace a domain in libvirt_dir uses" {
	mkdir "$SCRATCH/qemu"
	cat >"$SCRATCH/qemu/guest9.xml" <<-XML
	<domain type='kvm'><name>guest9</name><memory unit='KiB'>1048576</memory>
	<devices><memory model='nvdimm' access='shared'><source><path>$VPMEMCTL_DEV_DIR/dax0.0</path></source>
	<target><size unit='KiB'>1048576</size><node>0</node></target></memory></devices></domain>
	XML
	printf '[vpmemctl]\nlibvirt_dir = %s\n' "$SCRATCH/qemu" >"$VPMEMCTL_CONFIG"
	run --separate-stderr vpm claim vm1 6GB -f json
	assert_success
	[[ "$stderr" == *"namespace ns0 at $VPMEMCTL_DEV_DIR/dax0.0 is used by domain guest9; it is skipped"* ]]
	run json_get '[n["name"] for n in d["namespaces"]]'
	assert_output '["ns1"]'
	# the domain's own claim may take it
	run --separate-stderr vpm claim guest9 6GB -f json
	assert_success
	run json_get '[n["name"] for n in d["namespaces"]]'
	assert_output '["ns0"]'
}
