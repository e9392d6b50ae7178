#!/bin/sh
# mosh: start a mosh session (tsmosh's wrapper, POSIX sh).
#
# Interface-compatible with mosh 1.4's Perl wrapper: runs `mosh-client -c`
# for the colour count, starts `mosh-server new ...` on the host through
# ssh, reads `MOSH CONNECT <port> <key>` from ssh's output and execs
# mosh-client with the key in MOSH_KEY (never on a command line).
#
# The server's address: the stock wrapper's default asks ssh to connect
# through a ProxyCommand that is the wrapper itself (`--fake-proxy`); that
# cannot be done portably in sh. The default here is the stock
# `--experimental-remote-ip=remote` mode: the remote side prints
# $SSH_CONNECTION before starting the server and we use its third field
# (the address ssh reached). `--remote-ip=local` resolves the host here.
#
# Exit status: mosh-client's (we exec it); 2 for a bad command line; 255
# when ssh itself fails (ssh's own status for connection or auth errors);
# 1 for any other failure to start the session.

set -u

VERSION='tsmosh 0.1'
ME=mosh

usage() {
	cat <<'EOF'
Usage: mosh [options] [--] [user@]host [command...]
        --client=PATH        mosh client on local machine
                                (default: $MOSH_CLIENT, else a mosh-client
                                next to this script, else "mosh-client")
        --server=COMMAND     mosh server on remote machine
                                (default: "mosh-server")

        --predict=adaptive      local echo for slower links [default]
-a      --predict=always        use local echo even on fast links
-n      --predict=never         never use local echo
        --predict=experimental  aggressively echo even when incorrect

-o      --predict-overwrite     prediction overwrites instead of inserting

-4      --family=inet        use IPv4 only
-6      --family=inet6       use IPv6 only
        --family=auto        autodetect network type for single-family hosts only
        --family=all         try all network types
        --family=prefer-inet use all network types, but try IPv4 first [default]
        --family=prefer-inet6 use all network types, but try IPv6 first
-p PORT[:PORT2]
        --port=PORT[:PORT2]  server-side UDP port or range
                                (No effect on server-side SSH port)
        --bind-server={ssh|any|IP}  ask the server to reply from an IP address
                                       (default: "ssh")

        --ssh=COMMAND        ssh command to run when setting up session
                                (example: "ssh -p 2222")
                                (default: "ssh")

        --no-ssh-pty         do not allocate a pseudo tty on ssh connection

        --no-init            do not send terminal initialization string

        --no-scrollback      keep what scrolls off the screen out of this
                             terminal's scrollback (tsmosh; as mosh does)

        --local              run mosh-server locally on 127.0.0.1 without
                             ssh (host: omitted, localhost or a local IP)

        --remote-ip=(remote|local)  how to find the server's IP address:
                             remote: the address ssh reached, as the remote
                             $SSH_CONNECTION reports it [default];
                             local: resolve the host name here
        --experimental-remote-ip=(remote|local|proxy)  the stock name of
                             --remote-ip; proxy is taken as remote

        --help               this message
        --version            version information

Options may also follow the host; use -- before a command that has options.
EOF
}

die() {	# status, message
	st=$1; shift
	printf '%s: %s\n' "$ME" "$*" >&2
	exit "$st"
}

usage_error() {
	printf '%s: %s\n' "$ME" "$*" >&2
	printf "Try '%s --help' for more information.\n" "$ME" >&2
	exit 2
}

# sq WORD: sets REPLY to WORD single-quoted for a POSIX (or csh, fish)
# shell: 'it'\''s'.
sq() {
	_s=$1 _r=
	while :; do
		case $_s in
		*\'*)
			_r="$_r${_s%%\'*}'\\''"
			_s=${_s#*\'}
			;;
		*) break ;;
		esac
	done
	REPLY="'$_r$_s'"
}

is_uint() {
	case $1 in '' | *[!0-9]*) return 1 ;; esac
	return 0
}

