#!/usr/bin/env bash
# shellcheck disable=SC2154 # client_*, multiarch: arches/*.conf
# Collect the VFIO client that the guests of ARCH run: Debian's own QEMU
# for ARCH, the modules and firmware it loads (client_files), the shared
# libraries all of these need and their loader, copied at the paths
# they are looked up at into client-ARCH/root, and listed for
# gen_init_cpio in client-ARCH/initramfs.list; the package and its
# version go into client-ARCH/version. The files come from the host where
# it runs ARCH, else (client_debian_arch) from Debian's packages of ARCH,
# downloaded and unpacked into client-ARCH/packages, not installed.
# Usage: client.sh ARCH
set -euo pipefail
. "$(dirname "$0")/lib/lib.sh"
arch=${1:?usage: client.sh ARCH}
load_conf "$TOP/arches/$arch.conf"
[ -n "${client_qemu:-}" ] || die "arches/$arch.conf names no client_qemu"

out=$BUILD/client-$arch
root=$out/root
# Where the files come from: "" is the host's own root.
src=
rm -rf "$out"
mkdir -p "$root"

# Download client_package of client_debian_arch and every package of that
# architecture it depends on, and unpack them into $src.
unpack_foreign() {
	local packages deb log=$out/download.log
	dpkg --print-foreign-architectures | grep -qx "$client_debian_arch" ||
		die "$arch client: apt has no $client_debian_arch packages: run 'make deps' as root"
	mapfile -t packages < <(apt-cache depends --recurse --no-recommends --no-suggests \
		--no-conflicts --no-breaks --no-replaces --no-enhances "$client_package" 2>/dev/null |
		grep -E "^[a-z0-9][^ ]*:$client_debian_arch\$" | sort -u)
	[ ${#packages[@]} -gt 0 ] || die "$arch client: apt knows no package $client_package"
	mkdir -p "$out/debs" "$src"
	if ! (cd "$out/debs" && apt-get download "${packages[@]}") >"$log" 2>&1; then
		log_tail "$log"
		die "$arch client: apt-get download failed (log: $log)"
	fi
	for deb in "$out"/debs/*.deb; do
		dpkg-deb -x "$deb" "$src"
	done
}

# Print PATH with its symlinks followed inside $src: the absolute links
# of unpacked packages point into it, not into the host.
resolve() {
	local path=$1 target n=0
	while [ -L "$src$path" ]; do
		target=$(readlink "$src$path")
		case $target in
		/*) path=$target ;;
		*) path=${path%/*}/$target ;;
		esac
		n=$((n + 1))
		[ "$n" -le 40 ] || die "$arch client: too many symlinks from $1"
	done
	echo "$path"
}

# Copy PATH into the client's root, the file its symlinks lead to.
copy() {
	local real
	real=$(resolve "$1")
	[ -f "$src$real" ] || die "$arch client: $1 is missing (package $client_package)"
	mkdir -p "$root${1%/*}"
	cp "$src$real" "$root$1"
}

# The path of shared library NAME, as the loader would find it.
find_library() {
	local dir
	for dir in /lib/$multiarch /usr/lib/$multiarch /lib /usr/lib; do
		if [ -e "$src$dir/$1" ]; then
			echo "$dir/$1"
			return
		fi
	done
	die "$arch client: no shared library $1 in /lib/$multiarch or /usr/lib/$multiarch"
}

# Copy what ELF file PATH (in the client's root) needs: its loader and its
# libraries, and theirs.
copy_needs() {
	local interp lib path
	interp=$(readelf -l "$root$1" | sed -n 's/.*interpreter: \(.*\)\]$/\1/p')
	[ -z "$interp" ] || [ -e "$root$interp" ] || copy "$interp"
	for lib in $(readelf -d "$root$1" | sed -n 's/.*(NEEDED).*\[\(.*\)\]$/\1/p'); do
		path=$(find_library "$lib")
		[ -e "$root$path" ] && continue
		copy "$path"
		copy_needs "$path"
	done
}

if [ -n "${client_debian_arch:-}" ]; then
	src=$out/packages
	unpack_foreign
	version=$(dpkg-deb -f "$out/debs/${client_package%%:*}"_*.deb Version)
else
	version=$(dpkg-query -W -f='${Version}' "$client_package")
fi
for file in "$client_qemu" $client_files; do
	copy "$file"
	! readelf -h "$root$file" >/dev/null 2>&1 || copy_needs "$file"
done
# Every program and library is built for QEMU's machine: a symlink that
# led out of the unpacked packages into the host would show here.
machine=$(readelf -h "$root$client_qemu" | sed -n 's/^ *Machine: *//p')
while read -r file; do
	other=$(readelf -h "$file" | sed -n 's/^ *Machine: *//p')
	[ "$other" = "$machine" ] ||
		die "$arch client: ${file#"$root"} is built for $other, QEMU for $machine"
done < <(find "$root" -type f -exec sh -c 'readelf -h "$1" >/dev/null 2>&1 && echo "$1"' sh {} \;)
echo "Debian $client_package $version" >"$out/version"

(cd "$root" && find . -mindepth 1 -type d -printf 'dir /%P 0755 0 0\n' | sort &&
	find . -type f -printf 'file /%P %p 0755 0 0\n' | sort) |
	sed "s| \./| $root/|" >"$out/initramfs.list"
info "$arch client: $(cat "$out/version"), $(du -sh "$root" | cut -f1)B in $(grep -c '^file ' "$out/initramfs.list") files"
