# Bastion's Xen-compatible public ABI headers (hv/include/public, except
# io/ which xenstored owns, but for the PV ring headers io/ring.h,
# io/blkif.h and io/console.h) and their checks: every header compiles alone
# with the host compiler and with the hv's freestanding flags, follows the
# house rules, and a host program checks the layout through raw memory.
# Include these headers as "public/xen.h" with -Ihv/include; never put
# hv/include/public itself on the include path (its features.h and errno.h
# would shadow libc's).

PUBLIC_HDR_TEST := $(BUILD)/tests/unit/public/test_layout

$(PUBLIC_HDR_TEST): tests/unit/public/test_layout.c tests/unit/hv/check.h \
		$(filter-out hv/include/public/io/%,$(wildcard hv/include/public/*.h hv/include/public/*/*.h)) \
		hv/include/public/io/ring.h hv/include/public/io/blkif.h hv/include/public/io/console.h
	@mkdir -p $(dir $@)
	$(HOST_CC) $(HOST_CFLAGS) -fsanitize=address,undefined -Ihv/include -Itests/unit/hv -o $@ $<

.PHONY: test-public-headers
test-public-headers:
	@rc=0; \
	tests/unit/public/lint_headers.sh || rc=1; \
	tests/unit/public/compile_headers.sh host $(HOST_CC) $(HOST_CFLAGS) -Wpedantic || rc=1; \
	tests/unit/public/compile_headers.sh hv $(CC) $(HV_CFLAGS) || rc=1; \
	if $(MAKE) --no-print-directory -s $(PUBLIC_HDR_TEST) >/dev/null 2>&1; then \
		$(PUBLIC_HDR_TEST) || rc=1; \
	else \
		echo "FAIL: tests/unit/public/test_layout.c builds - compile error (run make $(PUBLIC_HDR_TEST))"; \
		rc=1; \
	fi; \
	exit $$rc

TEST_SUITES += test-public-headers
