#!/bin/sh
# mosh-server doctor in a network namespace with a fake tailscale0: all
# OK (fail2ban may WARN: no jail runs here) when it is up; FAIL naming it
# when down or absent; WARN when nftables in the namespace drops the
# port range, OK again with our own tsmosh.nft loaded.
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/../lib/netns.sh"
S=$TOP/$BUILD/mosh-server
export XDG_CONFIG_HOME="$T_TMP/noxdg"
unset MOSH_UDP_PORT MOSH_SERVER_NETWORK_TMPL

ns_skip_unless ns_create
ns_skip_unless ns_add_tailscale
doc() { ip netns exec "$NS_S" "$S" doctor --config "$TOP/etc/tsmosh.conf" "$@" \
    >"$T_TMP/doc.out" 2>&1; echo $? >"$T_TMP/doc.rc"; }
show() { sed 's/^/# /' "$T_TMP/doc.out"; }
rc() { cat "$T_TMP/doc.rc"; }
line() { grep "^[A-Z]* *$1:" "$T_TMP/doc.out"; }

doc
n=$(grep -c '^\(OK\|WARN\|FAIL\) ' "$T_TMP/doc.out")
bad=$(grep -v '^OK ' "$T_TMP/doc.out" | grep -v '^WARN fail2ban:')
if [ "$(rc)" -eq 0 ] && [ -z "$bad" ] && [ "$n" -eq 7 ]; then
	t_ok "tailscale0 up: every check OK (fail2ban may WARN), exit 0"
else
	show; t_fail "tailscale0 up: every check OK (fail2ban may WARN), exit 0"
fi
t_check "the interface line names its tailnet address" \
    sh -c 'grep -q "^OK   interface: tailscale0 is up with address \(100.100.0.1\|fd7a:115c:a1e0::1\) inside" "$1"' - "$T_TMP/doc.out"

ip -n "$NS_S" link set tailscale0 down
doc
if [ "$(rc)" -eq 1 ] && line interface | grep -q '^FAIL .*tailscale0 is down'; then
	t_ok "tailscale0 down: FAIL naming it, exit 1"
else
	show; t_fail "tailscale0 down: FAIL naming it, exit 1"
fi
ip -n "$NS_S" link set tailscale0 up

doc --iface ts9
if [ "$(rc)" -eq 1 ] && line interface | grep -q '^FAIL .*ts9: no such interface'; then
	t_ok "absent interface: FAIL naming it, exit 1"
else
	show; t_fail "absent interface: FAIL naming it, exit 1"
fi

if ! command -v nft >/dev/null; then
	t_skip "doctor and nftables: nft not installed"
	exit 0
fi
cat >"$T_TMP/drop.nft" <<'EOC'
table inet filter {
	chain input {
		type filter hook input priority filter; policy accept;
		iifname "tailscale0" udp dport 60000-61000 drop
	}
}
EOC
ip netns exec "$NS_S" nft -f "$T_TMP/drop.nft"
doc
if [ "$(rc)" -eq 0 ] && line firewall | grep -q '^WARN .*drops udp 60001:60999 on tailscale0'; then
	t_ok "nftables drops the range on tailscale0: WARN"
else
	show; t_fail "nftables drops the range on tailscale0: WARN"
fi
doc -p 50000:50010
t_check "the same rule outside the configured range: OK" \
    sh -c 'grep -q "^OK   firewall:" "$1"' - "$T_TMP/doc.out"

cat >"$T_TMP/policy.nft" <<'EOC'
flush ruleset
table inet filter {
	chain input {
		type filter hook input priority filter; policy drop;
		ct state established,related accept
		iifname "lo" accept
	}
}
EOC
ip netns exec "$NS_S" nft -f "$T_TMP/policy.nft"
doc
t_check "policy drop without an accept for the range: WARN" \
    sh -c 'grep -q "^WARN firewall: .*policy drop" "$1"' - "$T_TMP/doc.out"
ip netns exec "$NS_S" nft flush ruleset
ip netns exec "$NS_S" nft -f "$TOP/$BUILD/etc/nftables/tsmosh.nft"
doc
t_check "our own tsmosh.nft (accept, then drop the rest): OK" \
    sh -c 'grep -q "^OK   firewall:" "$1"' - "$T_TMP/doc.out"

# Ports: a session holds the only port of a 1-port range: FAIL.
doc -p 60001
t_check "one free port in a 1-port range: OK" \
    sh -c 'grep -q "^OK   ports: 1 of 1" "$1"' - "$T_TMP/doc.out"
if ns_start_server "$NS_S" -p 60001 -- /bin/sh; then
	doc -p 60001
	if [ "$(rc)" -eq 1 ] && line ports | grep -q '^FAIL .*60001:60001'; then
		t_ok "the range's only port in use: FAIL, exit 1"
	else
		show; t_fail "the range's only port in use: FAIL, exit 1"
	fi
	kill "$SRV_PID"
else
	cat "$T_TMP/srv.err"; t_fail "a server in the namespace starts"
fi
