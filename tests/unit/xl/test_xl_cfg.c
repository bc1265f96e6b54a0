/*
 * test-xl-cfg: the xl.cfg parser and the typed PVH config against the
 * examples of Xen 4.17's xl.cfg(5), xl-disk-configuration(5),
 * xl-network-configuration(5) and tools/examples/xlexample.pvhlinux
 * (files in tests/unit/xl/cfg, given as argv[1]), command-line overrides,
 * and malformed input (test_xl_cfg_bad.c).
 */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "test_xl_cfg.h"

static const char *cfg_dir;

static char *read_file(const char *name, size_t *len)
{
	char path[512];
	FILE *f;
	char *text = NULL;

	snprintf(path, sizeof(path), "%s/%s", cfg_dir, name);
	f = fopen(path, "rb");
	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	*len = (size_t)ftell(f);
	rewind(f);
	text = malloc(*len + 1);
	if (text && fread(text, 1, *len, f) != *len) {
		free(text);
		text = NULL;
	}
	fclose(f);
	return text;
}

/* Parses cfg_dir/name and builds the domain config; warnings into warn. */
static int load_domain(const char *name, struct xl_cfg **cfg, struct xl_domain_cfg *dom,
		       char *warn_text, size_t warn_len, struct xl_cfg_err *err)
{
	size_t len = 0;
	char *text = read_file(name, &len);
	FILE *warn = fmemopen(warn_text, warn_len, "w");
	int rc = -1;

	memset(err, 0, sizeof(*err));
	memset(warn_text, 0, warn_len);
	*cfg = text ? xl_cfg_parse(name, text, len, err) : NULL;
	if (*cfg)
		rc = xl_domain_cfg_from(*cfg, dom, warn, err);
	if (warn)
		fclose(warn);
	free(text);
	return rc;
}

static int str_is(const char *got, const char *want)
{
	return got && want && !strcmp(got, want);
}

static void test_pvhlinux(void)
{
	struct xl_cfg *cfg;
	struct xl_domain_cfg dom;
	struct xl_cfg_err err;
	char warn[256];
	int rc = load_domain("pvhlinux.cfg", &cfg, &dom, warn, sizeof(warn), &err);

	if (!CHECK(rc == 0, "xlexample.pvhlinux parses (%s)", err.text))
		goto out;
	CHECK(dom.type == XL_DOMAIN_PVH && str_is(dom.name, "example.pvhlinux"),
	      "pvhlinux: type pvh, name example.pvhlinux");
	CHECK(str_is(dom.kernel, "/boot/vmlinuz") && !dom.ramdisk,
	      "pvhlinux: kernel /boot/vmlinuz, no ramdisk (commented out)");
	CHECK(str_is(dom.cmdline, "root=/dev/xvda1"), "pvhlinux: extra= becomes the cmdline");
	CHECK(dom.memory_mb == 512 && dom.maxmem_mb == 512, "pvhlinux: memory 512, maxmem = memory");
	CHECK(dom.vcpus == 4 && dom.maxvcpus == 4, "pvhlinux: vcpus 4, maxvcpus = vcpus");
	CHECK(!dom.has_uuid, "pvhlinux: commented-out uuid stays unset");
	CHECK(dom.nr_vifs == 1 && !dom.vifs[0].has_mac && !dom.vifs[0].bridge &&
	      dom.vifs[0].devid == -1, "pvhlinux: vif [''] is one vif with every default");
	CHECK(dom.nr_disks == 1 && str_is(dom.disks[0].target, "/dev/zvol/tank/guest-volume") &&
	      dom.disks[0].format == XL_DISK_FORMAT_RAW && str_is(dom.disks[0].vdev, "xvda") &&
	      dom.disks[0].readwrite && !dom.disks[0].cdrom,
	      "pvhlinux: positional disk target,raw,xvda,rw");
	CHECK(dom.on_poweroff == XL_ACTION_DESTROY && dom.on_reboot == XL_ACTION_RESTART &&
	      dom.on_crash == XL_ACTION_DESTROY, "pvhlinux: default actions destroy/restart/destroy");
	CHECK(warn[0] == '\0', "pvhlinux: no warnings (got \"%s\")", warn);
	xl_domain_cfg_dispose(&dom);
out:
	xl_cfg_free(cfg);
}