check_predict() {	# mode, where it came from
	case $1 in
	adaptive | always | never | experimental) ;;
	*) usage_error "unknown prediction mode \"$1\"$2 (adaptive, always, never or experimental)" ;;
	esac
}

# Port or range as the stock wrapper checks it.
check_port() {
	p=$1
	lo=${p%%:*}
	case $p in *:*) hi=${p#*:} ;; *) hi= ;; esac
	if ! is_uint "$lo" || { [ "$p" != "$lo" ] && ! is_uint "$hi"; }; then
		usage_error "server-side port or range ($p) is not valid"
	fi
	# Strip leading zeros so the arithmetic is decimal.
	lo=$(printf '%s' "$lo" | sed 's/^0*\(.\)/\1/')
	if [ "${#lo}" -gt 5 ] || [ "$lo" -gt 65535 ]; then
		usage_error "server-side (low) port ($lo) must be within valid range [0..65535]"
	fi
	[ -n "$hi" ] || return 0
	hi=$(printf '%s' "$hi" | sed 's/^0*\(.\)/\1/')
	if [ "${#hi}" -gt 5 ] || [ "$hi" -lt 1 ] || [ "$hi" -gt 65535 ]; then
		usage_error "server-side high port ($hi) must be within valid range [1..65535]"
	fi
	[ "$lo" -ne 0 ] ||
		usage_error "server-side port ranges may not be used with starting port 0 ($p)"
	[ "$lo" -le "$hi" ] ||
		usage_error "server-side port range ($p): low port greater than high port"
}

# Looks like an IP address literal (not a name)?
is_ip_literal() {
	case $1 in
	*:*) case ${1%%\%*} in *[!0-9A-Fa-f:.]*) return 1 ;; esac ;;
	*.*.*.*) case $1 in *[!0-9.]*) return 1 ;; esac ;;
	*) return 1 ;;
	esac
	return 0
}

# resolve HOST: print one address for HOST per --family (getent ahosts).
resolve() {
	command -v getent >/dev/null 2>&1 ||
		die 1 "--remote-ip=local needs getent to resolve $1"
	all=$(getent ahosts "$1" 2>/dev/null | awk '{ print $1 }' | awk '!seen[$0]++')
	[ -n "$all" ] || die 1 "could not resolve host $1"
	v4=$(printf '%s\n' "$all" | grep -v ':' | sed -n 1p)
	v6=$(printf '%s\n' "$all" | grep ':' | sed -n 1p)
	case $family in
	inet) [ -n "$v4" ] || die 1 "host $1 has no IPv4 address"; echo "$v4" ;;
	inet6) [ -n "$v6" ] || die 1 "host $1 has no IPv6 address"; echo "$v6" ;;
	prefer-inet) echo "${v4:-$v6}" ;;
	prefer-inet6) echo "${v6:-$v4}" ;;
	all) printf '%s\n' "$all" | sed -n 1p ;;
	auto)
		[ -z "$v4" ] || [ -z "$v6" ] ||
			die 1 "host $1 has both IPv4 and IPv6 addresses, use --family to specify behavior"
		echo "${v4:-$v6}"
		;;
	esac
}

