/*
 * cmd_info.c - xl info and xl dmesg: the host's and the hypervisor's
 * description (uname, physinfo, xen_version, the scheduler) and the
 * hypervisor's console ring, as Xen 4.17's tools/xl/xl_info.c and
 * libxl_get_version_info / libxl_get_physinfo present them.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>

#include "xl.h"

/* `xl info NAME` prints only the value of the line that starts with NAME. */
static const char *info_only;

static void info_line(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void info_line(const char *fmt, ...)
{
	char *line, *colon;
	va_list ap;

	va_start(ap, fmt);
	if (vasprintf(&line, fmt, ap) < 0)
		line = NULL;
	va_end(ap);
	if (!line)
		return;
	if (!info_only)
		fputs(line, stdout);
	else if (strncmp(line, info_only, strlen(info_only)) == 0 &&
		 (colon = strchr(line, ':')) && colon[1] == ' ')
		fputs(colon + 2, stdout);
	free(line);
}

static void print_node(void)
{
	struct utsname u;

	if (uname(&u) < 0)
		return;
	info_line("host                   : %s\n", u.nodename);
	info_line("release                : %s\n", u.release);
	info_line("version                : %s\n", u.version);
	info_line("machine                : %s\n", u.machine);
}

static void print_caps(uint32_t c)
{
	bool pv = c & XEN_SYSCTL_PHYSCAP_pv, hvm = c & XEN_SYSCTL_PHYSCAP_hvm;
	bool dio = c & XEN_SYSCTL_PHYSCAP_directio;

	info_line("virt_caps              :%s%s%s%s%s%s%s%s%s%s%s\n",
		  pv ? " pv" : "", hvm ? " hvm" : "", hvm && dio ? " hvm_directio" : "",
		  pv && dio ? " pv_directio" : "",
		  c & XEN_SYSCTL_PHYSCAP_hap ? " hap" : "",
		  c & XEN_SYSCTL_PHYSCAP_shadow ? " shadow" : "",
		  c & XEN_SYSCTL_PHYSCAP_iommu_hap_pt_share ? " iommu_hap_pt_share" : "",
		  c & XEN_SYSCTL_PHYSCAP_vmtrace ? " vmtrace" : "",
		  c & XEN_SYSCTL_PHYSCAP_vpmu ? " vpmu" : "",
		  c & XEN_SYSCTL_PHYSCAP_gnttab_v1 ? " gnttab-v1" : "",
		  c & XEN_SYSCTL_PHYSCAP_gnttab_v2 ? " gnttab-v2" : "");
}

/* A sharing counter (memory_op 18/19): ENOSYS counts as none. */
static int sharing_pages(unsigned cmd, uint64_t *pages)
{
	long rc = bx_hypercall(&xl_bx, __HYPERVISOR_memory_op, cmd, 0, 0, 0, 0);

	if (rc < 0 && rc != -ENOSYS)
		return (int)rc;
	*pages = rc > 0 ? (uint64_t)rc : 0;
	return 0;
}

static int count_free_cpus(uint32_t nr_bits)
{
	struct xen_sysctl s = { .cmd = XEN_SYSCTL_cpupool_op };
	size_t bytes = (nr_bits + 7) / 8;
	uint8_t *map = bx_hbuf_alloc(&xl_bx, bytes);
	int n = -ENOMEM;

	if (!map)
		return n;
	s.u.cpupool_op.op = XEN_SYSCTL_CPUPOOL_OP_FREEINFO;
	s.u.cpupool_op.cpumap.bitmap = (uintptr_t)map;
	s.u.cpupool_op.cpumap.nr_bits = (uint32_t)bytes * 8;
	n = bx_sysctl(&xl_bx, &s);
	if (n >= 0)
		for (size_t i = 0; i < bytes * 8; i++)
			n += (map[i / 8] >> (i % 8)) & 1;
	bx_hbuf_free(&xl_bx, map, bytes);
	return n;
}

static void print_memory(const struct xen_sysctl_physinfo *p, long pagesize)
{
	uint64_t per_mib = (1 << 20) / (pagesize > 0 ? (uint64_t)pagesize : 4096);
	uint64_t freed = 0, shared = 0;

	if (sharing_pages(XENMEM_get_sharing_freed_pages, &freed) < 0 ||
	    sharing_pages(XENMEM_get_sharing_shared_pages, &shared) < 0)
		return;
	info_line("total_memory           : %" PRIu64 "\n", p->total_pages / per_mib);
	info_line("free_memory            : %" PRIu64 "\n",
		  (p->free_pages - p->outstanding_pages) / per_mib);
	info_line("sharing_freed_memory   : %" PRIu64 "\n", freed / per_mib);
	info_line("sharing_used_memory    : %" PRIu64 "\n", shared / per_mib);
	info_line("outstanding_claims     : %" PRIu64 "\n", p->outstanding_pages / per_mib);
}

static void print_physinfo(void)
{
	struct xen_sysctl_physinfo p;
	const uint32_t *hw;
	int free_cpus;

	if (bx_physinfo(&xl_bx, &p) < 0) {
		fprintf(stderr, "libxl_physinfo failed.\n");
		return;
	}
	hw = p.hw_cap;
	info_line("nr_cpus                : %d\n", (int)p.nr_cpus);
	info_line("max_cpu_id             : %d\n", (int)p.max_cpu_id);
	info_line("nr_nodes               : %d\n", (int)p.nr_nodes);
	info_line("cores_per_socket       : %d\n", (int)p.cores_per_socket);
	info_line("threads_per_core       : %d\n", (int)p.threads_per_core);
	info_line("cpu_mhz                : %d.%03d\n", (int)(p.cpu_khz / 1000),
		  (int)(p.cpu_khz % 1000));
	info_line("hw_caps                : %08x:%08x:%08x:%08x:%08x:%08x:%08x:%08x\n",
		  hw[0], hw[1], hw[2], hw[3], hw[4], hw[5], hw[6], hw[7]);
	print_caps(p.capabilities);
	print_memory(&p, bx_pagesize(&xl_bx));
	free_cpus = count_free_cpus(p.max_cpu_id + 1);
	if (free_cpus >= 0)
		info_line("free_cpus              : %d\n", free_cpus);
}

/* The build id as lowercase hex, or "" where the hypervisor has none. */
static void build_id_hex(char *out, size_t size)
{
	unsigned char id[256];
	long n = bx_build_id(&xl_bx, id, sizeof(id));

	out[0] = '\0';
	for (long i = 0; i < n && (size_t)(2 * i + 2) < size; i++)
		snprintf(out + 2 * i, 3, "%02x", id[i]);
}

/* What libxl_get_version_info gathers, in one place. */
struct xen_facts {
	long version, pagesize;
	xen_extraversion_t extra;
	xen_capabilities_info_t caps;
	xen_changeset_info_t changeset;
	xen_commandline_t cmdline;
	struct xen_compile_info cc;
	struct xen_platform_parameters params;
	char build_id[513];
};

static void gather_xen_facts(struct xen_facts *f)
{
	f->version = bx_version(&xl_bx);
	bx_extraversion(&xl_bx, f->extra);
	bx_compile_info(&xl_bx, &f->cc);
	bx_capabilities(&xl_bx, f->caps);
	bx_changeset(&xl_bx, f->changeset);
	bx_platform_parameters(&xl_bx, &f->params);
	f->pagesize = bx_pagesize(&xl_bx);
	bx_commandline(&xl_bx, f->cmdline);
	build_id_hex(f->build_id, sizeof(f->build_id));
}

static void print_xeninfo(void)
{
	static struct xen_facts f;
	const char *sched;
	uint32_t sched_id;
	int major, minor;

	gather_xen_facts(&f);
	if (bx_sched_id(&xl_bx, &sched_id) < 0) {
		fprintf(stderr, "get_scheduler sysctl failed.\n");
		return;
	}
	sched = xl_scheduler_name(sched_id);
	major = (int)(f.version >> 16);
	minor = (int)(f.version & 0xff);
	info_line("xen_major              : %d\n", major);
	info_line("xen_minor              : %d\n", minor);
	info_line("xen_extra              : %s\n", f.extra);
	info_line("xen_version            : %d.%d%s\n", major, minor, f.extra);
	info_line("xen_caps               : %s\n", f.caps);
	info_line("xen_scheduler          : %s\n", sched ? sched : "(null)");
	info_line("xen_pagesize           : %u\n", (unsigned)f.pagesize);
	info_line("platform_params        : virt_start=0x%" PRIx64 "\n",
		  (uint64_t)f.params.virt_start);
	info_line("xen_changeset          : %s\n", f.changeset);
	info_line("xen_commandline        : %s\n", f.cmdline);
	info_line("cc_compiler            : %s\n", f.cc.compiler);
	info_line("cc_compile_by          : %s\n", f.cc.compile_by);
	info_line("cc_compile_domain      : %s\n", f.cc.compile_domain);
	info_line("cc_compile_date        : %s\n", f.cc.compile_date);
	info_line("build_id               : %s\n", f.build_id);
}

int main_info(int argc, char **argv)
{
	int opt;

	while ((opt = xl_getopt(argc, argv, "n", "info", 0)) != -1) {
		fprintf(stderr, "xl info -n is not supported by this xl yet.\n");
		return EXIT_FAILURE;
	}
	if (argc > optind)
		info_only = argv[optind];
	xl_open();
	print_node();
	print_physinfo();
	print_xeninfo();
	info_line("xend_config_format     : 4\n");
	return 0;
}

#define DMESG_CHUNK 16384

/* As libxl's console reader: incremental reads, each no larger than the
 * previous one returned, until one returns nothing. */
int main_dmesg(int argc, char **argv)
{
	static char buf[DMESG_CHUNK + 1];
	uint32_t index = 0, count = DMESG_CHUNK;
	bool clear = false;
	long got;
	int opt;

	while ((opt = xl_getopt(argc, argv, "c", "dmesg", 0)) != -1)
		clear = opt == 'c';
	xl_open();
	for (;;) {
		memset(buf, 0, sizeof(buf));
		got = bx_readconsole(&xl_bx, buf, count, clear, &index);
		if (got < 0) {
			fprintf(stderr, "reading console ring buffer: %s\n", strerror((int)-got));
			return EXIT_FAILURE;
		}
		if (got == 0)
			return EXIT_SUCCESS;
		count = (uint32_t)got;
		fputs(buf, stdout);
	}
}

/* xl debug-keys KEYS: the hypervisor prints what the keys ask for ('h'
 * lists them) in its log, which xl dmesg shows. */
int main_debug_keys(int argc, char **argv)
{
	int rc;

	while (xl_getopt(argc, argv, "", "debug-keys", 1) != -1)
		;
	xl_open();
	rc = bx_debug_keys(&xl_bx, argv[optind]);
	if (rc < 0) {
		fprintf(stderr, "cannot send debug keys: %s\n", strerror(-rc));
		return EXIT_FAILURE;
	}
	return EXIT_SUCCESS;
}
