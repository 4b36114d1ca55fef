#!/bin/sh
# deps.sh check|install PACKAGE... - Debian packages the project needs.
# check: exit 0 when all are installed, else list the missing ones and the
# command that installs them (exit 2). install: apt-get what is missing;
# nothing at all when everything is there already.
set -eu
mode=$1
shift
missing=""
for pkg in "$@"; do
	status=$(dpkg-query -W -f='${db:Status-Abbrev}' "$pkg" 2>/dev/null || true)
	case "$status" in
	ii*) ;;
	*) missing="$missing $pkg" ;;
	esac
done
[ -z "$missing" ] && exit 0
case "$mode" in
check)
	echo "missing Debian packages:$missing" >&2
	echo "install them with: make deps   (runs apt-get install as root)" >&2
	exit 2
	;;
install)
	sudo=""
	[ "$(id -u)" = 0 ] || sudo=sudo
	echo "installing:$missing" >&2
	$sudo apt-get update -q
	# shellcheck disable=SC2086 # word splitting of the package list is wanted
	DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends $missing
	;;
*)
	echo "usage: deps.sh check|install PACKAGE..." >&2
	exit 2
	;;
esac