# Which mosh-client: --client, $MOSH_CLIENT, one next to this script, PATH.
find_client() {
	if [ -n "$client" ]; then
		return 0
	fi
	if [ -n "${MOSH_CLIENT:-}" ]; then
		client=$MOSH_CLIENT
		return 0
	fi
	case $0 in
	*/*)
		here=${0%/*}
		if [ -f "$here/mosh-client" ] && [ -x "$here/mosh-client" ]; then
			client=$here/mosh-client
			return 0
		fi
		;;
	esac
	client=mosh-client
}

# ---- command line -----------------------------------------------------

cmdline=$*
client='' server=mosh-server predict='' overwrite=0 family=prefer-inet
port_request='' bind=ssh ssh_cmd=ssh ssh_pty=1 term_init=1 localmode=0
scrollback=1
remote_ip=remote

# The options as the stock wrapper's Getopt::Long (default configuration)
# reads them: "-" and "--" alike (-port 1, --p 1), a value after "=" or in
# the next word, names in any case and abbreviated to any unique prefix
# (--po, --no-ssh), --no-NAME and --noNAME for the negatable ones. No
# bundling there (-an is refused); -pPORT, which it refuses, we take.
# Options may come before or after the operands (operands are rotated to
# the end of "$@") unless POSIXLY_CORRECT is set; after `--` everything
# is an operand.
#
# The table: NAME (a flag), NAME! (negatable: --no-NAME), NAME=s (takes
# a value), and ALIAS>NAME. opt_set applies one.
OPT_TABLE='client=s server=s predict=s predict-overwrite! o>predict-overwrite
port=s p>port a n family=s 4 6 ssh=s ssh-pty! init! scrollback! local help version
fake-proxy! bind-server=s experimental-remote-ip=s remote-ip=s'

# The table on one line, space-delimited, for lookups by pattern.
OPT_FLAT=" $(printf '%s' "$OPT_TABLE" | tr '\n' ' ') "

# opt_lookup NAME: sets OPT (canonical name), OPT_KIND (flag, neg, value)
# and OPT_NEG (1 for a --no- form); returns 1 if unknown, 2 if ambiguous.
# An exact name wins; else a prefix of the names of one option only.
opt_lookup() {
	_want=$1 _hits=' ' _exact=
	for _e in $OPT_TABLE; do
		_name=${_e%%[=!>]*} _canon=${_e#*>}
		case $_e in *'>'*) ;; *) _canon=$_name ;; esac
		_names=$_name
		case $OPT_FLAT in *" $_canon!"*)
			_names="$_name no-$_name no$_name" ;;
		esac
		for _n in $_names; do
			case $_n in "$_want"*) ;; *) continue ;; esac
			_neg=0
			[ "$_n" = "$_name" ] || _neg=1
			[ "$_n" != "$_want" ] || _exact="$_canon/$_neg"
			case $_hits in *" $_canon/$_neg "*) ;; *)
				_hits="$_hits$_canon/$_neg " ;;
			esac
		done
	done
	if [ -z "$_exact" ]; then
		set -- $_hits
		[ $# -eq 0 ] && return 1
		[ $# -gt 1 ] && return 2
		_exact=$1
	fi
	OPT=${_exact%/*} OPT_NEG=${_exact#*/}
	case $OPT_FLAT in
	*" $OPT=s "*) OPT_KIND=value ;;
	*" $OPT! "*) OPT_KIND=neg ;;
	*) OPT_KIND=flag ;;
	esac
	return 0
}

# opt_set NAME NEG VALUE: one option, once parsed.
opt_set() {
	case $1 in
	client) client=$3 ;;
	server) server=$3 ;;
	predict) predict=$3 ;;
	a) predict=always ;;
	n) predict=never ;;
	predict-overwrite) overwrite=$((1 - $2)) ;;
	port) port_request=$3 ;;
	family) family=$(printf '%s' "$3" | tr '[:upper:]' '[:lower:]') ;;
	4) family=inet ;;
	6) family=inet6 ;;
	ssh) ssh_cmd=$3 ;;
	ssh-pty) ssh_pty=$((1 - $2)) ;;
	init) term_init=$((1 - $2)) ;;
	scrollback) scrollback=$((1 - $2)) ;;
	local) localmode=1 ;;
	bind-server) bind=$3 ;;
	remote-ip | experimental-remote-ip) remote_ip=$3 ;;
	fake-proxy)
		[ "$2" -eq 1 ] ||
			usage_error "--fake-proxy is not supported by this wrapper (see --remote-ip)"
		;;
	help) usage; exit 0 ;;
	version)
		printf 'mosh (%s) [POSIX sh wrapper, compatible with mosh 1.4]\n' "$VERSION"
		exit 0
		;;
	esac
}

