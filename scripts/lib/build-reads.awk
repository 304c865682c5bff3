# Print the paths of a kernel source tree that the .cmd files of a kbuild
# build directory (the input) name, relative to the tree, one per line:
# the sources, every header, the scripts and tables that commands ran on.
# A path is named absolute (after "abs", the tree's real path and a
# slash) anywhere in a word, or relative to the build directory (after
# "rel") at the start of a word or after "=", "," or "-I"; "a/../b" is
# folded to "b", and a path that leaves the tree is not printed.
# Usage: awk -v abs=TREE/ -v rel=TREE-FROM-BUILD-DIR/ -f build-reads.awk FILE...

# The path P without its "." and ".." parts; empty if it leaves the tree.
function fold(p,    n, i, k, part, kept, out) {
	n = split(p, part, "/")
	k = 0
	for (i = 1; i <= n; i++) {
		if (part[i] == "" || part[i] == ".")
			continue
		if (part[i] == "..") {
			if (k == 0)
				return ""
			k--
			continue
		}
		kept[++k] = part[i]
	}
	out = kept[1]
	for (i = 2; i <= k; i++)
		out = out "/" kept[i]
	return out
}

{
	for (i = 1; i <= NF; i++) {
		if ((j = index($i, abs)) > 0)
			p = substr($i, j + length(abs))
		else if ((j = index($i, rel)) > 0 && (j == 1 ||
			substr($i, j - 1, 1) ~ /[=,]/ || substr($i, j - 2, 2) == "-I"))
			p = substr($i, j + length(rel))
		else
			continue
		sub(/[)":;,]+$/, "", p)
		p = fold(p)
		if (p != "")
			print p
	}
}
