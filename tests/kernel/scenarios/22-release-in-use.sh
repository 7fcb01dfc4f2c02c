# vpmemctl release refuses, and touches nothing, while a process holds a
# namespace of the claim: open (a sleep's fd 3 on ns0, through /dev or through
# a second device node) or mapped (daxio blocked writing ns3's mapping into a
# pipe nobody reads). The refusal names the pid and the program; the claim
# and the data stay. With the holders gone the release goes through and the
# data reads back as zeroes.
# Leaves: every namespace free, no claim.

DEV0=$(devpath ns0) DEV3=$(devpath ns3)
SIZE0=$(ns_get ns0 size) SIZE3=$(ns_get ns3 size)
t "ns0 and ns3 have character devices" test -c "$DEV0" -a -c "$DEV3"
t "daxio writes a pattern at the start of ns0 ($DEV0)" write_pattern "$DEV0" 0
t "daxio writes a pattern at the start of ns3 ($DEV3)" write_pattern "$DEV3" 0

# claim_kept: vmA still holds ns0 and ns3.
claim_kept() {
	vp inventory -l -f json >/tmp/kept.json &&
		json_has /tmp/kept.json name '"ns0"' state '"claimed"' instance '"vmA"' &&
		json_has /tmp/kept.json name '"ns3"' state '"claimed"' instance '"vmA"'
}
# stop PID: kill a holder and reap it.
stop() { kill "$1" 2>/dev/null; wait "$1" 2>/dev/null; }

# ---- open: a process holds a file descriptor on ns0
sleep 300 3<>"$DEV0" &
holder=$!
t "a sleep holds $DEV0 open (fd 3)" sh -c "[ \"\$(readlink /proc/$holder/fd/3)\" = '$DEV0' ]"
comm=$(cat /proc/$holder/comm)
t_fail_match 6 "release while ns0 is open exits 6 naming the holder's pid and program ($comm)" \
	"pid ${holder} [(]${comm}[)]" vp release vmA
cp "$T_ERR" /tmp/open.err
t "the refusal says ns0 is open" grep -Eq "ns0.*open" /tmp/open.err
t "release while ns0 is open keeps vmA's claim" claim_kept
t "release while ns0 is open leaves ns0's data" has_pattern "$DEV0" 0
t "release while ns0 is open leaves ns3's data too (all or nothing)" has_pattern "$DEV3" 0
stop "$holder"

# ---- open through another node of the same device (same major:minor)
mknod /tmp/dax-alias c $(tr ':' ' ' </sys/bus/dax/devices/${DEV0##*/}/dev)
sleep 300 3<>/tmp/dax-alias &
holder=$!
t "a sleep holds ns0 open through /tmp/dax-alias, a second node" \
	sh -c "[ \"\$(readlink /proc/$holder/fd/3)\" = /tmp/dax-alias ]"
t_fail_match 6 "release while ns0 is open through another node exits 6 naming the holder's pid" \
	"pid ${holder}[^0-9]" vp release vmA
t "release while ns0 is open through another node keeps vmA's claim" claim_kept
stop "$holder"
rm -f /tmp/dax-alias

# ---- mapped: daxio maps ns3 and blocks writing it into a pipe that a sleep
# never reads.
# shellcheck disable=SC2216 # the sleep must not read
daxio -i "$DEV3" -l "$SIZE3" 2>/dev/null | sleep 300 &
reader=$!
# mapper: the pid of that daxio (waits up to 10 s for it).
i=0
while [ $i -lt 100 ] && ! mapper=$(pidof daxio); do sleep 0.1; i=$((i + 1)); done
t "daxio runs" test -n "$mapper"
# mapped_by PID DEV: DEV appears in PID's maps (waits up to 10 s).
mapped_by() {
	i=0
	while [ $i -lt 100 ]; do
		grep -q " $2\$" "/proc/$1/maps" 2>/dev/null && return 0
		sleep 0.1
		i=$((i + 1))
	done
	echo "$2 not in /proc/$1/maps:" >&2
	cat "/proc/$1/maps" >&2
	return 1
}
if t "daxio has $DEV3 mapped" mapped_by "$mapper" "$DEV3"; then
	# daxio also keeps its descriptor open; only the scan of the maps says
	# "mapped", so that word is what shows the mapping was found.
	t_fail_match 6 "release while ns3 is mapped exits 6 naming daxio and its pid" \
		"pid ${mapper} [(]daxio[)]" vp release vmA
	cp "$T_ERR" /tmp/mapped.err
	t "the refusal says ns3 is mapped" grep -Eq "ns3.*mapped" /tmp/mapped.err
	t "release while ns3 is mapped keeps vmA's claim" claim_kept
	t "release while ns3 is mapped leaves ns3's data" has_pattern "$DEV3" 0
	t "release while ns3 is mapped leaves ns0's data" has_pattern "$DEV0" 0
fi
stop "$mapper"
stop "$reader"

t "with the holders gone, release vmA -f json exits 0" vp release vmA -f json
cp "$T_OUT" /tmp/relA.json
t "release vmA: ns0 scrubbed, bytes as ndctl's size, free" json_has /tmp/relA.json name '"ns0"' scrubbed true bytes "$SIZE0" state '"free"'
t "release vmA: ns3 scrubbed, bytes as ndctl's size, free" json_has /tmp/relA.json name '"ns3"' scrubbed true bytes "$SIZE3" state '"free"'
t "after release ns0 reads back zeroes" all_zero "$DEV0" 0
t "after release ns3 reads back zeroes" all_zero "$DEV3" 0
t "inventory -f json after every release" vp inventory -f json
cp "$T_OUT" /tmp/inv.json
t "inventory: all of A free again" json_has /tmp/inv.json label '"A"' total 3 used 0 free 3 reserved 0
t "inventory: all of B free again" json_has /tmp/inv.json label '"B"' total 1 used 0 free 1 reserved 0