n=$# in_order=${POSIXLY_CORRECT+1}
while [ "$n" -gt 0 ]; do
	arg=$1; shift; n=$((n - 1))
	case $arg in
	--)
		while [ "$n" -gt 0 ]; do
			set -- "$@" "$1"; shift; n=$((n - 1))
		done
		break
		;;
	-p[0-9]*) opt_set port 0 "${arg#-p}"; continue ;;
	--?* | -?*) ;;
	*)
		set -- "$@" "$arg"
		if [ -n "$in_order" ]; then
			while [ "$n" -gt 0 ]; do
				set -- "$@" "$1"; shift; n=$((n - 1))
			done
		fi
		continue
		;;
	esac
	word=${arg#-}; word=${word#-}
	name=${word%%=*}
	name=$(printf '%s' "$name" | tr '[:upper:]' '[:lower:]')
	opt_lookup "$name"
	case $? in
	1) usage_error "unknown option: $arg" ;;
	2) usage_error "option $arg is ambiguous" ;;
	esac
	case $word in
	*=*)
		val=${word#*=}
		[ "$OPT_KIND" = value ] ||
			usage_error "option $arg does not take an argument"
		[ -n "$val" ] || usage_error "option $arg requires an argument"
		;;
	*)
		val=
		if [ "$OPT_KIND" = value ]; then
			[ "$n" -gt 0 ] || usage_error "option $arg requires an argument"
			val=$1; shift; n=$((n - 1))
		fi
		;;
	esac
	opt_set "$OPT" "$OPT_NEG" "$val"
done

if [ -n "$predict" ]; then
	check_predict "$predict" ""
elif [ -n "${MOSH_PREDICTION_DISPLAY:-}" ]; then
	predict=$MOSH_PREDICTION_DISPLAY
	check_predict "$predict" " (MOSH_PREDICTION_DISPLAY in environment)"
else
	predict=adaptive
fi
case $family in
inet | inet6 | auto | all | prefer-inet | prefer-inet6) ;;
*) usage_error "unknown family \"$family\" (inet, inet6, auto, all, prefer-inet or prefer-inet6)" ;;
esac
case $remote_ip in
remote | proxy) remote_ip=remote ;;
local) ;;
*) usage_error "unknown --remote-ip mode \"$remote_ip\" (remote or local)" ;;
esac
[ -z "$port_request" ] || check_port "$port_request"
[ -n "$server" ] || usage_error "--server needs a command"

