#!/usr/bin/env bash
# Install the Debian packages the project needs; as root with apt, otherwise
# list what is missing and stop.
set -euo pipefail
. "$(dirname "$0")/lib/lib.sh"

mapfile -t packages < <(project_packages)

# The VFIO clients of the architectures the host does not run come from
# Debian's packages of theirs (client.sh): apt must list them.
for foreign in $(for arch in $(list_arches boot); do arch_field "$arch" client_debian_arch; done | sort -u); do
	dpkg --print-foreign-architectures | grep -qx "$foreign" && continue
	[ "$(id -u)" -eq 0 ] ||
		die "apt lists no $foreign packages, which the $foreign VFIO client comes from
       as root: dpkg --add-architecture $foreign && apt-get update"
	info "adding Debian's $foreign packages to apt's lists (for the VFIO client)"
	log=$(mktemp)
	if ! { dpkg --add-architecture "$foreign" && apt-get update -q; } >"$log" 2>&1; then
		log_tail "$log"
		die "could not add the $foreign packages to apt's lists"
	fi
	rm -f "$log"
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
