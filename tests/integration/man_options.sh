#!/bin/sh
# The man page's option list is the one the settings table makes (the
# same table --help and `mosh-server config` come from): `make man`; the
# bash completion offers those flags too.
. "$(dirname "$0")/../lib/common.sh"
S="$TOP/$BUILD/mosh-server"

"$TOP/$BUILD/tests/tools/man_options" >"$T_TMP/want"
awk 'index($0, ".\\\" END OPTIONS") == 1 { skip = 0 } skip { print }
     index($0, ".\\\" BEGIN OPTIONS") == 1 { skip = 1 }' \
    "$TOP/man/mosh-server.1" >"$T_TMP/have"
if [ -s "$T_TMP/want" ] && cmp -s "$T_TMP/want" "$T_TMP/have"; then
	t_ok "man/mosh-server.1 lists the options of the settings table"
else
	diff "$T_TMP/have" "$T_TMP/want" | sed 's/^/# /' | head -20
	t_fail "man/mosh-server.1 lists the options of the settings table (make man)"
fi

# Every flag of --help is in the man page, and the other way round.
"$S" --help 2>&1 | sed -n 's/^  \(-[-a-z]*\).*/\1/p' | sort -u >"$T_TMP/help"
sed -n 's/^\\fB\([-\\a-z]*\)\\fR.*/\1/p' "$T_TMP/have" | sed 's/\\-/-/g' |
    sort -u >"$T_TMP/man"
t_check "--help and the man page name the same flags" \
    sh -c "[ -s '$T_TMP/help' ] && cmp -s '$T_TMP/help' '$T_TMP/man'"

# The bash completion offers the same flags for `mosh-server new`.
sed -n "/^__tsmosh_server_opts_new='/,/'$/p" "$TOP/client/mosh.bash" |
    tr -d "'" | sed 's/^__tsmosh_server_opts_new=//' | tr ' ' '\n' |
    grep -v '^--$' | grep . | sort -u >"$T_TMP/comp"
t_check "the completion offers the flags --help names" \
    sh -c "[ -s '$T_TMP/comp' ] && cmp -s '$T_TMP/help' '$T_TMP/comp'"
