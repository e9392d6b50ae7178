#!/bin/sh
# mosh-server firewall: rules from the effective config, checked by the
# real tools without touching this machine's firewall: ufw --dry-run and
# firewall-offline-cmd on private copies of /etc/ufw and /etc/firewalld
# (a mount namespace), nft -c in a network namespace of its own.
. "$(dirname "$0")/../lib/common.sh"
S=$TOP/$BUILD/mosh-server
export XDG_CONFIG_HOME="$T_TMP/noxdg"
unset MOSH_UDP_PORT MOSH_SERVER_NETWORK_TMPL
fw() { "$S" firewall "$@"; }

# The committed copies under etc/ are what the build makes.
for f in ufw/applications.d/tsmosh firewalld/services/tsmosh.xml \
    nftables/tsmosh.nft fail2ban/jail.d/tsmosh.conf; do
	t_check "etc/$f is what the build generates (make snippets)" \
	    cmp -s "$TOP/etc/$f" "$TOP/$BUILD/etc/$f"
done

out=$(fw nftables --config "$TOP/etc/tsmosh.conf")
t_check "nftables: interface, sources and range from the config" \
    sh -c 'echo "$1" | grep -q "iifname \"tailscale0\" ip saddr @sources4 udp dport 60001-60999 accept" &&
	echo "$1" | grep -q "elements = { fd7a:115c:a1e0::/48 }"' - "$out"
out=$(fw ufw --config "$TOP/etc/tsmosh.conf" --iface any --allow-source any)
t_check "interface any, allow_sources any: no interface or source match" \
    [ "$(echo "$out" | grep '^ufw')" = "ufw allow proto udp from any to any port 60001:60999 comment 'tsmosh'" ]
fw bogus >/dev/null 2>&1
t_check "an unknown backend is a usage error (2)" [ $? -eq 2 ]

# A config with another range and interface: all outputs follow it.
cat >"$T_TMP/alt.conf" <<'EOC'
interface = wg7
allow_sources = 10.9.0.0/16
port_range = 61000:61010
EOC
for b in ufw ufw-app firewalld firewalld-service nftables fail2ban; do
	a=$(fw $b --config "$TOP/etc/tsmosh.conf")
	z=$(fw $b --config "$T_TMP/alt.conf")
	t_check "$b: changing port_range changes the output" \
	    sh -c 'echo "$1" | grep -Eq "61000[-:]61010" &&
		! echo "$1" | grep -Eq "60001[-:]60999" &&
		echo "$2" | grep -Eq "60001[-:]60999"' - "$z" "$a"
done

if [ "$(id -u)" -ne 0 ] || ! command -v unshare >/dev/null; then
	t_skip "firewall tools: need root and unshare"
	exit 0
fi

# nft -c in a private network namespace; then really load it there,
# twice (the file replaces its own table).
for c in "$TOP/etc/tsmosh.conf" "$T_TMP/alt.conf"; do
	fw nftables --config "$c" >"$T_TMP/t.nft"
	if ! command -v nft >/dev/null; then t_skip "nft: not installed"; break; fi
	t_check "nft -c -f accepts the ruleset ($(basename "$c"))" \
	    unshare -n nft -c -f "$T_TMP/t.nft"
	t_check "the ruleset loads twice in a namespace ($(basename "$c"))" \
	    unshare -n sh -c "nft -f '$T_TMP/t.nft' && nft -f '$T_TMP/t.nft' &&
		[ \$(nft list ruleset | grep -c 'table inet tsmosh') -eq 1 ]"
done

