/*
 * VIFSPEC strings of vif= (docs/man/xl-network-configuration.5.pod.in;
 * tools/xl/xl_parse.c parse_nic_config, tools/libs/util/libxlu_vif.c for
 * rate=): comma-separated `key=value` settings or flags (cfg_spec.c);
 * '' is a vif with every default.
 * Unlike xl, which prints a message and carries on, an unknown or
 * malformed setting is an error here.
 *
 * Bastion's own keys: net=bridge|user (user: libslirp networking in the
 * device model, QEMU's -netdev user) and, with net=user only, hostfwd=
 * in QEMU's syntax ([tcp|udp]:[hostaddr]:hostport-[guestaddr]:guestport,
 * appliance/lib/bx_hostfwd.c), repeatable.
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "bx_hostfwd.h"
#include "cfg_priv.h"

/* "hh:hh:hh:hh:hh:hh", one or two hex digits a byte, ':' or '-' between. */
static int parse_mac(const char *text, uint8_t mac[6])
{
	const char *p = text;
	int i;

	for (i = 0; i < 6; i++) {
		char *end;
		unsigned long byte;

		if (!isxdigit((unsigned char)*p))
			return -1;
		byte = strtoul(p, &end, 16);
		if (end - p > 2 || byte > 255)
			return -1;
		mac[i] = (uint8_t)byte;
		p = end;
		if (i < 5 && *p != ':' && *p != '-')
			return -1;
		p += i < 5;
	}
	return *p ? -1 : 0;
}

/* "N[GMK](B|b)/s": bytes per second, as libxlu_vif.c reads it. */
static int parse_rate_bytes(const char *text, size_t len, uint64_t *bytes_per_sec)
{
	size_t digits = strspn(text, "0123456789");
	const char *unit = text + digits;
	uint64_t scale = 1;
	unsigned long long number;

	if (!digits)
		return -1;
	if (*unit == 'G' || *unit == 'M' || *unit == 'K')
		scale = *unit == 'G' ? 1000000000 : *unit == 'M' ? 1000000 : 1000;
	unit += scale != 1;
	if ((*unit != 'B' && *unit != 'b') || (size_t)(unit + 3 - text) != len ||
	    strncmp(unit + 1, "/s", 2))
		return -1;
	errno = 0;
	number = strtoull(text, NULL, 0);
	if (number == 0 || number > UINT32_MAX || errno)
		return -1;
	*bytes_per_sec = number * scale / (*unit == 'b' ? 8 : 1);
	return 0;
}

/* "N[mu]?s?": the replenishment interval in microseconds (s by default). */
static int parse_rate_interval(const char *text, uint32_t *usecs)
{
	size_t digits = strspn(text, "0123456789");
	const char *unit = text + digits;
	unsigned long long number;
	uint64_t scale = 1000000;

	if (!digits)
		return -1;
	if (*unit == 'm' || *unit == 'u')
		scale = *unit++ == 'm' ? 1000 : 1;
	if (*unit == 's')
		unit++;
	errno = 0;
	number = strtoull(text, NULL, 0);
	if (*unit || number == 0 || number > UINT32_MAX || errno || number * scale > UINT32_MAX)
		return -1;
	*usecs = (uint32_t)(number * scale);
	return 0;
}

static int parse_rate(const char *text, struct xl_vif *vif)
{
	const char *at = strchr(text, '@');
	size_t len = at ? (size_t)(at - text) : strlen(text);
	uint64_t bytes_per_sec;
	uint32_t usecs = 50000;        /* xl's default interval: 50 ms */

	if (parse_rate_bytes(text, len, &bytes_per_sec) < 0)
		return -1;
	if (at && parse_rate_interval(at + 1, &usecs) < 0)
		return -1;
	vif->has_rate = true;
	vif->rate_interval_usecs = usecs;
	vif->rate_bytes_per_interval = bytes_per_sec * usecs / 1000000;
	return 0;
}

static int parse_ulong(const char *text, unsigned long *out)
{
	char *end;

	errno = 0;
	*out = strtoul(text, &end, 10);
	return (!isdigit((unsigned char)*text) || *end || errno) ? -1 : 0;
}

/* Whether two rules would listen on the same host socket: one protocol,
 * one port, and one address or either the any address (0.0.0.0 takes
 * the port on every address, so a second bind fails). */
static bool hostfwd_clash(const struct bx_hostfwd *a, const struct bx_hostfwd *b)
{
	return a->udp == b->udp && a->host_port == b->host_port &&
	       (a->host_addr.s_addr == b->host_addr.s_addr || !a->host_addr.s_addr ||
		!b->host_addr.s_addr);
}

/* The rule in the blank-separated list that clashes with rule: its
 * start, with its length in *len; NULL when none does. */
static const char *hostfwd_find_clash(const char *list, const struct bx_hostfwd *rule,
				      size_t *len)
{
	struct bx_hostfwd other;

	while (list && *list) {
		*len = strcspn(list, " ");
		if (bx_hostfwd_parse(list, *len, &other) == 0 && hostfwd_clash(&other, rule))
			return list;
		list += *len;
		list += *list == ' ';
	}
	return NULL;
}

/* One more hostfwd rule, checked (alone and against the vif's others),
 * onto the blank-separated list; -1 with why filled on error. */
