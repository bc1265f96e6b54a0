/*
 * CHANNELSPEC strings of channel= (docs/man/xl.cfg.5.pod.in, CHANNELS;
 * docs/misc/channel.txt; tools/xl/xl_parse.c reads backend=, name=,
 * connection=pty|socket and path=): comma-separated key=value settings
 * (cfg_spec.c).  As libxl requires, a channel has a name
 * and a connection, and a socket has a path; a path with a pty, an
 * unknown key or a malformed value is an error here (xl carries on or
 * exits, case by case).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cfg_priv.h"

static int set_string(char **field, const char *value)
{
	free(*field);
	*field = strdup(value);
	return *field ? 0 : -1;
}

static int parse_setting(void *obj, char *setting, char *why, size_t why_len)
{
	struct xl_channel *chn = obj;
	char *value = strchr(setting, '=');
	int bad;

	if (!value) {
		snprintf(why, why_len, "unrecognized argument \"%s\"", setting);
		return -1;
	}
	*value++ = '\0';
	if (!strcmp(setting, "name"))
		bad = !*value || set_string(&chn->name, value);
	else if (!strcmp(setting, "path"))
		bad = !*value || set_string(&chn->path, value);
	else if (!strcmp(setting, "backend"))
		bad = !*value || set_string(&chn->backend_domname, value);
	else if (!strcmp(setting, "connection")) {
		bad = strcmp(value, "pty") && strcmp(value, "socket");
		chn->connection = !strcmp(value, "pty") ? XL_CHANNEL_PTY : XL_CHANNEL_SOCKET;
	} else {
		snprintf(why, why_len, "unrecognized argument \"%s\"", setting);
		return -1;
	}
	if (bad)
		snprintf(why, why_len, "invalid %s \"%s\"", setting, value);
	return bad ? -1 : 0;
}

/* What libxl__init_console_from_channel insists on. */
static int check_channel(const struct xl_channel *chn, char *why, size_t why_len)
{
	if (!chn->name)
		snprintf(why, why_len, "a channel needs name=");
	else if (chn->connection == XL_CHANNEL_UNSET)
		snprintf(why, why_len, "a channel needs connection=pty or connection=socket");
	else if (chn->connection == XL_CHANNEL_SOCKET && !chn->path)
		snprintf(why, why_len, "connection=socket needs path=");
	else if (chn->connection == XL_CHANNEL_PTY && chn->path)
		snprintf(why, why_len, "path= applies to connection=socket only");
	else
		return 0;
	return -1;
}

int xl_channel_parse(const char *spec, struct xl_channel *chn, char *why, size_t why_len)
{
	int rc;

	memset(chn, 0, sizeof(*chn));
	rc = xl_spec_settings(spec, parse_setting, chn, why, why_len);
	if (rc == 0)
		rc = check_channel(chn, why, why_len);
	if (rc < 0)
		xl_channel_dispose(chn);
	return rc;
}

void xl_channel_dispose(struct xl_channel *chn)
{
	free(chn->name);
	free(chn->path);
	free(chn->backend_domname);
	chn->name = chn->path = chn->backend_domname = NULL;
}
