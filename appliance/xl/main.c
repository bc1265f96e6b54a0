/*
 * main.c - xl's entry point and its one command table: each entry names
 * a command, its handler, its arguments and a line of help.  Global
 * options before the command are those Debian's xl takes (-v, -f, -N,
 * -t, -T); this xl accepts and ignores them.  Command lines and exit
 * codes follow Xen 4.17's xl.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xl.h"

static const struct xl_command commands[] = {
	{ "create", main_create, "<ConfigFile> [options] [vars]", "Create a domain from config file <filename>",
	  "-c                      Connect to the console after the domain is created\n"
	  "-p                      Leave the domain paused after it is created\n"
	  "-q                      Quiet\n"
	  "-n                      Dry run: parse the configuration, create nothing" },
	{ "list", main_list, "[options] [Domain]", "List information about all/some domains",
	  "-l, --long              Output all VM details (not yet supported here)" },
	{ "info", main_info, "[-n] [name]", "Show information about the host",
	  "-n, --numa              Also NUMA and CPU topology (not yet supported here)" },
	{ "dmesg", main_dmesg, "[-c]", "Print the hypervisor's console log",
	  "-c                      Empty the log after reading it" },
	{ "debug-keys", main_debug_keys, "<Keys>", "Send debug keys to the hypervisor ('h': their list; xl dmesg shows the output)",
	  NULL },
	{ "domid", main_domid, "<DomainName>", "Print the id of the named domain", NULL },
	{ "domname", main_domname, "<DomainId>", "Print the name of the numbered domain", NULL },
	{ "uptime", main_uptime, "[-s] [Domain]", "Print how long domains have been up",
	  "-s                      Short form, as uptime(1) prints it" },
	{ "pause", main_pause, "<Domain>", "Stop a domain's vCPUs from running", NULL },
	{ "unpause", main_unpause, "<Domain>", "Let a paused domain run again", NULL },
	{ "destroy", main_destroy, "[-f] <Domain>", "End a domain at once, without asking it",
	  "-f                      Allow domain 0 to be destroyed" },
	{ "shutdown", main_shutdown, "[-w] <Domain>", "Ask a domain to power off",
	  "-w, --wait              Wait until the domain has shut down" },
	{ "reboot", main_reboot, "[-w] <Domain>", "Ask a domain to reboot",
	  "-w, --wait              Wait until the domain has shut down" },
	{ "rename", main_rename, "<Domain> <NewDomainName>", "Give a domain a new name", NULL },
	{ "vcpu-list", main_vcpulist, "[Domain, ...]", "List the vCPUs of all/some domains", NULL },
	{ "console", main_console, "[options] <Domain>", "Attach to domain's console",
	  "-t <type>               console type, pv (a PVH guest has no serial)\n"
	  "-n <number>             console number" },
	{ "vcpu-set", main_vcpuset, "<Domain> <vCPUs>", "Set the number of active vCPUs of a domain", NULL },
	{ "vcpu-pin", main_vcpupin, "<Domain> <VCPU|all> <Hard affinity|-> [Soft affinity|-]",
	  "Set which physical CPUs a vCPU may run on", NULL },
	{ "sched-credit2", main_sched_credit2, "[-d <Domain> [-w[=WEIGHT]]|[-c[=CAP]]]",
	  "Get or set a domain's credit2 scheduler parameters",
	  "-d DOMAIN, --domain=DOMAIN     Domain to read or change\n"
	  "-w WEIGHT, --weight=WEIGHT     Relative weight (1-65535)\n"
	  "-c CAP, --cap=CAP              Cap, in percent of one CPU (0: none)" },
	{ "mem-max", main_memmax, "<Domain> <MemKB>", "Set a domain's maximum memory", NULL },
	{ "mem-set", main_memset, "<Domain> <MemKB>", "Set a domain's memory target", NULL },
	{ "block-attach", main_blockattach, "<Domain> <disk-spec-component(s)>...",
	  "Create a new virtual block device", NULL },
	{ "block-list", main_blocklist, "<Domain(s)>", "List virtual block devices for a domain", NULL },
	{ "block-detach", main_blockdetach, "[-f|--force] <Domain> <DevId>",
	  "Destroy a domain's virtual block device",
	  "-f, --force             Remove the device without waiting for its backend" },
	{ "network-attach", main_networkattach, "<Domain> [type=<type>] [mac=<mac>] [bridge=<bridge>] "
	  "[ip=<ip>] [script=<script>] [backend=<BackDomain>] [vifname=<name>] [rate=<rate>] "
	  "[model=<model>][accel=<accel>]", "Create a new virtual network device", NULL },
	{ "network-list", main_networklist, "<Domain(s)>", "List virtual network interfaces for a domain",
	  NULL },
	{ "network-detach", main_networkdetach, "<Domain> <DevId|mac>",
	  "Destroy a domain's virtual network device", NULL },
};

#define NR_COMMANDS (sizeof(commands) / sizeof(commands[0]))

const struct xl_command *xl_find_command(const char *name)
{
	for (size_t i = 0; i < NR_COMMANDS; i++)
		if (strcmp(commands[i].name, name) == 0)
			return &commands[i];
	return NULL;
}

void xl_help(const char *name)
{
	const struct xl_command *cmd = name ? xl_find_command(name) : NULL;

	if (!cmd) {
		printf("Usage xl [-vfNtT] <subcommand> [args]\n\n");
		printf("xl full list of subcommands:\n\n");
		for (size_t i = 0; i < NR_COMMANDS; i++)
			printf(" %-19s %s\n", commands[i].name, commands[i].help);
		return;
	}
	printf("Usage: xl %s %s\n\n%s.\n\n", cmd->name, cmd->usage, cmd->help);
	if (cmd->options)
		printf("Options:\n\n%s\n", cmd->options);
}

int main(int argc, char **argv)
{
	const struct xl_command *cmd;
	int opt;

	while ((opt = getopt(argc, argv, "+vfNtTh")) >= 0) {
		if (opt == 'h' || opt == '?') {
			xl_help(NULL);
			return opt == 'h' ? 0 : 2;
		}
	}
	if (optind >= argc) {
		xl_help(NULL);
		return 2;
	}
	cmd = xl_find_command(argv[optind]);
	if (!cmd) {
		fprintf(stderr, "command not implemented\n");
		return 2;
	}
	argc -= optind;
	argv += optind;
	optind = 0; /* the command parses its own options from argv[1] */
	return cmd->handler(argc, argv);
}
