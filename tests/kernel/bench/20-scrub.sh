# The release scrub against daxio -z (what Nova runs to zero a namespace) on
# the same /dev/daxX.Y (nsbig): vpmemctl release --jobs 1, vpmemctl release
# with its default number of threads, and daxio -z, $BENCH_SCRUB_RUNS times
# each, in rounds whose order rotates; nsbig is claimed again (untimed)
# before each release. One untimed warm-up of each first (the host backs the
# NVDIMM with a sparse file: the first pass allocates it). Wall time of the
# whole command; throughput is nsbig's size over the median wall time.
# Each round also times daxio -z -l 2M (its cost apart from the zeroing),
# which gives daxio's loop throughput, to compare with the scrub alone as
# release's JSON times it.
# Leaves: nsbig free (zeroed), no claim.

DEVB=$(devpath nsbig)
SIZEB=$(ns_get nsbig size)
t "nsbig has a device ($DEVB) and a size ($SIZEB)" test -c "$DEVB" -a -n "$SIZEB" || return 0

claim() { t "claim vmbench BIG (untimed)" vpb claim vmbench BIG; }
# release_ok OUT: the release scrubbed all of nsbig.
release_ok() {
	t "release scrubbed all of nsbig ($SIZEB bytes)" \
		json_has "$1" name '"nsbig"' scrubbed true bytes "$SIZEB" state '"free"'
}
# release_run TIMES ARGS...: claim, then time one release of vmbench.
release_run() {
	_times=$1
	shift
	claim || return 1
	timed "$_times" /tmp/rel.json vpb release vmbench -f json "$@" || return 1
	release_ok /tmp/rel.json || return 1
	json_get /tmp/rel.json seconds >>"$_times.inproc"
}
daxio_run() { timed /tmp/scrub.dax /dev/null daxio -z -o "$DEVB"; }
SMALL=2097152
daxio_small_run() { timed /tmp/scrub.daxsmall /dev/null daxio -z -o "$DEVB" -l $SMALL; }

rm -f /tmp/scrub.*
release_run /tmp/scrub.warm --jobs 1 || return 0
jobs_default=""
release_run /tmp/scrub.warm && jobs_default=$(json_get /tmp/rel.json jobs)
timed /tmp/scrub.warm /dev/null daxio -z -o "$DEVB" || return 0
t "release reports its default number of threads" test -n "$jobs_default" || return 0

r=1
while [ $r -le "$BENCH_SCRUB_RUNS" ]; do
	case $((r % 3)) in
	1) order="j1 def dax" ;;
	2) order="def dax j1" ;;
	0) order="dax j1 def" ;;
	esac
	for k in $order; do
		case $k in
		j1) release_run /tmp/scrub.j1 --jobs 1 ;;
		def) release_run /tmp/scrub.def ;;
		dax) daxio_run ;;
		esac || return 0
	done
	daxio_small_run || return 0
	r=$((r + 1))
done

bench scrub.size "$(awk -v b="$SIZEB" 'BEGIN { printf "%.1f\n", b / 1048576 }')" MiB
bench scrub.runs "$BENCH_SCRUB_RUNS" runs
bench scrub.vpmemctl_default.jobs "$jobs_default" threads
for k in j1:vpmemctl_jobs1 def:vpmemctl_default dax:daxio; do
	f=/tmp/scrub.${k%%:*}
	m=$(ns_median $f)
	bench "scrub.${k#*:}.median" "$(secs "$m")" s
	bench "scrub.${k#*:}.throughput" "$(mib_per_s "$SIZEB" "$m")" MiB/s
	bench "scrub.${k#*:}.throughput_min" "$(mib_per_s "$SIZEB" "$(ns_max $f)")" MiB/s
	bench "scrub.${k#*:}.throughput_max" "$(mib_per_s "$SIZEB" "$(ns_min $f)")" MiB/s
	# The scrub alone, as release's JSON times it (no process start,
	# libndctl, state or in-use check).
	# What the rest of the command takes: the median over runs of wall
	# time minus the scrub's own.
	if [ -s "$f.inproc" ]; then
		awk '{ printf "%.0f\n", $1 * 1e9 }' "$f.inproc" >"$f.inproc.ns"
		bench "scrub.${k#*:}.scrub_only_throughput" \
			"$(mib_per_s "$SIZEB" "$(ns_median "$f.inproc.ns")")" MiB/s
		awk 'NR == FNR { wall[FNR] = $1; next } { printf "%.0f\n", wall[FNR] - $1 }' \
			"$f" "$f.inproc.ns" >"$f.outside.ns"
		bench "scrub.${k#*:}.outside_scrub" "$(ms "$(ns_median "$f.outside.ns")")" ms
	fi
done

m_small=$(ns_median /tmp/scrub.daxsmall)
bench scrub.daxio.fixed "$(ms "$m_small")" ms
bench scrub.daxio.loop_throughput \
	"$(mib_per_s $((SIZEB - SMALL)) $(($(ns_median /tmp/scrub.dax) - m_small)))" MiB/s

# Where release spends the time outside the scrub: its -vv timings (one more
# run, untimed), as comments.
if claim; then
	vpb -vv release vmbench --jobs 1 2>&1 >/dev/null | grep -E ' ms|seconds|scrub' | sed 's/^/# release -vv: /'
fi
