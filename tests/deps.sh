# shellcheck shell=bash
# Debian packages the build, the demo and the tests need; sourced by
# tests/run and examples/demo. install_packages installs those missing.

BUILD_PACKAGES=(
	gcc pkg-config meson ninja-build python3
	libndctl-dev libdaxctl-dev libcjson-dev libxml2-dev uuid-dev
)
TEST_PACKAGES=(
	bats bats-support bats-assert mandoc bash-completion
	libxml2-utils libvirt-clients libvirt-daemon libvirt-daemon-driver-qemu passwd
	qemu-system-x86 linux-image-amd64 busybox-static cpio kmod xz-utils
	ndctl daxctl pmdk-tools gnuplot-nox
	clang libclang-rt-14-dev clang-tidy cppcheck valgrind
	python3-placement curl jq
	dpkg-dev debhelper lintian git
)

install_packages() {
	local missing=() p
	for p in "$@"; do
		dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q 'install ok installed' ||
			missing+=("$p")
	done
	[ "${#missing[@]}" -eq 0 ] && return 0
	echo "installing: ${missing[*]}" >&2
	if [ "$(id -u)" -ne 0 ]; then
		echo "missing packages and not root: ${missing[*]}" >&2
		return 1
	fi
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq && apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}
