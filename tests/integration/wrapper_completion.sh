#!/bin/sh
# bash completion for mosh and mosh-server (client/mosh.bash): the file is
# sourced into a bash without bash-completion's helpers, COMP_WORDS and
# COMP_CWORD are set as bash sets them, the function is called and
# COMPREPLY is compared with what it must hold.
. "$(dirname "$0")/../lib/common.sh"
F=$TOP/client/mosh.bash
if ! command -v bash >/dev/null; then
	t_skip "completion: bash not installed"
	exit 0
fi

# A host file for compgen -A hostname, a command on PATH, and a fake
# mosh-server that lists two sessions with their clients (for kill,
# attach, share and kick; a command holding what looks like a session or
# a client must not count).
printf '10.0.0.7 tsmosh-test-host\n10.0.0.8 tsmosh-test-other\n' >"$T_TMP/hosts"
mkdir "$T_TMP/bin"
printf '#!/bin/sh\nexit 0\n' >"$T_TMP/bin/tsmosh-fakecmd"
cat >"$T_TMP/bin/fake-server" <<'EOF'
#!/bin/sh
[ "$1 $2" = "list --json" ] &&
    echo '[{"id":4242,"pid":4242,"state":"detached","command":"sh -c \"pid\":9","clients":[{"id":1,"read_only":false,"addr":"100.64.0.2:5","heard":true,"last_contact":3},{"id":3,"read_only":true,"addr":"","heard":false,"last_contact":0}]},{"id":77,"pid":77,"state":"attached","command":"{\"id\":5,\"read_only\"","clients":[{"id":2,"read_only":false,"addr":"[fd7a::1]:7","heard":true,"last_contact":3}]}]'
EOF
chmod +x "$T_TMP/bin/tsmosh-fakecmd" "$T_TMP/bin/fake-server"