# Operands: [user@]host [command...]. With --local the host may be left
# out: the first operand is the host only if it is localhost or an IP.
host=
if [ "$localmode" -eq 1 ]; then
	if [ $# -gt 0 ] && { [ "$1" = localhost ] || is_ip_literal "$1"; }; then
		host=$1; shift
	fi
	case $host/$family in
	/inet6 | localhost/inet6) host=::1 ;;
	/* | localhost/*) host=127.0.0.1 ;;
	esac
else
	[ $# -gt 0 ] || usage_error "no host given"
	host=$1; shift
	case $host in -*) usage_error "bad host name: $host" ;; esac
fi

case $bind in
[Ss][Ss][Hh])
	if [ "$localmode" -eq 1 ]; then bind_args="-i $host"; else bind_args=-s; fi
	;;
[Aa][Nn][Yy]) bind_args= ;;
'' | *[!0-9A-Fa-f:.%]*) usage_error "--bind-server wants ssh, any or an IP address, not \"$bind\"" ;;
*) bind_args="-i $bind" ;;
esac

# ---- colours ------------------------------------------------------------

find_client
if ! command -v "$client" >/dev/null 2>&1; then
	die 1 "mosh-client not found (\"$client\"); use --client=PATH or MOSH_CLIENT"
fi
colors=$("$client" -c 2>/dev/null) || colors=
is_uint "$colors" || colors=0

# ---- the server command ---------------------------------------------------

# Arguments after the server command, each quoted for the remote shell.
sargs=
add() { sq "$1"; sargs="$sargs $REPLY"; }
add new
add -c; add "$colors"
# shellcheck disable=SC2086 # bind_args is zero or two words, no globs
for a in $bind_args; do add "$a"; done
if [ -n "$port_request" ]; then add -p; add "$port_request"; fi
for v in LANG LANGUAGE LC_CTYPE LC_NUMERIC LC_TIME LC_COLLATE LC_MONETARY \
    LC_MESSAGES LC_PAPER LC_NAME LC_ADDRESS LC_TELEPHONE LC_MEASUREMENT \
    LC_IDENTIFICATION LC_ALL; do
	eval "isset=\${$v+1}"
	if [ -n "$isset" ]; then
		eval "val=\$$v"
		add -l; add "$v=$val"
	fi
done
if [ $# -gt 0 ]; then
	add --
	for a in "$@"; do add "$a"; done
fi

# The remote login shell may not be a POSIX shell (the stock wrapper's
# reasoning): run the SSH_CONNECTION report through sh explicitly and keep
# the rest to words and `;`, which csh and fish read the same way.
# The server command is passed verbatim: it may carry its own arguments.
# shellcheck disable=SC2016 # expanded remotely
report='[ -n "$SSH_CONNECTION" ] && printf "\nMOSH SSH_CONNECTION %s\n" "$SSH_CONNECTION"'
sq "$report"
remote_cmd="sh -c $REPLY ; $server$sargs"

# ---- bootstrap ----------------------------------------------------------

CR=$(printf '\r')

# Reads the bootstrap's output (stdout+stderr, then a final status line we
# add), shows every other line on stderr as it comes, and prints
# "connect PORT KEY", "ip ADDR", "badip LINE", "bad LINE" and "status N"
# records on stdout.
#
# It stops at the MOSH CONNECT line, as the stock wrapper does: a server
# started with -v keeps its stderr (our pipe) open after it detaches, so
# reading to end-of-file would wait until that server gives up for want
# of a client. What it prints after the line (its banner, its log) is not
# shown, as with the stock wrapper: the client is about to take the
# terminal. Its later writes fail with EPIPE (mosh-server ignores
# SIGPIPE from MOSH CONNECT on); ssh, still waited for, may die of
# SIGPIPE, as under the stock wrapper, once the server no longer needs it.
scan() {
	while IFS= read -r line || [ -n "$line" ]; do
		while :; do
			case $line in *"$CR") line=${line%"$CR"} ;; *) break ;; esac
		done
		case $line in
		"MOSH-WRAPPER-STATUS "*)
			echo "status ${line#MOSH-WRAPPER-STATUS }"
			continue
			;;
		esac
		case $line in
		"MOSH CONNECT "*)
			rest=${line#MOSH CONNECT }
			p=${rest%% *}
			k=${rest#"$p" }
			# Trailing whitespace is allowed after the key (\s*$).
			while :; do
				case $k in *' ' | *'	') k=${k%?} ;; *) break ;; esac
			done
			if [ "$rest" != "$p" ] && is_uint "$p" && [ "${#k}" -eq 22 ]; then
				case $k in
				*[!A-Za-z0-9/+]*) ;;
				*)
					echo "connect $p $k"
					return 0
					;;
				esac
			fi
			echo "bad $line"
			return 0
			;;
		"MOSH SSH_CONNECTION "*)
			set -f
			# shellcheck disable=SC2086 # split into words on purpose
			set -- $line
			set +f
			if [ $# -eq 6 ]; then echo "ip $5"; else echo "badip $line"; fi
			;;
		'') ;;	# the blank lines around the reports
		*)
			printf '%s\n' "$line" >&2
			;;
		esac
	done
}

if [ "$localmode" -eq 1 ]; then
	ip=$host
	# The server runs from $HOME (so it holds no other directory): a
	# relative --server path is taken from here. Only the command word
	# counts: its arguments may hold slashes (--allow-source 127.0.0.0/8).
	first=${server%%[ 	]*}
	case $first in
	/*) server_run=$server ;;
	*/*) sq "$PWD/"; server_run=$REPLY$server ;;
	*) server_run=$server ;;
	esac
	result=$(
		{
			unset SSH_CONNECTION
			cd || cd /
			sh -c "$server_run$sargs" </dev/null 2>&1
			echo "MOSH-WRAPPER-STATUS $?"
		} | scan
	)
