# vpmemctl claim never hands out a namespace that a process holds: with a
# sleep holding ns0's real /dev/daxX.Y open, claim of A passes ns0 by (a
# warning names the holder) and takes ns1; with ns3 held, claim of B exits 4
# naming the holder's pid and program.
# Leaves: every namespace free, no claim (released with --no-scrub: nothing
# is written to them here).

DEV0=$(devpath ns0) DEV3=$(devpath ns3)
stop() { kill "$1" 2>/dev/null; wait "$1" 2>/dev/null; }
# The background job's comm is the shell's until it has exec'd sleep: wait
# for that (up to 10 s) so that the holder named is the program itself.
held() {
	n=0
	while [ "$(cat /proc/$1/comm 2>/dev/null)" != sleep ]; do
		n=$((n + 1))
		[ "$n" -le 100 ] || return 1
		sleep 0.1
	done
}

sleep 300 3<>"$DEV0" &
holder=$!
held "$holder"
t "a sleep holds $DEV0 open (fd 3)" sh -c "[ \"\$(readlink /proc/$holder/fd/3)\" = '$DEV0' ]"
t "claim vmH A while ns0 is held exits 0" vp claim vmH A -f json
cp "$T_OUT" /tmp/claimH.json
cp "$T_ERR" /tmp/claimH.err
t_match "claim vmH A passes ns0 by and takes ns1" '^ns1$' json_values /tmp/claimH.json name
t "claim vmH A warns that ns0 is open by the holder" \
	grep -Eq "namespace ns0 at .* is open by pid ${holder} .*; it is skipped" /tmp/claimH.err
stop "$holder"

sleep 300 3<>"$DEV3" &
holder=$!
t "a sleep holds $DEV3 open (its comm is sleep)" held "$holder"
t_fail_match 4 "claim vmI B while ns3 is held exits 4 naming the holder's pid and program" \
	"pid ${holder} [(]sleep[)]" vp claim vmI B
stop "$holder"

t "release vmH --no-scrub" vp release vmH --no-scrub
