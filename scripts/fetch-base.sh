#!/usr/bin/env bash
# Install the pinned base (base.conf) with apt and check its checksum.
# If Debian no longer serves the pinned version, take the newest 6.1 it
# serves and say so loudly; make-tree.sh then insists the whole series applies.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
load_conf "$TOP/base.conf"

installed_version() {
	dpkg-query -W -f='${Status} ${Version}' "$BASE_PACKAGE" 2>/dev/null |
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

if [ "$(installed_version)" != "$BASE_VERSION" ]; then
	[ "$(id -u)" -eq 0 ] ||
		die "$BASE_PACKAGE $BASE_VERSION is not installed; as root: apt-get install $BASE_PACKAGE=$BASE_VERSION"
	info "installing $BASE_PACKAGE $BASE_VERSION"
	apt-get update -q >/dev/null 2>&1 || die "apt-get update failed"
	if apt-cache madison "$BASE_PACKAGE" | awk '{print $3}' | grep -qxF "$BASE_VERSION"; then
		apt_install "$BASE_PACKAGE=$BASE_VERSION"
	else
		newest=$(apt-cache madison "$BASE_PACKAGE" | awk 'NR == 1 {print $3}')
		[ -n "$newest" ] || die "Debian serves no $BASE_PACKAGE at all (check /etc/apt/sources.list)"
		warn "BASE VERSION GONE: Debian no longer serves $BASE_PACKAGE $BASE_VERSION; using $newest instead, unpinned"
		apt_install "$BASE_PACKAGE=$newest"
	fi
fi

[ -f "$BASE_TARBALL" ] || die "$BASE_PACKAGE is installed but $BASE_TARBALL is missing"
version=$(installed_version)
sum=$(sha256sum "$BASE_TARBALL" | cut -d' ' -f1)
if [ "$version" != "$BASE_VERSION" ]; then
	warn "UNPINNED BASE: $BASE_PACKAGE $version, sha256 $sum"
elif [ "$sum" != "$BASE_SHA256" ]; then
	die "checksum mismatch for $BASE_TARBALL ($BASE_PACKAGE $version):
       expected $BASE_SHA256
       got      $sum"
fi
echo "$version"
