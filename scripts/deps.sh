#!/usr/bin/env bash
# Install the Debian packages the project needs, and add to apt's lists
# the packages of the architectures whose VFIO client comes from Debian's
# packages of theirs (client.sh); as root with apt, otherwise list what is
# missing and stop.
set -euo pipefail
. "$(dirname "$0")/lib/lib.sh"

mapfile -t packages < <(project_packages)

missing=()
for p in "${packages[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
		missing+=("$p")
done
foreign=()
for a in $(for arch in $(list_arches boot); do arch_field "$arch" client_debian_arch; done | sort -u); do
	dpkg --print-foreign-architectures | grep -qx "$a" &&
		compgen -G "/var/lib/apt/lists/*_binary-${a}_Packages*" >/dev/null ||
		foreign+=("$a")
done
[ ${#missing[@]} -eq 0 ] && [ ${#foreign[@]} -eq 0 ] && exit 0

what=${missing[*]}
add=
if [ ${#foreign[@]} -gt 0 ]; then
	what+="${what:+, and }the ${foreign[*]} packages in apt's lists (the VFIO client's)"
	add="dpkg --add-architecture ${foreign[*]} && "
fi
if [ "$(id -u)" -ne 0 ]; then
	die "missing: $what
       as root: ${add}apt-get update${missing[*]:+ && apt-get install ${missing[*]}}"
fi
info "installing Debian packages: $what"
log=$(mktemp)
if ! { for a in "${foreign[@]}"; do dpkg --add-architecture "$a"; done &&
	apt-get update -q &&
	{ [ ${#missing[@]} -eq 0 ] || DEBIAN_FRONTEND=noninteractive \
		apt-get install -y -q --no-install-recommends "${missing[@]}"; }; } >"$log" 2>&1; then
	log_tail "$log"
	die "apt-get could not install: $what"
fi
rm -f "$log"
