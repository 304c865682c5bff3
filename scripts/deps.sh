#!/usr/bin/env bash
# Install the Debian packages the project needs; as root with apt, otherwise
# list what is missing and stop.
set -euo pipefail
. "$(dirname "$0")/lib/lib.sh"

mapfile -t packages < <(project_packages)

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
