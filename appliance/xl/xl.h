/*
 * xl.h - Bastion's xl: one command table (main.c), one file per command
 * family, and the helpers they share.  Output follows Debian's Xen 4.17
 * xl byte for byte (tools/xl/xl_*.c of Xen 4.17 for the formats); the
 * hypervisor and xenstore are reached through libbx (appliance/lib).
 */
#ifndef XL_H
#define XL_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <getopt.h>

#include "bx.h"

struct xl_command {
	const char *name;
	int (*handler)(int argc, char **argv);
	const char *usage;   /* the arguments, after "xl NAME " */
	const char *help;    /* one line */
	const char *options; /* option lines, or NULL */
};

const struct xl_command *xl_find_command(const char *name);
void xl_help(const char *name);

/* ---- xl_ctx.c: the open handles, domain names and ids ---- */

extern struct bx xl_bx;
extern struct bx_xs xl_xs;

/* Opens privcmd and xenstore once; on failure says why and exits. */
void xl_open(void);
/* The domain's name from /local/domain/N/name, malloc'ed, or NULL. */
char *xl_domid_to_name(uint32_t domid);
/* Looks a domain up by number or name; 0 if found, -1 if not. */
int xl_name_to_domid(const char *name, uint32_t *domid);
/* The same, but says "... is an invalid domain identifier" and exits. */
uint32_t xl_find_domain(const char *qualifier);
/* Every domain; says "libxl_list_domain failed." and returns -1. */
int xl_list_domains(struct xen_domctl_getdomaininfo **infos);

/*
 * Option parsing as xl's commands do it: returns the next option letter,
 * -1 at the end, or 2 when the command already printed help / an error
 * (the caller returns it).  Needs at least min_args non-option arguments.
 */
int xl_getopt(int argc, char **argv, const char *optstring,
	      const char *cmd, int min_args);

/* ---- xl_fmt.c: formats and parsers, no hypervisor needed ---- */

/* A CPU bitmap of nr_bits as xl prints it: "all", "none", "0-1,3". */
void xl_format_bitmap(const uint8_t *map, int nr_bits, char *out, size_t size);
/* "1-3,^2", "all", "4": sets bits in map (nr_bits); -1 on a bad range. */
int xl_parse_cpurange(const char *spec, uint8_t *map, int nr_bits);
/* "256", "256m", "1g", "512k", "4096b" as KiB; -1 if malformed. */
int64_t xl_parse_mem_kb(const char *text);
/* Uptime seconds as xl prints them, short (no seconds) or long. */
void xl_format_uptime(unsigned long seconds, bool short_mode, char *out, size_t size);
/* The state column of xl list: "r-----", "--p---", "---s--". */
void xl_format_state(uint32_t flags, char out[7]);
/* The domain's UUID as xl prints it (36 chars + NUL). */
void xl_uuid_string(const xen_domain_handle_t handle, char out[37]);
/* The scheduler's name as libxl spells it, or NULL. */
const char *xl_scheduler_name(uint32_t sched_id);

/* Pauses the domain, removes its xenstore trees as libxl does, destroys
 * it (cmd_dom.c); 0 or a libxl-style error code, with a message. */
int xl_destroy_domain(uint32_t domid);

/* ---- command handlers (cmd_*.c) ---- */

int main_create(int argc, char **argv);
int main_vcpuset(int argc, char **argv);
int main_console(int argc, char **argv);

int main_list(int argc, char **argv);
int main_domid(int argc, char **argv);
int main_domname(int argc, char **argv);
int main_info(int argc, char **argv);
int main_dmesg(int argc, char **argv);
int main_debug_keys(int argc, char **argv);
int main_uptime(int argc, char **argv);
int main_pause(int argc, char **argv);
int main_unpause(int argc, char **argv);
int main_destroy(int argc, char **argv);
int main_shutdown(int argc, char **argv);
int main_reboot(int argc, char **argv);
int main_rename(int argc, char **argv);
int main_vcpulist(int argc, char **argv);
int main_vcpupin(int argc, char **argv);
int main_sched_credit2(int argc, char **argv);
int main_memmax(int argc, char **argv);
int main_memset(int argc, char **argv);
int main_blockattach(int argc, char **argv);
int main_blocklist(int argc, char **argv);
int main_blockdetach(int argc, char **argv);
int main_networkattach(int argc, char **argv);
int main_networklist(int argc, char **argv);
int main_networkdetach(int argc, char **argv);

#endif
