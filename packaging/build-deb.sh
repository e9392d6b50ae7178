#!/bin/sh
# build-deb.sh OUTDIR: build the tsmosh .deb from a clean copy of the
# tree (no build output, no .git) with packaging/debian as debian/, and
# check it with lintian (errors fail the build). The .deb lands in OUTDIR.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
out=$1
mkdir -p "$out"
out=$(cd "$out" && pwd)
ver=$(sed -n '1s/.*(\(.*\)).*/\1/p' "$top/packaging/debian/changelog")
src=$out/tsmosh-$ver
rm -rf "$src" "$out"/tsmosh_* "$out"/tsmosh-dbgsym_*
mkdir -p "$src"
(cd "$top" && tar -cf - --exclude=./build --exclude=./build-san \
    --exclude=./build-fuzz --exclude=./.git --exclude=./debian .) |
    (cd "$src" && tar -xf -)
cp -R "$top/packaging/debian" "$src/debian"
(cd "$src" && dpkg-buildpackage -us -uc -b) >"$out/build.log" 2>&1 || {
	tail -n 40 "$out/build.log" >&2
	echo "build-deb: dpkg-buildpackage failed (log: $out/build.log)" >&2
	exit 1
}
deb=$(ls "$out"/tsmosh_"$ver"_*.deb)
echo "build-deb: $deb"
if command -v lintian >/dev/null; then
	lintian --allow-root "$deb" >"$out/lintian.log" 2>&1 || true
	cat "$out/lintian.log"
	if grep -q '^E: ' "$out/lintian.log"; then
		echo "build-deb: lintian errors" >&2
		exit 1
	fi
fi
