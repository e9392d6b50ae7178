# bash completion for mosh and mosh-server (tsmosh)      -*- shell-script -*-
#
# Installed as .../bash-completion/completions/mosh, with mosh-server a
# link to it (bash-completion loads a file by the command's name). Works
# with bash-completion's helpers when they are loaded, and without them
# (plain `complete`, host names from compgen).
#
# The words: `--opt=value` may come as one word or, when COMP_WORDBREAKS
# holds `=` (bash's default), as `--opt`, `=`, `value`; both are handled.
#
# shellcheck disable=SC2207,SC2046,SC2086 # compgen's lines (IFS is a newline
# there), the session ids (digits) and word lists are split on purpose.

# __tsmosh_words: sets cur, prev and cword from COMP_WORDS/COMP_CWORD,
# with "--opt" "=" "val" joined into prev=--opt, cur=val and a split flag.
__tsmosh_words()
{
	cword=$COMP_CWORD
	cur=${COMP_WORDS[COMP_CWORD]}
	prev=
	(( cword > 0 )) && prev=${COMP_WORDS[cword-1]}
	split=
	if [[ $cur == = && $prev == -* ]]; then
		cur='' split=1
	elif [[ $prev == = ]] && (( cword > 1 )) &&
	    [[ ${COMP_WORDS[cword-2]} == -* ]]; then
		prev=${COMP_WORDS[cword-2]} split=1
	elif [[ $cur == --*=* ]]; then
		prev=${cur%%=*} cur=${cur#*=} split=2
	fi
}

# __tsmosh_reply WORDS...: COMPREPLY from WORDS matching $cur; with a
# joined --opt=value word, each prefixed by "--opt=".
__tsmosh_reply()
{
	local IFS=$'\n' w
	COMPREPLY=()
	for w in "$@"; do
		[[ $w == "$cur"* ]] && COMPREPLY+=("$w")
	done
	if [[ $split == 2 ]]; then
		COMPREPLY=("${COMPREPLY[@]/#/$prev=}")
	fi
}

# __tsmosh_nospace: no space after the completion (an option ending in =).
__tsmosh_nospace()
{
	if [[ ${#COMPREPLY[@]} -eq 1 && ${COMPREPLY[0]} == *= ]]; then
		compopt -o nospace 2>/dev/null
	fi
}

__tsmosh_files()
{
	local IFS=$'\n'
	compopt -o filenames 2>/dev/null
	COMPREPLY=($(compgen -f -- "$cur"))
	[[ $split == 2 ]] && COMPREPLY=("${COMPREPLY[@]/#/$prev=}")
}

__tsmosh_commands()
{
	local IFS=$'\n'
	compopt -o filenames 2>/dev/null
	COMPREPLY=($(compgen -c -- "$cur"))
	[[ $split == 2 ]] && COMPREPLY=("${COMPREPLY[@]/#/$prev=}")
}

# __tsmosh_command_at N: the words from N on are a command and its
# arguments: bash-completion's _command_offset when loaded, else commands
# for the first word and file names after it.
__tsmosh_command_at()
{
	if declare -F _command_offset >/dev/null; then
		_command_offset "$1"
	elif (( cword == $1 )); then
		__tsmosh_commands
	else
		__tsmosh_files
	fi
}

_mosh()
{
	local cur prev cword split i w host_at=0 cmd_at=0 local_mode=
	__tsmosh_words

	# With --local the host may be left out: an operand is the host only
	# if it is localhost or an address (as the wrapper decides).
	for ((i = 1; i < ${#COMP_WORDS[@]}; i++)); do
		[[ ${COMP_WORDS[i]} == --local ]] && local_mode=1
		[[ ${COMP_WORDS[i]} == -- ]] && break
	done
	# Where the host and the command are: options may come before and
	# after the host; after `--` everything is an operand.
	for ((i = 1; i < cword; i++)); do
		w=${COMP_WORDS[i]}
		if [[ $w == -- ]]; then
			if (( host_at )) || [[ $local_mode ]]; then
				cmd_at=$((i + 1))
			else
				host_at=$((i + 1)); cmd_at=$((i + 2))
			fi
			break
		fi
		[[ $w == = || ${COMP_WORDS[i+1]} == = || ${COMP_WORDS[i-1]} == = ]] &&
		    continue
		case $w in
		--client | --server | --predict | --port | --family | --ssh | \
		--bind-server | --remote-ip | --experimental-remote-ip | -p)
			((i++)); continue ;;
		-*) continue ;;
		esac
		if (( host_at == 0 )) && [[ -z $local_mode || $w == localhost ||
		    ( $w == *[.:]* && $w != *[!0-9A-Fa-f.:%]* ) ]]; then
			host_at=$i
		else
			cmd_at=$i
			break
		fi
	done
	if (( cmd_at && cword >= cmd_at )); then
		__tsmosh_command_at "$cmd_at"
		return
	fi

	if [[ -z $split && $prev == -* ]] || [[ $split ]]; then
		case $prev in
		--predict)
			__tsmosh_reply adaptive always never experimental; return ;;
		--family)
			__tsmosh_reply inet inet6 auto all prefer-inet prefer-inet6
			return ;;
		--bind-server) __tsmosh_reply ssh any; return ;;
		--remote-ip) __tsmosh_reply remote local; return ;;
		--experimental-remote-ip) __tsmosh_reply remote local proxy; return ;;
		--client | --server | --ssh) __tsmosh_commands; return ;;
		--port | -p) COMPREPLY=(); return ;;
		esac
	fi
	if [[ $cur == -* ]] && (( host_at == 0 || cword > host_at )); then
		__tsmosh_reply --client= --server= --predict= --family= --port= \
		    --bind-server= --ssh= --remote-ip= --experimental-remote-ip= \
		    --no-ssh-pty --no-init --no-scrollback --local --predict-overwrite \
		    --help --version -a -n -o -4 -6 -p --
		__tsmosh_nospace
		return
	fi
	if [[ $local_mode ]] && (( host_at == 0 )); then
		__tsmosh_command_at "$cword"
		return
	fi
	if (( host_at == 0 || host_at == cword )); then
		if declare -F _known_hosts_real >/dev/null; then
			_known_hosts_real -a -- "$cur"
		else
			local IFS=$'\n' user=
			[[ $cur == *@* ]] && user=${cur%%@*}@
			COMPREPLY=($(compgen -A hostname -P "$user" -- "${cur#*@}"))
		fi
		return
	fi
	__tsmosh_command_at "$cword"
}