# comp FUNCTION WORD...: COMPREPLY, sorted, one per line, for the words
# (the last is the one being completed).
cat >"$T_TMP/comp.bash" <<'EOF'
. "$1"; shift
fn=$1; shift
COMP_WORDS=("$@")
COMP_CWORD=$(( $# - 1 ))
COMP_LINE="$*" COMP_POINT=${#COMP_LINE}
COMPREPLY=()
"$fn" "${COMP_WORDS[0]}" "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
printf '%s\n' "${COMPREPLY[@]}" | sort
EOF
comp() {
	HOSTFILE=$T_TMP/hosts PATH=$T_TMP/bin:$PATH \
	    bash --norc --noprofile "$T_TMP/comp.bash" "$F" "$@" 2>"$T_TMP/err"
}
# expect NAME WANT FUNCTION WORD...: COMPREPLY is exactly WANT (words
# separated by spaces, in sorted order).
expect() {
	name=$1 want=$2; shift 2
	got=$(comp "$@" | tr '\n' ' ' | sed 's/ $//')
	if [ "$got" = "$want" ] && [ ! -s "$T_TMP/err" ]; then
		t_ok "$name"
	else
		sed 's/^/# stderr: /' "$T_TMP/err"
		t_fail "$name (got '$got', want '$want')"
	fi
}
# has NAME WORD FUNCTION WORD...: COMPREPLY holds WORD.
has() {
	name=$1 want=$2; shift 2
	if comp "$@" | grep -qxF -- "$want" && [ ! -s "$T_TMP/err" ]; then
		t_ok "$name"
	else
		sed 's/^/# stderr: /' "$T_TMP/err"
		t_fail "$name (no '$want' in: $(comp "$@" | tr '\n' ' '))"
	fi
}

t_check "the file parses (bash -n)" bash -n "$F"
t_check "it registers completions for mosh and mosh-server" \
    sh -c 'bash --norc --noprofile -c ". \"\$1\"; complete -p mosh mosh-server" - "$1" |
	grep -c "^complete -F _mosh" | grep -qx 2' - "$F"

# mosh: options, their values (as one word and as bash splits them at
# '='), hosts, and the command after the host.
expect "mosh --pr: --predict= and --predict-overwrite" \
    "--predict-overwrite --predict=" _mosh mosh --pr
expect "mosh --predict=al (one word)" "--predict=always" _mosh mosh --predict=al
expect "mosh --predict = al (split at '=')" "always" _mosh mosh --predict = al
expect "mosh --family <TAB>: the six families" \
    "all auto inet inet6 prefer-inet prefer-inet6" _mosh mosh --family ''
expect "mosh --remote-ip=<TAB> (split)" "local remote" _mosh mosh --remote-ip = ''
expect "mosh --bind-server <TAB>" "any ssh" _mosh mosh --bind-server ''
expect "mosh -p <TAB>: nothing to offer" "" _mosh mosh -p ''
has "mosh -<TAB> offers --local" --local _mosh mosh -
has "mosh -<TAB> offers --no-ssh-pty" --no-ssh-pty _mosh mosh -
expect "mosh tsmosh-test-h: the host from the host file" \
    "tsmosh-test-host" _mosh mosh tsmosh-test-h
expect "mosh -4 me@tsmosh-test-o: user@host" \
    "me@tsmosh-test-other" _mosh mosh -4 me@tsmosh-test-o
expect "mosh --ssh 'ssh -p 2' tsmosh-test-h: an option's value is not the host" \
    "tsmosh-test-host" _mosh mosh --ssh 'ssh -p 2' tsmosh-test-h
has "mosh host tsmosh-fake: the command after the host" \
    tsmosh-fakecmd _mosh mosh host tsmosh-fake
has "mosh host --predict=never tsmosh-fake: options may follow the host" \
    tsmosh-fakecmd _mosh mosh host --predict=never tsmosh-fake
has "mosh host -<TAB>: wrapper options after the host" --no-init _mosh mosh host -
has "mosh --local -- tsmosh-fake: after -- the command" \
    tsmosh-fakecmd _mosh mosh --local -- tsmosh-fake

# Every option Debian's mosh completion offers, ours offers too.
deb=/usr/share/bash-completion/completions/mosh
if [ -f "$deb" ] && grep -q '^_mosh' "$deb"; then
	missing=
	comp _mosh mosh -- >"$T_TMP/ours"
	comp _mosh mosh - >>"$T_TMP/ours"
	for o in $(sed -n '/local flags=/,/"$/p' "$deb" | tr -d '"' | sed 's/.*flags=//'); do
		grep -qxF -- "$o" "$T_TMP/ours" || missing="$missing $o"
	done
	if [ -z "$missing" ] && [ -s "$T_TMP/ours" ]; then
		t_ok "every long option of Debian's mosh completion is offered"
	else
		t_fail "every long option of Debian's mosh completion is offered (missing:$missing)"
	fi
else
	t_skip "Debian's mosh completion: $deb not installed (or not the stock one)"
fi

# mosh-server: subcommands, their options and values.
expect "mosh-server <TAB>: the subcommands" \
    "attach config doctor firewall kick kill list new share" _mosh_server \
    mosh-server ''
has "mosh-server -<TAB>: options before new, and --help" \
    --help _mosh_server mosh-server -
expect "mosh-server new --sa" "--sandbox" _mosh_server mosh-server new --sa
expect "mosh-server new --sandbox <TAB>" "log off strict" \
    _mosh_server mosh-server new --sandbox ''
has "mosh-server new --iface <TAB>: interfaces (lo)" lo \
    _mosh_server mosh-server new --iface ''
has "mosh-server new --iface <TAB>: any" any \
    _mosh_server mosh-server new --iface ''
has "mosh-server new -v -- tsmosh-fake: the session's command" \
    tsmosh-fakecmd _mosh_server mosh-server new -v -- tsmosh-fake
expect "mosh-server firewall <TAB>: the backends" \
    "fail2ban firewalld firewalld-service nftables ufw ufw-app" \
    _mosh_server mosh-server firewall ''
has "mosh-server firewall ufw --<TAB>: config options" \
    --allow-source _mosh_server mosh-server firewall ufw --
expect "mosh-server doctor --if" "--iface" _mosh_server mosh-server doctor --if
expect "mosh-server list <TAB>" "--json" _mosh_server mosh-server list ''
expect "mosh-server kill <TAB>: all, --idle-over and the session ids" \
    "--idle-over 4242 77 all" _mosh_server fake-server kill ''
expect "mosh-server attach 4<TAB>: a session id" \
    "4242" _mosh_server fake-server attach 4
expect "mosh-server share <TAB>: the session ids and --read-only" \
    "--read-only 4242 77" _mosh_server fake-server share ''
expect "mosh-server share 77 <TAB>: --read-only only" \
    "--read-only" _mosh_server fake-server share 77 ''
expect "mosh-server share --read-only <TAB>: the session ids only" \
    "4242 77" _mosh_server fake-server share --read-only ''
expect "mosh-server kick <TAB>: the session ids" \
    "4242 77" _mosh_server fake-server kick ''
expect "mosh-server kick 4242 <TAB>: that session's clients" \
    "1 3" _mosh_server fake-server kick 4242 ''
expect "mosh-server kick 77 <TAB>: that session's clients" \
    "2" _mosh_server fake-server kick 77 ''
expect "mosh-server kick 77 2 <TAB>: nothing more" \
    "" _mosh_server fake-server kick 77 2 ''
has "mosh --local tsmosh-fake: with --local the host may be left out" \
    tsmosh-fakecmd _mosh mosh --local tsmosh-fake
has "mosh --local 127.0.0.1 tsmosh-fake: an address is the host" \
    tsmosh-fakecmd _mosh mosh --local 127.0.0.1 tsmosh-fake
expect "mosh --local sh tsmosh-fake: sh is the command, this its argument" \
    "" _mosh mosh --local sh tsmosh-fake
