#!/bin/sh
# Compiles every Bastion public ABI header (hv/include/public, except io/,
# which has its own owner, but for the PV ring headers io/ring.h,
# io/blkif.h and io/console.h) on its own, so each one carries its includes and
# its _Static_asserts hold under the given compiler and flags.
#   usage: compile_headers.sh LABEL CC [FLAGS...]
# LABEL "host" also wraps each header between libc's <errno.h> and
# <stdio.h> to prove the XEN_-prefixed names and our file names (errno.h,
# features.h) do not collide with libc's.  Prints one PASS/FAIL per header.
label=$1
cc=$2
shift 2
root=hv/include/public
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
rc=0
for h in $(cd "$root" && { find . -name '*.h' ! -path './io/*'; echo ./io/ring.h; echo ./io/blkif.h; echo ./io/console.h; } | sed 's|^\./||' | sort); do
	tu="$tmp/tu.c"
	{
		[ "$label" = host ] && printf '#include <errno.h>\n#include <stdio.h>\n'
		printf '#include "public/%s"\n' "$h"
		[ "$label" = host ] && printf '#include <features.h>\n'
		printf 'typedef int public_header_tu_not_empty;\n'
	} >"$tu"
	if out=$($cc "$@" -Ihv/include -fsyntax-only "$tu" 2>&1); then
		echo "PASS: public/$h compiles alone ($label)"
	else
		echo "FAIL: public/$h compiles alone ($label) - $(echo "$out" | grep -m1 'error')"
		rc=1
	fi
done
exit $rc
