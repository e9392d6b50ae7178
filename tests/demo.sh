#!/bin/sh
# `make demo`: a loopback mosh session in this terminal.
#
# Server: tsmosh's mosh-server on 127.0.0.1. Client: tsmosh's mosh-client
# once it is built, else the stock mosh-client (Debian `mosh`, installed
# by make deps), else tests/tools/proto_peer -i (raw, no emulator).
# Quit with Ctrl-^ then '.', or exit the shell.
set -u
BUILD=${BUILD:-build}
export LANG=C.UTF-8 LC_ALL=C.UTF-8
if [ ! -t 0 ] || [ ! -t 1 ]; then
	echo "make demo: run it in a terminal (it opens a session there)" >&2
	exit 1
fi
server=${DEMO_SERVER:-mosh-server}
flags=
if [ -x "$BUILD/mosh-server" ]; then
	server=$BUILD/mosh-server
	# Ours listens on tailscale0 by default: loopback here (as
	# OURS_LO in tests/lib/common.sh).
	flags="--iface lo --allow-source 127.0.0.0/8"
fi
# shellcheck disable=SC2086 # $flags is several words
out=$("$server" new $flags -i 127.0.0.1 -- "${SHELL:-/bin/sh}" 2>/dev/null </dev/null)
port=$(printf '%s\n' "$out" | sed -n 's/^MOSH CONNECT \([0-9]*\) .*/\1/p')
key=$(printf '%s\n' "$out" | sed -n 's/^MOSH CONNECT [0-9]* \([A-Za-z0-9/+]*\).*/\1/p')
if [ -z "$port" ] || [ -z "$key" ]; then
	echo "make demo: $server printed no MOSH CONNECT line" >&2
	exit 1
fi
echo "tsmosh demo: $server on 127.0.0.1:$port. Quit: Ctrl-^ then ." >&2
sleep 1
if [ -x "$BUILD/mosh-client" ]; then
	MOSH_KEY=$key exec "$BUILD/mosh-client" 127.0.0.1 "$port"
fi
if command -v mosh-client >/dev/null 2>&1; then
	MOSH_KEY=$key exec mosh-client 127.0.0.1 "$port"
fi
MOSH_KEY=$key exec "$BUILD/tests/tools/proto_peer" -i 127.0.0.1 "$port"