static int add_hostfwd(struct xl_vif *vif, const char *rule, char *why, size_t why_len)
{
	struct bx_hostfwd parsed;
	size_t old = vif->hostfwd ? strlen(vif->hostfwd) : 0, len = strlen(rule), clen = 0;
	const char *clash;
	char *list;

	if (bx_hostfwd_parse(rule, len, &parsed) < 0)
		return snprintf(why, why_len, "invalid hostfwd \"%s\"", rule), -1;
	clash = hostfwd_find_clash(vif->hostfwd, &parsed, &clen);
	if (clash)
		return snprintf(why, why_len, "hostfwd \"%s\" forwards the same host %s port "
				"as \"%.*s\"", rule, parsed.udp ? "udp" : "tcp", (int)clen,
				clash), -1;
	list = realloc(vif->hostfwd, old + len + 2);
	if (!list)
		return snprintf(why, why_len, "out of memory"), -1;
	if (old)
		list[old++] = ' ';
	memcpy(list + old, rule, len + 1);
	vif->hostfwd = list;
	return 0;
}

static char **string_field(struct xl_vif *vif, const char *key)
{
	static const char *const keys[] = { "bridge", "gatewaydev", "netdev", "ip", "script",
					    "backend", "vifname", "model" };
	char **const fields[] = { &vif->bridge, &vif->gatewaydev, &vif->gatewaydev, &vif->ip,
				  &vif->script, &vif->backend_domname, &vif->vifname, &vif->model };
	size_t i;

	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (!strcmp(key, keys[i]))
			return fields[i];
	return NULL;
}

/* One key=value setting; returns -1 with why filled on error. */
static int parse_keyed(struct xl_vif *vif, const char *key, const char *value, char *why,
		       size_t why_len)
{
	char **field = string_field(vif, key);
	unsigned long number;
	int bad = 0;

	if (field) {
		free(*field);
		*field = strdup(value);
		bad = !*field;
	} else if (!strcmp(key, "mac")) {
		bad = parse_mac(value, vif->mac);
		vif->has_mac = true;
	} else if (!strcmp(key, "type")) {
		bad = strcmp(value, "vif") && strcmp(value, "ioemu");
		vif->type = !strcmp(value, "vif") ? XL_VIF_TYPE_VIF : XL_VIF_TYPE_IOEMU;
	} else if (!strcmp(key, "net")) {
		bad = strcmp(value, "bridge") && strcmp(value, "user");
		vif->net = !strcmp(value, "user") ? XL_VIF_NET_USER : XL_VIF_NET_BRIDGE;
	} else if (!strcmp(key, "hostfwd")) {
		return add_hostfwd(vif, value, why, why_len);
	} else if (!strcmp(key, "rate")) {
		bad = parse_rate(value, vif);
	} else if (!strcmp(key, "devid")) {
		bad = parse_ulong(value, &number) || number > 65535;
		vif->devid = (long)number;
	} else if (!strcmp(key, "mtu")) {
		bad = parse_ulong(value, &number);
		vif->mtu = number;
	} else if (!strcmp(key, "accel")) {
		bad = 0;                /* xl ignores it too */
	} else {
		snprintf(why, why_len, "%s \"%s\"", !strncmp(key, "colo_", 5) ?
			 "COLO settings are not supported:" : "unrecognized argument", key);
		return -1;
	}
	if (bad)
		snprintf(why, why_len, "invalid %s \"%s\"", key, value);
	return bad ? -1 : 0;
}

static int parse_setting(void *obj, char *setting, char *why, size_t why_len)
{
	struct xl_vif *vif = obj;
	char *equals = strchr(setting, '=');

	if (!strcmp(setting, "trusted") || !strcmp(setting, "untrusted")) {
		vif->trusted = setting[0] == 't' ? XL_TRUE : XL_FALSE;
		return 0;
	}
	if (!equals) {
		snprintf(why, why_len, "unrecognized argument \"%s\"", setting);
		return -1;
	}
	*equals = '\0';
	return parse_keyed(vif, setting, equals + 1, why, why_len);
}

/* Settings that make sense only with one net= or the other. */
static int check_net(const struct xl_vif *vif, char *why, size_t why_len)
{
	if (vif->net == XL_VIF_NET_USER && vif->bridge)
		snprintf(why, why_len, "bridge= does not apply to net=user");
	else if (vif->net == XL_VIF_NET_USER && vif->script)
		snprintf(why, why_len, "script= does not apply to net=user");
	else if (vif->net != XL_VIF_NET_USER && vif->hostfwd)
		snprintf(why, why_len, "hostfwd= needs net=user");
	else
		return 0;
	return -1;
}

int xl_vif_parse(const char *spec, struct xl_vif *vif, char *why, size_t why_len)
{
	int rc;

	memset(vif, 0, sizeof(*vif));
	vif->devid = -1;
	vif->trusted = XL_DEFAULT;
	rc = xl_spec_settings(spec, parse_setting, vif, why, why_len);
	if (rc == 0)
		rc = check_net(vif, why, why_len);
	if (rc < 0)
		xl_vif_dispose(vif);
	return rc;
}

void xl_vif_dispose(struct xl_vif *vif)
{
	free(vif->bridge);
	free(vif->gatewaydev);
	free(vif->ip);
	free(vif->script);
	free(vif->backend_domname);
	free(vif->vifname);
	free(vif->model);
	free(vif->hostfwd);
	vif->hostfwd = NULL;
	vif->bridge = vif->gatewaydev = vif->ip = vif->script = NULL;
	vif->backend_domname = vif->vifname = vif->model = NULL;
}
