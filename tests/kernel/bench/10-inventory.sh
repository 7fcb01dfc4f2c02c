# vpmemctl inventory -f json (through libndctl) against ndctl list -X, in the
# same guest on the same namespaces: $BENCH_RUNS runs of each, interleaved
# (the order alternates every round), after one warm-up run of each. For
# scale, the same for their --version (process start and dynamic linking
# alone), and inventory's own -vv timings as comments.

rm -f /tmp/inv.*
timed /tmp/inv.warm /tmp/inv.vp.out vpb inventory -f json &&
	timed /tmp/inv.warm /tmp/inv.nd.out ndctl list -X || return 0
t_match "ndctl list -X lists nsbig" '"name":"nsbig"' sh -c "tr -d ' \n' </tmp/inv.nd.out"

i=1
while [ $i -le "$BENCH_RUNS" ]; do
	if [ $((i % 2)) = 1 ]; then
		timed /tmp/inv.vp /dev/null vpb inventory -f json || return 0
		timed /tmp/inv.nd /dev/null ndctl list -X || return 0
		timed /tmp/inv.vpv /dev/null vpmemctl --version || return 0
		timed /tmp/inv.ndv /dev/null ndctl --version || return 0
	else
		timed /tmp/inv.nd /dev/null ndctl list -X || return 0
		timed /tmp/inv.vp /dev/null vpb inventory -f json || return 0
		timed /tmp/inv.ndv /dev/null ndctl --version || return 0
		timed /tmp/inv.vpv /dev/null vpmemctl --version || return 0
	fi
	i=$((i + 1))
done

bench inventory.runs "$BENCH_RUNS" runs
for who in vp:vpmemctl nd:ndctl vpv:vpmemctl_version ndv:ndctl_version; do
	f=/tmp/inv.${who%%:*}
	bench "inventory.${who#*:}.median" "$(ms "$(ns_median $f)")" ms
	bench "inventory.${who#*:}.min" "$(ms "$(ns_min $f)")" ms
	bench "inventory.${who#*:}.max" "$(ms "$(ns_max $f)")" ms
done

vpb -vv inventory -f json 2>&1 >/dev/null | grep ' ms' | sed 's/^/# inventory -vv: /'
