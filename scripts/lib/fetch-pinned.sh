#!/usr/bin/env bash
# shellcheck disable=SC2153,SC2031 # PACKAGE, VERSION, FILE, SHA256: the CONF
# Install a pinned Debian package (CONF: base.conf, distro.conf: PACKAGE,
# VERSION, FILE, SHA256) with apt, check the checksum of the FILE it ships,
# and print the version installed. If Debian no longer serves the pinned
# version, take the newest it serves and say so loudly; tree.sh then
# insists the whole series applies.
# Usage: fetch-pinned.sh CONF
set -euo pipefail
. "$(dirname "$0")/lib.sh"
conf=${1:?usage: fetch-pinned.sh CONF (base.conf, distro.conf)}
load_conf "$TOP/$conf"

installed_version() {
	dpkg-query -W -f='${Status} ${Version}' "$PACKAGE" 2>/dev/null |
		sed -n 's/^install ok installed //p'
}

apt_install() {
	local log
	log=$(mktemp)
	if ! DEBIAN_FRONTEND=noninteractive apt-get install -y -q --allow-downgrades \
		"$1" >"$log" 2>&1; then
		log_tail "$log"
		die "apt-get could not install $1"
	fi
	rm -f "$log"
}

if [ "$(installed_version)" != "$VERSION" ]; then
	[ "$(id -u)" -eq 0 ] ||
		die "$PACKAGE $VERSION is not installed; as root: apt-get install $PACKAGE=$VERSION"
	info "installing $PACKAGE $VERSION"
	apt-get update -q >/dev/null 2>&1 || die "apt-get update failed"
	if apt-cache madison "$PACKAGE" | awk '{print $3}' | grep -qxF "$VERSION"; then
		apt_install "$PACKAGE=$VERSION"
	else
		newest=$(apt-cache madison "$PACKAGE" | awk 'NR == 1 {print $3}')
		[ -n "$newest" ] || die "Debian serves no $PACKAGE at all (check /etc/apt/sources.list)"
		warn "PINNED VERSION GONE: Debian no longer serves $PACKAGE $VERSION; using $newest instead, unpinned"
		apt_install "$PACKAGE=$newest"
	fi
fi

[ -f "$FILE" ] || die "$PACKAGE is installed but $FILE is missing"
version=$(installed_version)
sum=$(sha256sum "$FILE" | cut -d' ' -f1)
if [ "$version" != "$VERSION" ]; then
	warn "UNPINNED: $PACKAGE $version, sha256 of $FILE $sum"
elif [ "$sum" != "$SHA256" ]; then
	die "checksum mismatch for $FILE ($PACKAGE $version):
       expected $SHA256
       got      $sum"
fi
echo "$version"