static void test_syntax_values(const struct xl_cfg *cfg)
{
	const struct xl_cfg_setting *set = xl_cfg_find(cfg, "extra_key.with.dots");
	const struct xl_cfg_value *v = set ? set->value : NULL;
	const char *text = NULL;
	struct xl_cfg_err err = { "" };

	CHECK(set && set->line == 18 && v->kind == XL_CFG_LIST && v->nr_items == 2 &&
	      str_is(v->items[0]->string, "1") && v->items[1]->kind == XL_CFG_LIST &&
	      v->items[1]->nr_items == 2 && str_is(v->items[1]->items[1]->string, "nested"),
	      "syntax: nested list with trailing comma, kept with its line 18");
	CHECK(xl_cfg_get_string(cfg, "type", &text, &err) == 1 && str_is(text, "pvh") &&
	      xl_cfg_find(cfg, "type")->line == 3, "syntax: 'single' quotes after ';' on line 3");
	CHECK(xl_cfg_get_list(cfg, "name", &v, &err) == -1 &&
	      str_is(err.text, "syntax.cfg:3: key \"name\": expected a list, got a single value"),
	      "syntax: a string asked for as a list names file, line and key");
	CHECK(xl_cfg_get_string(cfg, "absent", &text, &err) == 0, "syntax: absent key reads as 0");
}

static void test_syntax(void)
{
	struct xl_cfg *cfg;
	struct xl_domain_cfg dom;
	struct xl_cfg_err err;
	char warn[256];
	int rc = load_domain("syntax.cfg", &cfg, &dom, warn, sizeof(warn), &err);

	if (!CHECK(rc == 0, "xl.cfg(5) syntax examples parse (%s)", err.text))
		goto out;
	test_syntax_values(cfg);
	CHECK(dom.memory_mb == 1024 && dom.maxmem_mb == 1024, "syntax: memory 0x400, maxmem 02000 (octal)");
	CHECK(dom.vcpus == 2 && dom.maxvcpus == 4, "syntax: ';'-separated vcpus=2, maxvcpus=4");
	CHECK(str_is(dom.cmdline, "console=hvc0 quiet \"quoted\" it's\ttabbed"),
	      "syntax: escapes \\\" \\' \\t resolved; cmdline wins over root");
	CHECK(strstr(warn, "WARNING: ignoring root= and extra= in favour of cmdline=") != NULL,
	      "syntax: cmdline with root= warns that root= is ignored");
	CHECK(strstr(warn, "syntax.cfg:18: WARNING: ignoring unknown key \"extra_key.with.dots\""),
	      "syntax: unknown key warned about with file and line");
	CHECK(dom.nr_disks == 3 && str_is(dom.disks[1].target, "/srv/h0-data.qcow2") &&
	      dom.disks[1].format == XL_DISK_FORMAT_QCOW2 && !dom.disks[1].readwrite &&
	      str_is(dom.disks[1].vdev, "xvdb"), "syntax: multi-line disk list, keyed diskspec");
	CHECK(dom.nr_disks == 3 && str_is(dom.disks[2].target, "/srv/extra,with,commas") &&
	      str_is(dom.disks[2].vdev, "xvdc"), "syntax: disk += appends; target= eats commas");
	CHECK(dom.nr_vifs == 1 && dom.vifs[0].has_mac && dom.vifs[0].mac[0] == 0x00 &&
	      dom.vifs[0].mac[2] == 0x3e && dom.vifs[0].mac[5] == 0x76 &&
	      str_is(dom.vifs[0].model, "rtl8139") && str_is(dom.vifs[0].bridge, "xenbr0"),
	      "syntax: vif mac/model/bridge from xl-network-configuration(5)");
	xl_domain_cfg_dispose(&dom);
out:
	xl_cfg_free(cfg);
}

