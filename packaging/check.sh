#!/bin/sh
# check.sh OUTDIR: make package-check. Prints "ok - X", "not ok - X",
# "skip - X: why" lines and a summary line, as tests/run does.
#  - the .deb builds from a clean copy of the tree, lintian finds no error;
#  - make install, the rpm spec (rpmbuild, if installed) and the PKGBUILD
#    (its package() run by bash) install the .deb's files;
#  - as root: dpkg -i replaces the stock mosh, the installed mosh-server
#    serves the stock mosh-client (from the cached mosh .deb) on loopback
#    in tmux, dpkg --purge leaves none of the package's files, and the
#    stock mosh is put back whatever happened;
#  - the upgrade from Debian's mosh with `ufw allow mosh` active (ufw on a
#    private copy of /etc/ufw): the rule still resolves once ours is
#    installed and mosh's leftovers are purged, the profile is our
#    conffile, and with the stock mosh back its profile and completion
#    are Debian's and nothing of ours is left.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-build/pkg}
cd "$top" || exit 1
mkdir -p "$out"
out=$(cd "$out" && pwd)
T=$(mktemp -d "${TMPDIR:-/tmp}/tsmosh-pkg.XXXXXX")
export LANG=C.UTF-8 LC_ALL=C.UTF-8
passed=0 failed=0 skipped=0
ok() { echo "ok - $*"; passed=$((passed + 1)); }
nok() { echo "not ok - $*"; failed=$((failed + 1)); }
skip() { echo "skip - $*"; skipped=$((skipped + 1)); }
check() { n=$1; shift; if "$@"; then ok "$n"; else nok "$n"; fi; }
TMUX_SOCK=tsmosh-pkg-$$
stock_deb=
restore=no
finish() {
	tmux -L "$TMUX_SOCK" kill-server 2>/dev/null
	[ -n "${SRV_PID:-}" ] && kill "$SRV_PID" 2>/dev/null
	if [ "$restore" = yes ]; then
		dpkg --purge tsmosh >/dev/null 2>&1
		dpkg -i "$stock_deb" >/dev/null 2>&1 ||
		    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
		    --reinstall mosh >/dev/null 2>&1
	fi
	rm -rf "$T"
}
trap finish EXIT INT TERM

# The .deb's files, as the other installs write them: no directories, no
# Debian-only docs, man pages without .gz.
deb_files() {
	dpkg -c "$1" | awk '$1 !~ /^d/ { print $6 }' | sed 's,^\.,,; s,\.gz$,,' |
	    grep -Ev '^/usr/share/doc/tsmosh/(changelog|copyright|README\.Debian)' |
	    sort
}
tree_files() { (cd "$1" && find . ! -type d | sed 's,^\.,,; s,\.gz$,,' |
    grep -v '^/usr/lib/\.build-id' | sort); }

if sh packaging/build-deb.sh "$out" >"$T/build.out" 2>&1; then
	ok "the .deb builds from a clean tree; lintian: no errors"
else
	sed 's/^/# /' "$T/build.out"; nok "the .deb builds from a clean tree"
	echo "$passed passed, $failed failed, $skipped skipped"; exit 1
fi
grep '^[EW]: ' "$out/lintian.log" | sed 's/^/# lintian: /'
deb=$(ls "$out"/tsmosh_*_*.deb | head -n 1)
deb_files "$deb" >"$T/deb.list"
check "the .deb has programs, man pages, config, firewall and completion files" \
    sh -c 'for f in /usr/bin/mosh-server /usr/bin/mosh-client /usr/bin/mosh \
	/usr/libexec/tsmosh/tsmosh-utmp-helper \
	/usr/share/man/man1/mosh-server.1 /usr/share/man/man5/tsmosh.conf.5 \
	/etc/tsmosh/tsmosh.conf /etc/fail2ban/jail.d/tsmosh.conf \
	/etc/fail2ban/filter.d/tsmosh.conf /etc/ufw/applications.d/tsmosh \
	/etc/ufw/applications.d/mosh \
	/usr/lib/firewalld/services/tsmosh.xml /usr/share/doc/tsmosh/tsmosh.nft \
	/usr/share/bash-completion/completions/mosh \
	/usr/share/bash-completion/completions/mosh-server; do
	grep -qx "$f" "$1" || { echo "# missing $f"; exit 1; }; done' - "$T/deb.list"
check "/etc/tsmosh/tsmosh.conf and the ufw profiles are conffiles" \
    sh -c 'dpkg-deb -e "$1" "$2/ctl" && for f in /etc/tsmosh/tsmosh.conf \
	/etc/ufw/applications.d/tsmosh /etc/ufw/applications.d/mosh; do
	grep -qx "$f" "$2/ctl/conffiles" || { echo "# not a conffile: $f"; exit 1; }; done' \
    - "$deb" "$T"
