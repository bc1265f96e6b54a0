/*
 * cmd_create.c - `xl create [-c] [-p] [-q] [-n] cfg [key=value ...]`:
 * reads an xl.cfg file (cfg.h) with the overrides after it, loads the
 * kernel and ramdisk it names through the PVH builder, builds the domain
 * (create_build.c), writes its xenstore nodes (create_xs.c), waits for
 * the console daemon to give it a tty, starts it, and leaves a process
 * behind to act on its poweroff, reboot or crash (create_watch.c).
 * Messages as Xen 4.17's xl prints them where a user would look for them.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "create.h"
#include "domain_json.h"

#define CONSOLE_TTY_WAIT_MS 10000 /* libxl waits this long for console/tty */

char *xl_read_file(const char *what, const char *path, size_t *len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	char *buf = NULL;
	if (fd >= 0 && fstat(fd, &st) == 0 && (buf = malloc((size_t)st.st_size + 1))) {
		size_t got = 0;
		ssize_t n = 1;
		while (got < (size_t)st.st_size && (n = read(fd, buf + got, (size_t)st.st_size - got)) > 0)
			got += (size_t)n;
		if (n <= 0 && got < (size_t)st.st_size) {
			free(buf);
			buf = NULL;
		} else {
			buf[got] = 0;
			*len = got;
		}
	}
	if (!buf)
		fprintf(stderr, "Failed to read %s %s: %s\n", what, path, strerror(errno));
	if (fd >= 0)
		close(fd);
	return buf;
}

/* The config file plus overrides as a typed domain config; 0 or -1. */
int xl_read_domain_cfg(const char *path, char *const *overrides, int nr, struct xl_domain_cfg *dom)
{
	size_t len;
	struct xl_cfg_err err = { 0 };
	char *text = xl_read_file("config file", path, &len);
	if (!text)
		return -1;
	struct xl_cfg *cfg = xl_cfg_parse(path, text, len, &err);
	free(text);
	for (int i = 0; cfg && i < nr; i++)
		if (xl_cfg_apply_override(cfg, overrides[i], &err) < 0) {
			xl_cfg_free(cfg);
			cfg = NULL;
		}
	int rc = cfg ? xl_domain_cfg_from(cfg, dom, stderr, &err) : -1;
	if (rc)
		fprintf(stderr, "%s\n", err.text);
	xl_cfg_free(cfg);
	return rc;
}

/* With XL_TIMING in the environment, how long each phase of create took
 * (CLOCK_MONOTONIC, ms), to stderr: where `xl create`'s time goes. */
static void phase_done(const char *what)
{
	static struct timespec last;
	static int on = -1;
	struct timespec now;

	if (on < 0)
		on = getenv("XL_TIMING") != NULL;
	clock_gettime(CLOCK_MONOTONIC, &now);
	if (on && what)
		fprintf(stderr, "xl: timing: %-10s %6.1f ms\n", what,
			(double)(now.tv_sec - last.tv_sec) * 1e3 + (double)(now.tv_nsec - last.tv_nsec) / 1e6);
	last = now;
}

/* The plan for dom: kernel and ramdisk loaded and laid out; 0 or -1. */
static int plan_domain(const struct xl_domain_cfg *dom, struct pvh_kernel *k, struct pvh_plan *plan)
{
	size_t rlen = 0;
	char err[256];
	if (!dom->kernel) {
		fprintf(stderr, "xl create: no kernel= in the configuration (PVH guests boot a kernel directly)\n");
		return -1;
	}
	char *ramdisk = dom->ramdisk ? xl_read_file("ramdisk", dom->ramdisk, &rlen) : NULL;
	int rc = dom->ramdisk && !ramdisk ? -1 : 0;
	phase_done("ramdisk");
	if (!rc && xl_kernel_load(dom->kernel, k, err, sizeof(err))) {
		fprintf(stderr, "xl create: kernel %s: %s\n", dom->kernel, err);
		rc = -1;
	}
	phase_done("kernel");
	struct pvh_shape shape = { (uint64_t)dom->memory_mb, dom->vcpus, dom->maxvcpus };
	if (!rc && pvh_plan(k, ramdisk, rlen, dom->cmdline ? dom->cmdline : "", &shape, plan, err, sizeof(err))) {
		fprintf(stderr, "xl create: %s\n", err);
		pvh_kernel_free(k);
		rc = -1;
	}
	free(ramdisk);
	phase_done("plan");
	return rc;
}

