#!/usr/bin/env bash
# Install the Debian packages the project needs; as root with apt, otherwise
# list what is missing and stop.
set -euo pipefail
. "$(dirname "$0")/lib/lib.sh"

packages=(
	bc bison flex cpio xz-utils ccache make kmod openssl
	libelf-dev libssl-dev python3 python3-ply python3-git git perl
	python3-sphinx graphviz shellcheck
)
# Each architecture's compilers, C library and QEMU (arches/*.conf)
for arch in $(list_arches all); do
	# shellcheck disable=SC2207 # one package per word
	packages+=($(arch_field "$arch" cross_packages) $(arch_field "$arch" qemu_package))
done

missing=()
for p in "${packages[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
		missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
	die "missing Debian packages: ${missing[*]}
       install them as root: apt-get install ${missing[*]}"
fi
info "installing Debian packages: ${missing[*]}"
log=$(mktemp)
if ! { apt-get update -q && DEBIAN_FRONTEND=noninteractive \
	apt-get install -y -q --no-install-recommends "${missing[@]}"; } >"$log" 2>&1; then
	log_tail "$log"
	die "apt-get could not install: ${missing[*]}"
fi
rm -f "$log"
