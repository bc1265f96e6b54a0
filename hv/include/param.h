/*
 * Hypervisor command-line options.  Each option is declared where it is
 * used, with HV_PARAM_*(), which places a descriptor in the hv_params
 * linker section; cmdline_parse() walks that section.  Syntax follows
 * Xen's: "name=value" separated by spaces; booleans also as "name",
 * "no-name" or name=on/off/yes/no/true/false/1/0.
 */
#ifndef BASTION_PARAM_H
#define BASTION_PARAM_H

#include "lib.h"

enum param_type { PARAM_BOOL, PARAM_UINT, PARAM_SIZE, PARAM_STRING, PARAM_CUSTOM };

struct hv_param {
	const char *name;
	enum param_type type;
	void *var;
	size_t var_size; /* PARAM_STRING: buffer size */
	/* PARAM_CUSTOM: returns NULL when accepted, else why not. */
	const char *(*parse)(const char *value, size_t len);
};

#define HV_PARAM_DEFINE(name_, type_, var_, size_, fn_)                                   \
	static const struct hv_param __param_##var_##_##type_                              \
		__attribute__((used, section("hv_params"), aligned(8))) = {               \
			name_, type_, &(var_), size_, fn_ }
#define HV_PARAM_BOOL(name, var) HV_PARAM_DEFINE(name, PARAM_BOOL, var, sizeof(var), NULL)
#define HV_PARAM_UINT(name, var) HV_PARAM_DEFINE(name, PARAM_UINT, var, sizeof(var), NULL)
#define HV_PARAM_SIZE(name, var) HV_PARAM_DEFINE(name, PARAM_SIZE, var, sizeof(var), NULL)
#define HV_PARAM_STRING(name, var) HV_PARAM_DEFINE(name, PARAM_STRING, var, sizeof(var), NULL)
#define HV_PARAM_CUSTOM(name, fn) \
	static char __param_dummy_##fn; \
	HV_PARAM_DEFINE(name, PARAM_CUSTOM, __param_dummy_##fn, 0, fn)

/* Reports one rejected option; the parse goes on. */
typedef void (*param_report_fn)(const char *option, size_t len, const char *why);

/* The hv's command line as the loader gave it (XENVER_commandline). */
extern const char *hv_cmdline;

/* Applies every option in cmdline against the descriptors [first, last).
 * A leading word containing '/' is the image's file name (some loaders
 * pass it) and is skipped.  Returns the number of rejected options. */
int cmdline_parse(const char *cmdline, const struct hv_param *first,
		  const struct hv_param *last, param_report_fn report);

#endif
