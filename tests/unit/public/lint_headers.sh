#!/bin/sh
# House rules of the public ABI headers (hv/include/public, except io/ but
# for the ring headers io/ring.h, io/blkif.h and io/console.h):
# the first line names the Xen public header the file follows, the only
# system headers used are <stdint.h> and <stddef.h> (freestanding-safe),
# and the file has an include guard.  One PASS/FAIL line per rule per header.
root=hv/include/public
rc=0
report() { # ok what why
	if [ "$1" = 0 ]; then echo "PASS: $2"; else echo "FAIL: $2 - $3"; rc=1; fi
}
for h in $(cd "$root" && { find . -name '*.h' ! -path './io/*'; echo ./io/ring.h; echo ./io/blkif.h; echo ./io/console.h; } | sed 's|^\./||' | sort); do
	f="$root/$h"
	head -n1 "$f" | grep -q '^/\* Follows Xen'"'"'s public header xen/include/public/[a-z0-9_/-]*\.h' 
	report $? "public/$h names the Xen header it follows on line 1" "line 1 is: $(head -n1 "$f")"
	bad=$(grep -E '^[[:space:]]*#[[:space:]]*include[[:space:]]*<' "$f" | grep -vE '<(stdint|stddef)\.h>')
	[ -z "$bad" ]
	report $? "public/$h includes no system header but stdint.h/stddef.h" "$bad"
	guard=$(grep -m1 -E '^#ifndef [A-Z0-9_]+_H$' "$f" | awk '{print $2}')
	[ -n "$guard" ] && grep -q "^#define $guard\$" "$f"
	report $? "public/$h has an include guard" "no #ifndef/#define pair"
done
exit $rc