# ufw: every printed command through --dry-run, on a copy of /etc/ufw.
if command -v ufw >/dev/null; then
	for c in "$TOP/etc/tsmosh.conf" "$T_TMP/alt.conf"; do
		rm -rf "$T_TMP/ufw"; cp -a /etc/ufw "$T_TMP/ufw"
		fw ufw-app --config "$c" >"$T_TMP/ufw/applications.d/tsmosh"
		fw ufw --config "$c" | grep '^ufw ' >"$T_TMP/ufw.cmds"
		unshare -m -n sh -c "mount --make-rprivate / &&
		    mount --bind '$T_TMP/ufw' /etc/ufw &&
		    while read -r l; do
			eval \"ufw --dry-run \${l#ufw }\" || echo FAILED: \$l
		    done <'$T_TMP/ufw.cmds'
		    ufw app info tsmosh" >"$T_TMP/ufw.out" 2>&1
		n=$(grep -c '^-A ufw6*-user-input .*-p udp .*--dports' "$T_TMP/ufw.out")
		if ! grep -q FAILED "$T_TMP/ufw.out" &&
		    [ "$n" -eq "$(wc -l <"$T_TMP/ufw.cmds")" ]; then
			t_ok "ufw --dry-run accepts every command ($(basename "$c"))"
		else
			sed 's/^/# /' "$T_TMP/ufw.out"
			t_fail "ufw --dry-run accepts every command ($(basename "$c"))"
		fi
		p=$(fw ufw-app --config "$c" | sed -n 's/^ports=//p')
		t_check "ufw app info reads the profile ($p)" \
		    grep -q "^  $p\$" "$T_TMP/ufw.out"
	done
	# The "mosh" profile the package ships in place of Debian's mosh
	# package's: `ufw allow mosh` opens the same ports with either.
	allow_mosh() {	# profile file: the rules `ufw --dry-run allow mosh` adds
		rm -rf "$T_TMP/ufw"; cp -a /etc/ufw "$T_TMP/ufw"
		rm -f "$T_TMP/ufw/applications.d/mosh"
		cp "$1" "$T_TMP/ufw/applications.d/mosh"
		unshare -m -n sh -c "mount --make-rprivate / &&
		    mount --bind '$T_TMP/ufw' /etc/ufw &&
		    ufw app info mosh && ufw --dry-run allow mosh" 2>&1 |
		    grep -e '^  [0-9]' -e '^-A ufw6*-user-input'
	}
	ours=$(allow_mosh "$TOP/etc/ufw/applications.d/mosh")
	printf '[mosh]\ntitle=Mosh\ndescription=Debian mosh\nports=60000:61000/udp\n' \
	    >"$T_TMP/debian-mosh"
	theirs=$(allow_mosh "$T_TMP/debian-mosh")
	if [ -n "$ours" ] && [ "$ours" = "$theirs" ] &&
	    echo "$ours" | grep -q '^  60000:61000/udp$'; then
		t_ok "etc/ufw/applications.d/mosh: ufw allow mosh opens what Debian's profile opens"
	else
		echo "$ours" | sed 's/^/# ours: /'; echo "$theirs" | sed 's/^/# debian: /'
		t_fail "etc/ufw/applications.d/mosh: ufw allow mosh opens what Debian's profile opens"
	fi
else
	t_skip "ufw: not installed"
fi

# firewalld: the service and the commands, offline, on a copy.
if command -v firewall-offline-cmd >/dev/null; then
	for c in "$TOP/etc/tsmosh.conf" "$T_TMP/alt.conf"; do
		rm -rf "$T_TMP/fwd"; cp -a /etc/firewalld "$T_TMP/fwd"
		fw firewalld-service --config "$c" >"$T_TMP/tsmosh.xml"
		fw firewalld --config "$c" | sed -n 's/^firewall-cmd --permanent //p' \
		    >"$T_TMP/fwd.cmds"
		unshare -m -n sh -c "mount --make-rprivate / &&
		    mount --bind '$T_TMP/fwd' /etc/firewalld &&
		    firewall-offline-cmd --new-service-from-file='$T_TMP/tsmosh.xml' \
			--name=tsmosh || echo FAILED: service
		    firewall-offline-cmd --info-service=tsmosh
		    while read -r l; do
			eval \"firewall-offline-cmd \$l\" || echo FAILED: \$l
		    done <'$T_TMP/fwd.cmds'" >"$T_TMP/fwd.out" 2>&1
		p=$(grep -o 'port="[0-9-]*"' "$T_TMP/tsmosh.xml" | tr -dc '0-9-')
		iface=$(sed -n 's/^interface = //p' "$c")
		if ! grep -q FAILED "$T_TMP/fwd.out" &&
		    grep -q "ports: $p/udp" "$T_TMP/fwd.out" &&
		    grep -q "<interface name=\"$iface\"/>" "$T_TMP/fwd/zones/tsmosh.xml" &&
		    grep -q '<service name="tsmosh"/>' "$T_TMP/fwd/zones/tsmosh.xml"; then
			t_ok "firewall-offline-cmd accepts service and commands ($(basename "$c"))"
		else
			sed 's/^/# /' "$T_TMP/fwd.out"
			t_fail "firewall-offline-cmd accepts service and commands ($(basename "$c"))"
		fi
	done
	# The rule mosh guides copy: rich rules have no interface attribute.
	unshare -m sh -c "mount --make-rprivate / &&
	    mount --bind '$T_TMP/fwd' /etc/firewalld &&
	    firewall-offline-cmd --zone=public --add-rich-rule='rule \
		family=ipv4 source address=100.64.0.0/10 interface=tailscale0 \
		service name=tsmosh accept'" >"$T_TMP/bad.out" 2>&1
	t_check "firewalld refuses a rich rule with interface= (why a zone)" \
	    grep -q "INVALID_RULE" "$T_TMP/bad.out"
else
	t_skip "firewall-offline-cmd: not installed"
fi
