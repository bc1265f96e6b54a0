#!/bin/sh
# Installs the Debian packages named on the command line that are missing.
# With --quiet, prints nothing when everything is already there.
quiet=0
[ "$1" = "--quiet" ] && { quiet=1; shift; }
missing=""
for p in "$@"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
		missing="$missing $p"
done
if [ -z "$missing" ]; then
	[ $quiet = 1 ] || echo "deps: all $# packages present"
	exit 0
fi
echo "deps: installing$missing"
if [ "$(id -u)" != 0 ]; then
	echo "deps: need root to install:$missing (run 'sudo make deps')" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -q >/dev/null && apt-get install -y -q --no-install-recommends $missing
