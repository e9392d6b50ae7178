#!/bin/sh
# The config file (inih): system file, user file, environment, flags, in
# that order; `mosh-server config` shows each value's origin; every error
# names file, line and key, and the server does not start on one. Also:
# fail2ban accepts our filter and jail.
. "$(dirname "$0")/../lib/common.sh"
S=$TOP/$BUILD/mosh-server
mkdir -p "$T_TMP/xdg/tsmosh"
cat >"$T_TMP/sys.conf" <<'EOC'
# system
interface = lo
idle_timeout = 1h
network_timeout = 2d
[server]
log_format = json
EOC
printf 'idle_timeout = 2h\nlog_facility = local3\n' >"$T_TMP/xdg/tsmosh/tsmosh.conf"
cfg() { XDG_CONFIG_HOME="$T_TMP/xdg" "$S" config --config "$T_TMP/sys.conf" "$@"; }
val() { grep "^$1 " | sed 's/^[a-z_]* *= *//; s/ *#.*//'; }
org() { grep "^$1 " | sed 's/.*# //'; }

out=$(cfg)
t_check "system file: interface = lo (origin file:line)" \
    [ "$(echo "$out" | org interface)" = "$T_TMP/sys.conf:2" ]
t_check "a [server] section is accepted" [ "$(echo "$out" | val log_format)" = json ]
t_check "user file overrides the system file (idle_timeout 2h)" \
    [ "$(echo "$out" | val idle_timeout)" = 2h ]
t_check "keys not set anywhere are defaults" \
    [ "$(echo "$out" | org sandbox)" = default ]
out=$(MOSH_SERVER_NETWORK_TMOUT=30 MOSH_SERVER_NETWORK_TMPL=eth9 cfg)
t_check "environment overrides files (network_timeout from MOSH_SERVER_NETWORK_TMOUT)" \
    [ "$(echo "$out" | val network_timeout)" = 30 ]
t_check "environment overrides files (interface from MOSH_SERVER_NETWORK_TMPL)" \
    [ "$(echo "$out" | org interface)" = "env MOSH_SERVER_NETWORK_TMPL" ]
out=$(MOSH_SERVER_NETWORK_TMPL=eth9 cfg --iface wg0 --idle-timeout 5 -p 61000:61010 --allow-source 100.64.0.0/10 --allow-source 10.1.0.0/16)
t_check "flags override everything (--iface, --idle-timeout, -p)" \
    [ "$(echo "$out" | val interface)/$(echo "$out" | val idle_timeout)/$(echo "$out" | val port_range)" = "wg0/5/61000:61010" ]
t_check "repeated --allow-source accumulate, replacing the configured list" \
    [ "$(echo "$out" | val allow_sources)" = "100.64.0.0/10, 10.1.0.0/16" ]
t_check "each flag is named as the origin" \
    [ "$(echo "$out" | org interface)" = "flag --iface" ]
n=$(cfg | wc -l)
t_check "mosh-server config prints every key (16)" [ "$n" -eq 16 ]

bad() {	# name, file content, expected message
	printf '%b' "$2" >"$T_TMP/bad.conf"
	"$S" config --config "$T_TMP/bad.conf" >/dev/null 2>"$T_TMP/e"
	rc=$?
	if [ $rc -eq 2 ] && grep -qF -- "$3" "$T_TMP/e"; then
		t_ok "config error: $1"
	else
		echo "# rc=$rc: $(cat "$T_TMP/e")"; t_fail "config error: $1"
	fi
}
bad "unknown key names file and line" 'interface = lo\nbogus = 1\n' "$T_TMP/bad.conf:2: unknown key 'bogus'"
bad "bad value names file, line and key" '\nport_range = 7:3\n' "$T_TMP/bad.conf:2: port_range: '7:3' is not PORT or LOW:HIGH"
bad "bad CIDR" 'allow_sources = 100.64.0.0/33\n' "$T_TMP/bad.conf:1: allow_sources: '100.64.0.0/33'"
bad "bad duration" 'idle_timeout = soon\n' "idle_timeout: 'soon' is not a duration"
bad "bad choice" 'sandbox = maybe\n' "sandbox: 'maybe' is not one of strict, log, off"
bad "syntax error" 'interface lo\n' "$T_TMP/bad.conf:1: syntax error"
bad "unknown section" '[client]\nx = 1\n' "unknown section [client]"
# Half a file never takes effect: a good line before a bad one is not used.
printf 'interface = lo\nbogus = 1\n' >"$T_TMP/half.conf"
"$S" new --config "$T_TMP/half.conf" -- /bin/sh >"$T_TMP/o" 2>"$T_TMP/e" </dev/null
t_check "the server does not start on a config error (exit 2, no MOSH CONNECT)" \
    sh -c "[ $? -eq 2 ] && ! grep -q 'MOSH CONNECT' '$T_TMP/o'"
if id nobody >/dev/null 2>&1; then
	chmod 600 "$T_TMP/sys.conf"; chmod 755 "$T_TMP"
	su nobody -s /bin/sh -c "'$S' config --config '$T_TMP/sys.conf'" >/dev/null 2>"$T_TMP/e"
	t_check "an unreadable file is an error naming it" \
	    grep -q "$T_TMP/sys.conf: cannot read: Permission denied" "$T_TMP/e"
fi
t_check "the shipped etc/tsmosh.conf parses and sets every key" \
    sh -c "'$S' config --config '$TOP/etc/tsmosh.conf' | grep -c 'etc/tsmosh.conf:' | grep -qx 16"
for v in 0 17 eight 3x; do
	printf 'max_clients = %s\n' "$v" >"$T_TMP/mc.conf"
	"$S" config --config "$T_TMP/mc.conf" >/dev/null 2>"$T_TMP/mc.err"
	t_check "max_clients = $v is refused, naming the range" \
	    grep -q "mc.conf:1: max_clients: '$v' is not a number from 1 to 16" "$T_TMP/mc.err"
done

if command -v fail2ban-client >/dev/null && [ -d /etc/fail2ban ]; then
	cp -r /etc/fail2ban "$T_TMP/f2b"
	# Debian enables the sshd jail, whose log this machine lacks.
	rm -f "$T_TMP/f2b/jail.d/"*
	cp "$TOP/etc/fail2ban/filter.d/tsmosh.conf" "$T_TMP/f2b/filter.d/"
	cp "$TOP/etc/fail2ban/jail.d/tsmosh.conf" "$T_TMP/f2b/jail.d/"
	: >"$T_TMP/auth.log"
	printf '[tsmosh]\nenabled = true\nbackend = auto\nlogpath = %s\n' \
	    "$T_TMP/auth.log" >"$T_TMP/f2b/jail.d/zz-test.local"
	fail2ban-client -c "$T_TMP/f2b" -t >"$T_TMP/f2b.out" 2>&1
	rc=$?
	if [ $rc -eq 0 ] && grep -qi 'OK' "$T_TMP/f2b.out"; then
		t_ok "fail2ban-client -t accepts our filter and jail"
	else
		sed 's/^/# /' "$T_TMP/f2b.out" | tail -10
		t_fail "fail2ban-client -t accepts our filter and jail"
	fi
else
	t_skip "fail2ban-client -t: fail2ban not installed"
fi