static void test_full(void)
{
	static const uint8_t uuid[16] = { 0x4d, 0xea, 0x22, 0xb3, 0x1d, 0x52, 0xd8, 0xf3,
					  0x25, 0x16, 0x78, 0x2e, 0x98, 0xab, 0x3f, 0xa0 };
	struct xl_cfg *cfg;
	struct xl_domain_cfg dom;
	struct xl_cfg_err err;
	char warn[256];
	int rc = load_domain("full.cfg", &cfg, &dom, warn, sizeof(warn), &err);

	if (!CHECK(rc == 0, "full.cfg parses (%s)", err.text))
		goto out;
	CHECK(dom.has_uuid && !memcmp(dom.uuid, uuid, 16), "full: uuid parsed byte for byte");
	CHECK(str_is(dom.ramdisk, "/boot/initrd.gz"), "full: ramdisk");
	CHECK(str_is(dom.cmdline, "root=/dev/xvda1 ro console=hvc0"), "full: root= + extra= joined");
	CHECK(dom.memory_mb == 1024 && dom.maxmem_mb == 2048, "full: memory 1024, maxmem 2048");
	CHECK(dom.vcpus == 2 && dom.maxvcpus == 3, "full: vcpus 2, maxvcpus 3");
	CHECK(!dom.cpus.for_all_vcpus && dom.cpus.nr_maps == 3 &&
	      xl_cpumap_test(&dom.cpus.maps[0], 2) && !xl_cpumap_test(&dom.cpus.maps[0], 3) &&
	      xl_cpumap_test(&dom.cpus.maps[1], 4) && !xl_cpumap_test(&dom.cpus.maps[1], 5) &&
	      xl_cpumap_test(&dom.cpus.maps[1], 8) && xl_cpumap_test(&dom.cpus.maps[2], 0),
	      "full: cpus list [\"2\",\"3-8,^5\",..] per vCPU, entries past maxvcpus dropped");
	CHECK(dom.cpus_soft.for_all_vcpus && dom.cpus_soft.nr_maps == 1 &&
	      xl_cpumap_test(&dom.cpus_soft.maps[0], 0) && !xl_cpumap_test(&dom.cpus_soft.maps[0], 1) &&
	      xl_cpumap_test(&dom.cpus_soft.maps[0], 5) && !xl_cpumap_test(&dom.cpus_soft.maps[0], 4),
	      "full: cpus_soft \"0-3,5,^1\" is CPUs 0,2,3,5 for every vCPU");
	CHECK(dom.on_poweroff == XL_ACTION_PRESERVE && dom.on_reboot == XL_ACTION_RENAME_RESTART &&
	      dom.on_crash == XL_ACTION_COREDUMP_RESTART &&
	      dom.on_watchdog == XL_ACTION_COREDUMP_DESTROY && dom.on_soft_reset == XL_ACTION_DESTROY,
	      "full: every action name xl accepts");
	CHECK(dom.weight == 512 && dom.cap == 100, "full: cpu_weight 512, cap 100");
	CHECK(strstr(warn, "full.cfg:22: WARNING: ignoring unknown key \"memroy\"") &&
	      !strstr(warn, "\"vnc\""), "full: misspelt key warned, xl's vnc= accepted quietly");
	xl_domain_cfg_dispose(&dom);
out:
	xl_cfg_free(cfg);
}

static void test_defaults(void)
{
	struct xl_cfg *cfg;
	struct xl_domain_cfg dom;
	struct xl_cfg_err err;
	char warn[256];
	int rc = load_domain("defaults.cfg", &cfg, &dom, warn, sizeof(warn), &err);

	if (CHECK(rc == 0, "defaults.cfg parses (%s)", err.text)) {
		CHECK(dom.memory_mb == 32 && dom.maxmem_mb == 32 && dom.vcpus == 1 &&
		      dom.maxvcpus == 1, "defaults: libxl's 32 MiB and 1 vCPU");
		CHECK(dom.weight == -1 && dom.cap == -1 && !dom.cmdline && !dom.nr_disks &&
		      !dom.nr_vifs && !dom.cpus.nr_maps && dom.on_soft_reset == XL_ACTION_SOFT_RESET,
		      "defaults: no sched params, cmdline, devices or pinning");
		xl_domain_cfg_dispose(&dom);
	}
	xl_cfg_free(cfg);
	rc = load_domain("cmdline.cfg", &cfg, &dom, warn, sizeof(warn), &err);
	if (CHECK(rc == 0, "cmdline.cfg parses (%s)", err.text)) {
		CHECK(str_is(dom.cmdline, "console=hvc0"), "cmdline: cmdline= wins over root/extra");
		xl_domain_cfg_dispose(&dom);
	}
	xl_cfg_free(cfg);
}

void test_overrides(void);
void test_specs(void);

int main(int argc, char **argv)
{
	cfg_dir = argc > 1 ? argv[1] : "tests/unit/xl/cfg";
	test_pvhlinux();
	test_syntax();
	test_full();
	test_defaults();
	test_overrides();
	test_specs();
	test_bad_configs();
	test_json(cfg_dir);
	return check_exit();
}