else
	ip=
	if [ "$remote_ip" = local ]; then
		case $host in
		*@*) user=${host%@*}@ hostname=${host##*@} ;;
		*) user='' hostname=$host ;;
		esac
		ip=$(resolve "$hostname") || exit 1
		host=$user$ip
	fi
	set -- -n
	[ "$ssh_pty" -eq 0 ] || set -- "$@" -tt
	if [ "$remote_ip" = remote ]; then
		case $family in
		inet) set -- "$@" -4 ;;
		inet6) set -- "$@" -6 ;;
		esac
	fi
	set -- "$@" "$host" -- "$remote_cmd"
	# --ssh is split like a shell command line, so quotes in it work.
	eval "set -- $ssh_cmd \"\$@\"" || usage_error "cannot parse --ssh=$ssh_cmd"
	result=$(
		{
			"$@" 2>&1
			echo "MOSH-WRAPPER-STATUS $?"
		} | scan
	)
fi

port='' key='' rip='' bad='' status=''
# Split the records on newlines in the shell: a here-document could go
# through a temporary file, and the key must not touch the disk.
set -f
IFS='
'
for rec in $result; do
	case $rec in
	"connect "*) rec=${rec#connect }; port=${rec%% *}; key=${rec#* } ;;
	"ip "*) [ -n "$rip" ] || rip=${rec#ip } ;;
	"badip "*) bad="bad MOSH SSH_CONNECTION string: ${rec#badip }" ;;
	"bad "*) bad="bad MOSH CONNECT string: ${rec#bad }" ;;
	"status "*) status=${rec#status } ;;
	esac
done
IFS=' 	
'
set +f
result=

if [ -z "$port" ]; then
	[ -z "$bad" ] || die 1 "$bad"
	if [ "$localmode" -eq 1 ]; then
		die 1 "the server did not start: no MOSH CONNECT line from \"$server\" (status ${status:-?}; its output is above)"
	fi
	if [ "${status:-255}" = 255 ]; then
		die 255 "ssh to $host failed (ssh exit status 255): cannot reach the host or log in (ssh's message is above)"
	fi
	die 1 "the server did not start on $host: no MOSH CONNECT line from \"$server\" (remote status ${status:-?}; its output is above). Is mosh-server installed there?"
fi

if [ -z "$ip" ]; then
	[ -z "$bad" ] || die 1 "$bad"
	[ -n "$rip" ] || die 1 "did not find the server's IP address: the remote side printed no MOSH SSH_CONNECTION line (try --remote-ip=local)"
	# An IPv4 client of a dual-stack sshd shows as ::ffff:a.b.c.d.
	case $rip in
	::[Ff][Ff][Ff][Ff]:*.*.*.*) rip=${rip#???????} ;;
	esac
	is_ip_literal "$rip" || die 1 "bad address in MOSH SSH_CONNECTION: \"$rip\""
	ip=$rip
fi

# ---- the client -----------------------------------------------------------

MOSH_KEY=$key
MOSH_PREDICTION_DISPLAY=$predict
MOSH_CLIENT_PID=$$	# as the stock wrapper: for tests and debugging
export MOSH_KEY MOSH_PREDICTION_DISPLAY MOSH_CLIENT_PID
if [ "$overwrite" -eq 1 ]; then
	MOSH_PREDICTION_OVERWRITE=yes
	export MOSH_PREDICTION_OVERWRITE
fi
if [ "$term_init" -eq 0 ]; then
	MOSH_NO_TERM_INIT=1
	export MOSH_NO_TERM_INIT
fi
if [ "$scrollback" -eq 0 ]; then
	MOSH_SCROLLBACK=no
	export MOSH_SCROLLBACK
fi
key=
# shellcheck disable=SC2093 # reached only if exec fails
exec "$client" "-# $cmdline |" "$ip" "$port"
die 1 "cannot run mosh-client \"$client\""