# The words mosh-server's new, config, doctor and firewall take.
__tsmosh_server_opts_new='-s -v -i -p -c -l --idle-timeout --iface
--allow-source --wait-iface --reattach --config --log-stderr --sandbox --'
__tsmosh_server_opts_cfg='-p --idle-timeout --iface --allow-source
--wait-iface --reattach --config --sandbox'

# The ids of this user's sessions (mosh-server list --json): each
# session's "pid" (a client's "id" is a number within its session).
__tsmosh_session_ids()
{
	"$1" list --json 2>/dev/null | grep -o '"pid":[0-9]*' | cut -d: -f2
}

# __tsmosh_client_ids CMD ID: the numbers of session ID's clients. A
# session object starts with its "pid", a client's with {"id":N,
# "read_only"; neither can appear inside a JSON string (quotes in one
# are escaped), so the two kinds of word come out in order.
__tsmosh_client_ids()
{
	"$1" list --json 2>/dev/null |
	    grep -o '"pid":[0-9]*\|{"id":[0-9]*,"read_only"' |
	    awk -F '[:,]' -v s="$2" '/^"pid"/ { p = $2; next } p == s { print $2 }'
}

_mosh_server()
{
	local cur prev cword split i sub=new ifs w
	__tsmosh_words

	if (( cword == 1 )) && [[ $cur != -* ]]; then
		__tsmosh_reply new list kill attach share kick config firewall \
		    doctor
		return
	fi
	case ${COMP_WORDS[1]} in
	new | list | kill | attach | share | kick | config | firewall | doctor)
		sub=${COMP_WORDS[1]} ;;
	esac
	# After `--`, the command the session runs.
	for ((i = 1; i < cword; i++)); do
		if [[ ${COMP_WORDS[i]} == -- ]]; then
			__tsmosh_command_at $((i + 1))
			return
		fi
	done

	case $sub in
	list) __tsmosh_reply --json; return ;;
	kill)
		if (( cword == 2 )); then
			__tsmosh_reply all --idle-over $(__tsmosh_session_ids "${COMP_WORDS[0]}")
		else
			COMPREPLY=()
		fi
		return ;;
	attach)
		(( cword == 2 )) && __tsmosh_reply $(__tsmosh_session_ids "${COMP_WORDS[0]}")
		return ;;
	share)
		# An ID and --read-only, each once, in either order.
		local ids=1 ro=--read-only
		for ((i = 2; i < cword; i++)); do
			case ${COMP_WORDS[i]} in
			--read-only) ro= ;;
			[0-9]*) ids= ;;
			esac
		done
		if [[ $ids && $cur != -* ]]; then
			__tsmosh_reply $(__tsmosh_session_ids "${COMP_WORDS[0]}") $ro
		else
			__tsmosh_reply $ro
		fi
		return ;;
	kick)
		if (( cword == 2 )); then
			__tsmosh_reply $(__tsmosh_session_ids "${COMP_WORDS[0]}")
		elif (( cword == 3 )); then
			__tsmosh_reply $(__tsmosh_client_ids "${COMP_WORDS[0]}" \
			    "${COMP_WORDS[2]}")
		else
			COMPREPLY=()
		fi
		return ;;
	firewall)
		if (( cword == 2 )); then
			__tsmosh_reply ufw ufw-app firewalld firewalld-service \
			    nftables fail2ban
			return
		fi ;;
	esac

	case $prev in
	--iface)
		ifs=$(ls /sys/class/net 2>/dev/null)
		__tsmosh_reply any $ifs; return ;;
	--allow-source) __tsmosh_reply any; return ;;
	--sandbox) __tsmosh_reply strict log off; return ;;
	--config) __tsmosh_files; return ;;
	-c) __tsmosh_reply 8 256; return ;;
	-l)
		local IFS=$'\n'
		__tsmosh_reply $(locale 2>/dev/null | sed 's/"//g')
		return ;;
	-i | -p | --idle-timeout | --wait-iface) COMPREPLY=(); return ;;
	esac
	if [[ $cur == -* ]]; then
		if [[ $sub == new ]]; then
			w=$__tsmosh_server_opts_new
			(( cword == 1 )) && w="$w --help --version"
		else
			w=$__tsmosh_server_opts_cfg
		fi
		__tsmosh_reply $w
		return
	fi
	COMPREPLY=()
}

complete -F _mosh mosh
complete -F _mosh_server mosh-server