/* Waits for the console daemon to write console/tty (as libxl does). */
static void wait_console_tty(uint32_t domid)
{
	char path[48];
	snprintf(path, sizeof(path), "/local/domain/%u/console/tty", domid);
	for (int waited = 0; waited < CONSOLE_TTY_WAIT_MS; waited += 50) {
		char *tty = bx_xs_read(&xl_xs, 0, path, NULL);
		bool ready = tty && *tty;
		free(tty);
		if (ready)
			return;
		usleep(50 * 1000);
	}
	fprintf(stderr, "xl create: warning: domain %u has no console tty (is the console daemon running?)\n",
		domid);
}

static void random_uuid(uint8_t uuid[16])
{
	int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
	if (fd < 0 || read(fd, uuid, 16) != 16) {
		srand((unsigned)time(NULL) ^ (unsigned)getpid());
		for (int i = 0; i < 16; i++)
			uuid[i] = (uint8_t)rand();
	}
	if (fd >= 0)
		close(fd);
	uuid[6] = (uuid[6] & 0x0f) | 0x40; /* version 4 */
	uuid[8] = (uuid[8] & 0x3f) | 0x80; /* RFC 4122 variant */
}

/* libxl keeps the configuration beside the domain for `xl list -l`. */
static int store_config(uint32_t domid, const struct xl_domain_cfg *dom)
{
	struct xj *cfg = xl_domain_json(dom);
	int rc = cfg ? xl_store_domain_json(domid, dom->uuid, cfg) : -1;

	if (!cfg)
		fprintf(stderr, "xl create: out of memory\n");
	xj_free(cfg);
	return rc;
}

int xl_create_domain(const struct xl_domain_cfg *dom, bool paused, uint32_t *domid)
{
	struct pvh_kernel k;
	struct pvh_plan plan;
	struct xl_new_domain nd = { 0 };
	uint32_t other;
	if (xl_name_to_domid(dom->name, &other) == 0) {
		fprintf(stderr, "xl create: a domain named \"%s\" already exists (domain %u)\n", dom->name, other);
		return -1;
	}
	phase_done(NULL);
	if (xl_disks_check(dom) || xl_vifs_check(dom) || xl_channels_check(dom) ||
	    plan_domain(dom, &k, &plan))
		return -1;
	int rc = xl_build_pvh(dom, &plan, &nd);
	phase_done("build");
	pvh_plan_free(&plan);
	pvh_kernel_free(&k);
	if (rc)
		return -1;
	rc = xl_xs_make_domain(nd.domid, dom);
	if (!rc)
		rc = store_config(nd.domid, dom);
	if (!rc)
		rc = xl_xs_finish_domain(&nd, dom);
	if (!rc)
		rc = xl_devices_add(nd.domid, dom);
	if (rc) {
		xl_destroy_domain(nd.domid);
		return -1;
	}
	phase_done("xenstore");
	wait_console_tty(nd.domid);
	phase_done("console");
	if (!paused && (rc = bx_unpausedomain(&xl_bx, nd.domid))) {
		fprintf(stderr, "xl create: unpausing domain %u: %s\n", nd.domid, strerror(-rc));
		xl_destroy_domain(nd.domid);
		return -1;
	}
	*domid = nd.domid;
	return 0;
}

/* `xl console <domid>` in this same program, replacing it. */
static void exec_console(uint32_t domid)
{
	char id[16];
	snprintf(id, sizeof(id), "%u", domid);
	execl("/proc/self/exe", "xl", "console", id, (char *)NULL);
	fprintf(stderr, "xl create: cannot attach to the console: %s\n", strerror(errno));
	exit(EXIT_FAILURE);
}

int main_create(int argc, char **argv)
{
	bool console = false, paused = false, dry_run = false;
	int opt;
	while ((opt = xl_getopt(argc, argv, "cpqnFeVd", "create", 1)) != -1) {
		if (opt == 'c')
			console = true;
		else if (opt == 'p')
			paused = true;
		else if (opt == 'n')
			dry_run = true;
	}
	const char *path = argv[optind];
	struct xl_domain_cfg dom;
	fprintf(stderr, "Parsing config from %s\n", path);
	if (xl_read_domain_cfg(path, argv + optind + 1, argc - optind - 1, &dom))
		return EXIT_FAILURE;
	if (!dom.has_uuid)
		random_uuid(dom.uuid);
	if (dry_run) {
		xl_domain_cfg_dispose(&dom);
		return EXIT_SUCCESS;
	}
	xl_open();
	uint32_t domid;
	int rc = xl_create_domain(&dom, paused, &domid);
	if (!rc)
		xl_watch_domain(domid, &dom);
	xl_domain_cfg_dispose(&dom);
	if (rc)
		return EXIT_FAILURE;
	if (console)
		exec_console(domid);
	return EXIT_SUCCESS;
}
