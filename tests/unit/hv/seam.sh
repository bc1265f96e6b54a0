#!/bin/bash
# The vendor seam: only hv/arch/x86/<vendor>/ may know a vendor's
# structures.  Everything else in hv/ reaches the backend through
# x86/hvm.h's ops and the vendor-neutral struct vcpu.  Fails when a file
# outside svm/ includes an SVM header or touches the VMCB or svm_*
# functions (hvm.c may name svm_hvm_ops, the backend it selects).
cd "$(dirname "$0")/../../.." || exit 1
failed=0

# offenders DIR: prints every line outside DIR/arch/x86/svm that crosses the seam.
offenders() {
	grep -rnE '#include *"(x86/)?(svm[a-z_]*|vmcb)\.h"|\bvmcb\b|struct vmcb|\bsvm_[a-z_]+' \
		--include='*.c' --include='*.h' --include='*.S' "$1" |
		grep -v "^$1/arch/x86/svm/" |
		grep -vE "^$1/(arch/x86/hvm\.c|include/x86/hvm\.h):.*\bsvm_hvm_ops\b" |
		grep -vE "^$1/arch/x86/hvm\.c:.*svm_why"
}

bad=$(offenders hv)
if [ -z "$bad" ]; then
	echo "PASS: seam: no file outside hv/arch/x86/svm/ includes an SVM header or reads the VMCB"
else
	echo "FAIL: seam: these lines outside hv/arch/x86/svm/ cross the vendor seam:"
	echo "$bad" | sed 's/^/    /'
	failed=1
fi

# The check itself must be able to fail: plant a violation in a copy.
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cp -r hv "$tmp/hv"
printf '#include "x86/svm_vcpu.h"\n' >>"$tmp/hv/common/hypercall.c"
if (cd "$tmp" && [ -n "$(offenders hv)" ]); then
	echo "PASS: seam: a planted '#include \"x86/svm_vcpu.h\"' in hv/common is caught"
else
	echo "FAIL: seam: a planted SVM include in hv/common went unnoticed"
	failed=1
fi
exit $failed