check "the .deb conflicts with, replaces and provides mosh" \
    sh -c '[ "$(dpkg-deb -f "$1" Conflicts)/$(dpkg-deb -f "$1" Replaces)/$(dpkg-deb -f "$1" Provides)" = mosh/mosh/mosh ]' \
    - "$deb"

same_list() {	# name, file list
	if diff "$T/deb.list" "$2" >"$T/diff"; then
		ok "$1 installs the .deb's files"
	else
		sed 's/^/# /' "$T/diff"; nok "$1 installs the .deb's files"
	fi
}
make -s install DESTDIR="$T/inst" PREFIX=/usr >/dev/null 2>&1
tree_files "$T/inst" >"$T/inst.list"
same_list "make install DESTDIR=... PREFIX=/usr" "$T/inst.list"

# A source tarball for rpm and Arch, from the same clean tree.
tar -C "$out" -czf "$T/tsmosh-0.1.tar.gz" --exclude=./debian \
    --exclude=tsmosh-0.1/debian --exclude='tsmosh-0.1/build' tsmosh-0.1

if command -v rpmbuild >/dev/null; then
	mkdir -p "$T/rpm/SOURCES"; cp "$T/tsmosh-0.1.tar.gz" "$T/rpm/SOURCES/"
	# --nodeps: the BuildRequires are Fedora names; Debian's -dev are here.
	if rpmbuild -bb --nodeps --define "_topdir $T/rpm" \
	    --define 'debug_package %{nil}' packaging/rpm/tsmosh.spec \
	    >"$T/rpm.log" 2>&1; then
		ok "rpmbuild builds packaging/rpm/tsmosh.spec"
		# %dir entries are listed too; the .deb list has files only.
		rpm -qlp "$T"/rpm/RPMS/*/*.rpm 2>/dev/null |
		    grep -v '^/usr/lib/\.build-id' | sed 's,\.gz$,,' |
		    grep -vx -e /etc/tsmosh -e /usr/share/doc/tsmosh -e /usr/libexec/tsmosh |
		    sort >"$T/rpm.list"
		same_list "the rpm" "$T/rpm.list"
	else
		tail -n 20 "$T/rpm.log" | sed 's/^/# /'
		nok "rpmbuild builds packaging/rpm/tsmosh.spec"
	fi
else
	skip "rpm spec: rpmbuild not installed (apt-get install rpm)"
fi

check "PKGBUILD parses (bash -n)" bash -n packaging/arch/PKGBUILD
mkdir -p "$T/arch/src" "$T/arch/pkg"
tar -C "$T/arch/src" -xzf "$T/tsmosh-0.1.tar.gz"
if (cd "$T/arch/src" && srcdir=$T/arch/src pkgdir=$T/arch/pkg bash -c \
    '. "$1" && cd "$srcdir" && build && cd "$srcdir" && package' - \
    "$top/packaging/arch/PKGBUILD") >"$T/arch.log" 2>&1; then
	# Arch keeps helper programs in /usr/lib/PKG, not /usr/libexec.
	tree_files "$T/arch/pkg" | sed 's,^/usr/lib/tsmosh/,/usr/libexec/tsmosh/,' |
	    sort >"$T/arch.list"
	same_list "the PKGBUILD's package()" "$T/arch.list"
else
	tail -n 20 "$T/arch.log" | sed 's/^/# /'
	nok "the PKGBUILD's build() and package() run"
fi

if [ "$(id -u)" -ne 0 ] || ! command -v tmux >/dev/null; then
	skip "install, serve, purge: needs root and tmux"
	echo "$passed passed, $failed failed, $skipped skipped"
	[ "$failed" -eq 0 ]; exit
fi
# The stock mosh goes away while ours is installed: keep its .deb to put
# it back, and its mosh-client to talk to our server.
if dpkg-query -W -f='${Status}' mosh 2>/dev/null | grep -q ' installed'; then
	v=$(dpkg-query -W -f='${Version}' mosh | sed 's/:/%3a/')
	stock_deb=$(ls /var/cache/apt/archives/mosh_"$v"_*.deb 2>/dev/null | head -n 1)
	if [ -z "$stock_deb" ]; then
		(cd "$T" && apt-get download mosh >/dev/null 2>&1)
		stock_deb=$(ls "$T"/mosh_*.deb 2>/dev/null | head -n 1)
	fi
fi
if [ -z "$stock_deb" ]; then
	skip "install, serve, purge: no stock mosh .deb to restore afterwards"
	echo "$passed passed, $failed failed, $skipped skipped"
	[ "$failed" -eq 0 ]; exit
fi
dpkg-deb -x "$stock_deb" "$T/stock"

# The upgrade from Debian's mosh on a machine where `ufw allow mosh` is
# active. ufw runs on a private copy of /etc/ufw in a mount and network
# namespace (this machine's firewall, enabled or not, is not touched);
# its profiles are refreshed from the real /etc/ufw/applications.d, which
# dpkg changes, before each look.
UFW=
if command -v ufw >/dev/null && command -v unshare >/dev/null; then
	UFW=$T/ufw
	cp -a /etc/ufw "$UFW"
fi
ufw_here() {	# ufw ARGS... on the copy, with the installed profiles
	rm -rf "$UFW/applications.d"
	cp -a /etc/ufw/applications.d "$UFW/applications.d"
	unshare -m -n sh -c 'mount --make-rprivate / &&
	    mount --bind "$1" /etc/ufw && shift && ufw "$@"' - "$UFW" "$@" 2>&1
}
# ufw_mosh_resolves WHAT: the profile mosh is there with Debian's range,
# `ufw allow mosh` is still accepted (the rule exists: skipped, status 0),
# the rule is still listed and `ufw delete allow mosh` would find it.
ufw_mosh_resolves() {
	out=$(ufw_here app info mosh)
	if ! echo "$out" | grep -q '^  60000:61000/udp$'; then
		echo "$out" | sed 's/^/# ufw app info mosh: /'; nok "$1"; return
	fi
	if ! out=$(ufw_here --dry-run allow mosh); then
		echo "$out" | sed 's/^/# ufw allow mosh: /'; nok "$1"; return
	fi
	if ! ufw_here show added | grep -qx 'ufw allow mosh'; then
		ufw_here show added | sed 's/^/# ufw show added: /'; nok "$1"; return
	fi
	# (A dry-run delete prints the rules it would leave; nothing when
	# there is no such rule.)
	if out=$(ufw_here --dry-run delete allow mosh) &&
	    echo "$out" | grep -q '^### RULES ###' &&
	    ! echo "$out" | grep -q 'dapp_mosh'; then
		ok "$1"
	else
		echo "$out" | grep -i -e mosh -e rule | sed 's/^/# ufw delete: /'; nok "$1"
	fi
}
if [ -n "$UFW" ] && ufw_here allow mosh >"$T/ufw-allow.log" &&
    grep -q "dapp_mosh" "$UFW/user.rules"; then
	ok "before: ufw allow mosh with Debian's mosh profile (private ufw copy)"
else
	[ -n "$UFW" ] && sed 's/^/# /' "$T/ufw-allow.log"
	UFW=
	skip "ufw allow mosh across the upgrade: no ufw or unshare, or the rule failed"
fi
restore=yes
if dpkg -i "$deb" >"$T/dpkg.log" 2>&1 &&
    dpkg-query -W -f='${Status}' tsmosh | grep -q ' installed' &&
    ! dpkg-query -W -f='${Status}' mosh 2>/dev/null | grep -q ' installed'; then
	ok "dpkg -i installs tsmosh in place of mosh"
else
	sed 's/^/# /' "$T/dpkg.log"; nok "dpkg -i installs tsmosh in place of mosh"
fi
if [ -n "$UFW" ]; then
	check "the ufw profile mosh is now tsmosh's conffile" \
	    sh -c 'dpkg -S /etc/ufw/applications.d/mosh | grep -q "^tsmosh:" &&
		dpkg-query -W -f="\${Conffiles}" tsmosh |
		grep -q "^ /etc/ufw/applications.d/mosh [0-9a-f]*\$"'
	ufw_mosh_resolves "after dpkg -i: the ufw allow mosh rule still resolves"
	# What mosh left (its state is config-files) purged, as apt's
	# autoremove --purge would: the profile is ours now, it stays.
	dpkg --purge mosh >"$T/purge-mosh.log" 2>&1
	ufw_mosh_resolves "after mosh's leftovers are purged: the rule still resolves"
	check "ufw app info tsmosh: our own profile is there too" \
	    sh -c 'echo "$1" | grep -q "^  60001:60999/udp\$"' - "$(ufw_here app info tsmosh)"
fi
check "/usr/bin/mosh-server is ours (doctor runs)" \
    sh -c '/usr/bin/mosh-server doctor --iface lo --allow-source 127.0.0.0/8 | grep -q "^OK   config"'

SRV_PID=
# A control directory of its own: its utmp helper is then surely the one
# this server started, not one shared with a build tree's sessions.
mkdir -m 700 "$T/run"
XDG_RUNTIME_DIR=$T/run /usr/bin/mosh-server new --iface lo \
    --allow-source 127.0.0.0/8 -- /bin/sh >"$T/srv.out" 2>"$T/srv.err" </dev/null
port=$(sed -n 's/^MOSH CONNECT \([0-9]*\) .*/\1/p' "$T/srv.out")
key=$(sed -n 's/^MOSH CONNECT [0-9]* \([A-Za-z0-9/+]*\).*/\1/p' "$T/srv.out")
SRV_PID=$(sed -n 's/.*detached, pid = \([0-9]*\).*/\1/p' "$T/srv.err")
tm() { tmux -L "$TMUX_SOCK" "$@"; }
waitfor() {	# pattern tenths
	n=0
	while ! tm capture-pane -p -t c | grep -q -- "$1"; do
		n=$((n + 1)); [ "$n" -ge "$2" ] && return 1; sleep 0.1
	done
}
if [ -n "$port" ] && [ -n "$key" ]; then
	tm new-session -d -s c -x 80 -y 24 \
	    "MOSH_KEY=$key $T/stock/usr/bin/mosh-client 127.0.0.1 $port"
	sleep 1
	tm send-keys -t c "echo pkg-\$((6*7))-ok" Enter
	if waitfor 'pkg-42-ok' 100; then
		ok "the installed mosh-server serves the stock mosh-client (type, see output)"
	else
		tm capture-pane -p -t c | sed 's/^/# /'
		nok "the installed mosh-server serves the stock mosh-client"
	fi
	# Its utmp helper is the packaged program, found in LIBEXECDIR.
	helper=$(ss -xlpn 2>/dev/null | grep -F " $T/run/tsmosh/utmp-helper " |
	    sed -n 's/.*pid=\([0-9]*\).*/\1/p' | head -n 1)
	check "the session's utmp helper is /usr/libexec/tsmosh/tsmosh-utmp-helper" \
	    sh -c '[ -n "$1" ] && [ "$(readlink /proc/"$1"/exe)" = /usr/libexec/tsmosh/tsmosh-utmp-helper ]' - "$helper"
	tm send-keys -t c C-^ .
	n=0
	while tm has-session -t c 2>/dev/null && [ "$n" -lt 50 ]; do
		n=$((n + 1)); sleep 0.1
	done
	check "Ctrl-^ . quits the client" sh -c '! tmux -L "$1" has-session -t c 2>/dev/null' - "$TMUX_SOCK"
	kill "$SRV_PID" 2>/dev/null
