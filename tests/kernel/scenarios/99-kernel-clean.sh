# Runs last: nothing in the run made the kernel warn or oops.

# not_tainted: taint flags W (warning, 512) and D (oops, 128) are clear.
not_tainted() {
	taint=$(cat /proc/sys/kernel/tainted)
	[ $((taint & 640)) = 0 ] && return 0
	echo "tainted=$taint" >&2
	dmesg | grep -E -A8 'WARNING|BUG|Oops' | head -n 20 >&2
	return 1
}
t "the kernel logged no warning or oops" not_tainted
