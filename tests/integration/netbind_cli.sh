#!/bin/sh
# The netbind flags on the command line: bad values exit 2 with the
# reason and no MOSH CONNECT; the usage names them; options may come
# before "new" (mosh --server='mosh-server --iface X' puts them there).
. "$(dirname "$0")/../lib/common.sh"
S=$BUILD/mosh-server

t_bad_args "flag --allow-source: allow_sources: '100.64.0.0/33' is not ADDR/LEN" new --allow-source 100.64.0.0/33
t_bad_args "flag --allow-source: allow_sources: 'fd7a::/129' is not ADDR/LEN" new --allow-source fd7a::/129
t_bad_args "flag --allow-source: allow_sources: '100.64.1.1/10' is not ADDR/LEN" new --allow-source 100.64.1.1/10
t_bad_args "flag --allow-source: allow_sources: 'junk' is not ADDR/LEN" new --allow-source junk
t_bad_args "flag --allow-source: allow_sources: empty" new --allow-source ''
t_bad_args "flag --iface: interface: 'a/b' is not an interface name" new --iface a/b
t_bad_args "flag --iface: interface: '0123456789abcdef' is not an interface name" new --iface 0123456789abcdef
t_bad_args "bad --wait-iface 'soon'" new --wait-iface soon
t_bad_args "bad --wait-iface '-1'" new --wait-iface -1
# A trailing --allow-source without its value: `new` reports and skips
# it as mosh's getopt would (server_cli.sh); our own subcommands refuse
# it, so `config` never shows settings that were not asked for.
"$S" config --allow-source >"$T_TMP/o" 2>"$T_TMP/e" </dev/null
t_check "config --allow-source without a value: refused (exit 2), nothing printed" \
    sh -c "[ $? -eq 2 ] && grep -q \"a value is needed for '--allow-source'\" '$T_TMP/e' && [ ! -s '$T_TMP/o' ]"
MOSH_SERVER_NETWORK_TMPL='bad name' "$S" new >"$T_TMP/o" 2>"$T_TMP/e" </dev/null
t_check "a bad MOSH_SERVER_NETWORK_TMPL is refused (exit 2)" \
    sh -c "[ $? -eq 2 ] && grep -q \"env MOSH_SERVER_NETWORK_TMPL: interface: 'bad name' is not an interface name\" '$T_TMP/e'"

"$S" --help >"$T_TMP/o" 2>&1
t_check "--help names --iface, --allow-source, --wait-iface" \
    sh -c "grep -q -- '--iface NAME' '$T_TMP/o' && grep -q -- '--allow-source CIDR' '$T_TMP/o' && grep -q -- '--wait-iface S' '$T_TMP/o'"

# Options first, then "new", as the stock wrapper runs --server='... --iface lo'.
# shellcheck disable=SC2086 # OURS_LO is several words
"$S" $OURS_LO new -c 256 -- /bin/sh >"$T_TMP/o" 2>"$T_TMP/e" </dev/null
t_detached "$T_TMP/e"
t_check "options before 'new' work (mosh --server='mosh-server --iface lo')" \
    grep -q '^MOSH CONNECT [0-9]* ' "$T_TMP/o"
[ -n "$SRV_PID" ] && kill "$SRV_PID"