else
	sed 's/^/# /' "$T/srv.out" "$T/srv.err"
	nok "the installed mosh-server starts on lo"
fi

dpkg -L tsmosh | sort >"$T/owned"
dpkg --purge tsmosh >"$T/purge.log" 2>&1
left=
while read -r f; do
	[ -e "$f" ] && [ ! -d "$f" ] && left="$left $f"
done <"$T/owned"
[ -e /etc/tsmosh ] && left="$left /etc/tsmosh"
if [ -z "$left" ]; then
	ok "dpkg --purge leaves none of its files (conffiles included)"
else
	echo "# left:$left"; nok "dpkg --purge leaves none of its files"
fi
if dpkg -i "$stock_deb" >"$T/restore.log" 2>&1 &&
    dpkg -S /usr/bin/mosh-client 2>/dev/null | grep -q '^mosh:'; then
	ok "the stock mosh is back"
	restore=no
	# Nothing of ours in the files the two packages share or ours added.
	left=
	for f in /etc/ufw/applications.d/mosh \
	    /usr/share/bash-completion/completions/mosh; do
		cmp -s "$f" "$T/stock$f" || left="$left $f(not Debian's)"
		dpkg -S "$f" 2>/dev/null | grep -q '^mosh:' || left="$left $f(not mosh's)"
	done
	for f in /etc/ufw/applications.d/tsmosh /etc/tsmosh \
	    /usr/share/bash-completion/completions/mosh-server \
	    /usr/libexec/tsmosh; do
		{ [ -e "$f" ] || [ -L "$f" ]; } && left="$left $f"
	done
	if [ -z "$left" ]; then
		ok "after the stock mosh is back: its profile and completion, nothing of ours"
	else
		echo "# left:$left"; nok "after the stock mosh is back: nothing of ours"
	fi
	if [ -n "$UFW" ]; then
		ufw_mosh_resolves "after the stock mosh is back: the rule still resolves"
		check "ufw app info tsmosh: gone with the package" \
		    sh -c '! echo "$1" | grep -q "^  [0-9]"' - "$(ufw_here app info tsmosh)"
	fi
else
	sed 's/^/# /' "$T/restore.log"; nok "the stock mosh is back"
fi
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
