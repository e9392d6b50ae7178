#!/bin/sh
# Check that every package in packaging/deps.txt is installed. As root on
# Debian, install the missing ones; otherwise print the one apt-get line
# that would and fail, so a build never half-works on a bare machine.
set -eu
list=${1:-$(dirname "$0")/deps.txt}
missing=
for pkg in $(sed -e 's/#.*//' "$list"); do
	status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
	case "$status" in
	*" installed") ;;
	*) missing="$missing $pkg" ;;
	esac
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
	echo "deps: installing:$missing" >&2
	export DEBIAN_FRONTEND=noninteractive
	# A stale or absent package list makes apt-get install fail; refresh once.
	apt-get update -qq >&2 || true
	# shellcheck disable=SC2086
	apt-get install -y -qq --no-install-recommends $missing >&2
	exit 0
fi
echo "deps: missing packages:$missing" >&2
echo "deps: run as root:  apt-get install -y$missing" >&2
exit 1
