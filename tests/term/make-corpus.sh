#!/bin/sh
# Writes the synthetic streams of the terminal corpus (*.stream) into the
# directory given (default: this one). Captured sessions (vi, top, less,
# ls) are committed as they were recorded; see README.
set -eu
dir=${1:-$(dirname "$0")}
e=$(printf '\033')

# Scroll regions: fill, set a region, scroll it both ways, IL/DL, SU/SD.
{
	i=1
	while [ $i -le 24 ]; do printf 'line %02d %s\r\n' $i "$(printf '%*s' $i '' | tr ' ' '#')"; i=$((i + 1)); done
	printf '%s[5;15r%s[15;1H' "$e" "$e"
	i=1
	while [ $i -le 7 ]; do printf '\nscrolled %d' $i; i=$((i + 1)); done
	printf '%s[5;1H%sM%sMreverse%s[2L%s[3M' "$e" "$e" "$e" "$e" "$e"
	printf '%s[2S%s[1T%s[41m%s[3S%s[0m' "$e" "$e" "$e" "$e" "$e"
	printf '%s[?6h%s[1;1Horigin%s[?6l%s[r%s[24;1Hbottom\r\n\r\nafter' "$e" "$e" "$e" "$e" "$e"
} >"$dir/scroll_region.stream"

# Wrap at the right margin: exact fits, pending wrap then CR/CUP, wide
# characters that do not fit, DECAWM off.
{
	printf '%080d' 0
	printf '%s[31m%081d%s[0m' "$e" 1 "$e"
	printf '\r\n%079dX\rY' 2
	printf '\r\n%079dZ\rW' 3
	printf '\r\n%079d中文' 4
	printf '\r\n%s[?7l%085d%s[?7h' "$e" 5 "$e"
	printf '\r\n%s[44m%078d%s[K%s[0m' "$e" 6 "$e" "$e"
	printf '\r\n%s[7m%0158d%s[0m tail' "$e" 7 "$e"
	printf '\r\n%080d%s[10;5Hmoved' 8 "$e"
} >"$dir/wrap.stream"

# UTF-8: wide CJK, combining marks, emoji, box drawing. (Invalid bytes
# and DEC graphics are unit-tested: tmux drops the first and keeps the
# second as ACS, where we show U+FFFD and Unicode box drawing.)
{
	printf 'wide: 中文字符 日本語 한국어 |\r\n'
	printf 'combining: e\314\201 a\314\210 n\314\203 o\314\202\314\243 |\r\n'
	printf 'emoji: \360\237\230\200 \360\237\221\215 |\r\n'
	printf 'box: ┌──┐│x│└──┘ ▒░ |\r\n'
	printf '%s[33m黄色%s[42m緑%s[0m plain\r\n' "$e" "$e" "$e"
	printf 'overwrite: 中文%s[2Dx%s[5G中%s[4Gy\r\n' "$e" "$e" "$e"
	printf 'accents: àéîõü ÀÉÎÕÜ ß æ ø\r\n'
} >"$dir/utf8.stream"

# Colours: 8, 16, 256 and 24-bit, renditions, BCE erase.
{
	for c in 0 1 2 3 4 5 6 7; do printf '%s[3%dm3%d%s[4%dm4%d ' "$e" $c $c "$e" $c $c; done
	printf '%s[0m\r\n' "$e"
	for c in 0 1 2 3 4 5 6 7; do printf '%s[9%dm9%d%s[10%dm10%d ' "$e" $c $c "$e" $c $c; done
	printf '%s[0m\r\n' "$e"
	c=16
	while [ $c -lt 256 ]; do printf '%s[38;5;%dm#%s[48;5;%dm ' "$e" $c "$e" $((255 - c + 16)); c=$((c + 3)); done
	printf '%s[0m\r\n' "$e"
	printf '%s[38;2;255;128;0morange%s[48;2;0;64;128m blue bg%s[0m\r\n' "$e" "$e" "$e"
	printf '%s[1mbold%s[0m %s[3mitalic%s[0m %s[4munder%s[0m %s[5mblink%s[0m ' "$e" "$e" "$e" "$e" "$e" "$e" "$e" "$e"
	printf '%s[7minverse%s[0m %s[8mhidden%s[0m %s[2mfaint%s[0m %s[9mstrike%s[0m\r\n' "$e" "$e" "$e" "$e" "$e" "$e" "$e" "$e"
	printf '%s[1;4;31;43mmix%s[22;24mless%s[39;49mdef%s[0m\r\n' "$e" "$e" "$e" "$e"
	printf '%s[45mBCE line%s[K\r\n%s[46m%s[2X  ech%s[0m\r\n' "$e" "$e" "$e" "$e" "$e"
	printf '%s[44m%s[J%s[0mafter ED with blue' "$e" "$e" "$e"
} >"$dir/colors.stream"

# Alternate screen: draw on main, switch (1049), draw, leave, switch again
# and stay; also 47 and a cursor saved by 1049.
{
	printf 'main screen line 1\r\nmain screen line 2\r\n%s[5;10Hsaved here' "$e"
	printf '%s[?1049h%s[H%s[2Jalt screen%s[10;1Hmore alt' "$e" "$e" "$e" "$e"
	printf '%s[?1049lback%s[?47hon 47%s[?47l\r\nmain again' "$e" "$e" "$e"
	printf '%s[?1049h%s[31mfinal alt%s[0m\r\n%s]2;alt title\007' "$e" "$e" "$e" "$e"
} >"$dir/altscreen.stream"

# Insert/delete characters, insert mode, tabs, erase variants.
{
	printf 'abcdefghijklmnopqrstuvwxyz\r%s[5C%s[3@XYZ%s[10G%s[4P\r\n' "$e" "$e" "$e" "$e"
	printf 'insert mode:%s[4h%s[1Gins%s[4l\r\n' "$e" "$e" "$e"
	printf 'a\tb\tc\td\r\n%s[3g%s[5GH%sH%s[1G\tx\ty\r\n' "$e" "$e" "$e" "$e"
	printf '0123456789%s[5G%s[1K\r\n0123456789%s[5G%s[K\r\n' "$e" "$e" "$e" "$e"
	printf '0123456789%s[3G%s[4X\r\n%s[2Kcleared\r\n' "$e" "$e" "$e"
	printf '%s[?25lhidden cursor %s7%s[20;20Hsave%s8restored' "$e" "$e" "$e" "$e"
	printf '%s[P %s]0;corpus title\007%s[?2004h' "$e" "$e" "$e"
} >"$dir/edit.stream"
