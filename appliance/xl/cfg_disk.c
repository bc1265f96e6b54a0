/*
 * DISKSPEC strings of disk= (docs/man/xl-disk-configuration.5.pod.in; the
 * token rules of Xen 4.17 tools/libs/util/libxlu_disk_l.l): comma-separated
 * parameters, each `key=value`, a flag (cdrom, discard, ...) or positional
 * (target, format, vdev, access in that order); blanks before a parameter
 * are skipped; `target=` takes the rest of the spec, commas included;
 * deprecated prefixes such as "phy:" or "raw:" may precede the target.
 */
#include <stdlib.h>
#include <string.h>

#include "cfg.h"

struct disk_parse {
	struct xl_disk *disk;
	bool had_prefix;               /* a deprecated "fmt:" prefix was seen */
	bool access_set;
	char *why;
	size_t why_len;
};

static int fail(struct disk_parse *dp, const char *what, const char *text)
{
	snprintf(dp->why, dp->why_len, "%s \"%s\"", what, text);
	return -1;
}

/* Sets *field to value unless it already holds a different non-empty one. */
static int save_string(struct disk_parse *dp, char **field, const char *value, const char *what)
{
	char *copy;

	if (*field && **field) {
		snprintf(dp->why, dp->why_len, "%s respecified (\"%s\")", what, value);
		return -1;
	}
	copy = strdup(value);
	if (!copy)
		return fail(dp, "out of memory at", value);
	free(*field);
	*field = copy;
	return 0;
}

static int set_format(struct disk_parse *dp, const char *text)
{
	static const char *const names[] = {
		[XL_DISK_FORMAT_QCOW] = "qcow", [XL_DISK_FORMAT_QCOW2] = "qcow2",
		[XL_DISK_FORMAT_VHD] = "vhd",   [XL_DISK_FORMAT_RAW] = "raw",
		[XL_DISK_FORMAT_EMPTY] = "empty", [XL_DISK_FORMAT_QED] = "qed",
	};
	enum xl_disk_format format = XL_DISK_FORMAT_UNKNOWN;
	size_t i;

	for (i = 1; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcmp(text, names[i]))
			format = (enum xl_disk_format)i;
	if (!*text)
		format = XL_DISK_FORMAT_RAW;
	if (format == XL_DISK_FORMAT_UNKNOWN)
		return fail(dp, "unknown value for format", text);
	if (dp->disk->format != XL_DISK_FORMAT_UNKNOWN && dp->disk->format != format)
		return fail(dp, "format respecified", text);
	dp->disk->format = format;
	return 0;
}

static int set_access(struct disk_parse *dp, const char *text)
{
	if (!strcmp(text, "r") || !strcmp(text, "ro"))
		dp->disk->readwrite = false;
	else if (!strcmp(text, "rw") || !strcmp(text, "w") || !*text)
		dp->disk->readwrite = true;
	else
		return fail(dp, "unknown value for access", text);
	return 0;
}

static int set_backendtype(struct disk_parse *dp, const char *text)
{
	static const char *const names[] = {
		[XL_DISK_BACKEND_PHY] = "phy", [XL_DISK_BACKEND_TAP] = "tap",
		[XL_DISK_BACKEND_QDISK] = "qdisk", [XL_DISK_BACKEND_STANDALONE] = "standalone",
	};
	size_t i;

	for (i = 1; i < sizeof(names) / sizeof(names[0]); i++) {
		if (strcmp(text, names[i]))
			continue;
		if (dp->disk->backendtype && dp->disk->backendtype != (enum xl_disk_backend)i)
			return fail(dp, "backendtype respecified", text);
		dp->disk->backendtype = (enum xl_disk_backend)i;
		return 0;
	}
	return fail(dp, "unknown value for backendtype", text);
}

static int set_devtype(struct disk_parse *dp, const char *text)
{
	if (strcmp(text, "cdrom") && strcmp(text, "disk"))
		return fail(dp, "unknown value for devtype", text);
	dp->disk->cdrom = !strcmp(text, "cdrom");
	return 0;
}

static int set_specification(struct disk_parse *dp, const char *text)
{
	if (strcmp(text, "xen") && strcmp(text, "virtio"))
		return fail(dp, "unknown value for specification", text);
	dp->disk->virtio = !strcmp(text, "virtio");
	return 0;
}

static int set_vdev(struct disk_parse *dp, const char *text)
{
	return save_string(dp, &dp->disk->vdev, text, "vdev");
}

static int set_backend(struct disk_parse *dp, const char *text)
{
	return save_string(dp, &dp->disk->backend_domname, text, "backend");
}

static int set_script(struct disk_parse *dp, const char *text)
{
	return save_string(dp, &dp->disk->script, text, "script");
}

static const struct {
	const char *key;
	int (*set)(struct disk_parse *dp, const char *value);
} disk_keys[] = {
	{ "format", set_format },       { "devtype", set_devtype },
	{ "access", set_access },       { "backend", set_backend },
	{ "backendtype", set_backendtype }, { "specification", set_specification },
	{ "vdev", set_vdev },           { "script", set_script },
};

/* `key=value`: value runs to the next comma. */
static int parse_keyed(struct disk_parse *dp, const char *param, const char *equals)
{
	size_t key_len = (size_t)(equals - param);
	size_t i;

	for (i = 0; i < sizeof(disk_keys) / sizeof(disk_keys[0]); i++)
		if (strlen(disk_keys[i].key) == key_len && !strncmp(param, disk_keys[i].key, key_len))
			return disk_keys[i].set(dp, equals + 1);
	if (!strncmp(param, "colo", 4) || !strncmp(param, "active-disk", key_len) ||
	    !strncmp(param, "hidden-disk", key_len))
		return fail(dp, "COLO parameters are not supported:", param);
	snprintf(dp->why, dp->why_len, "unknown parameter \"%.*s\"", (int)key_len, param);
	return -1;
}

/* Flags; returns 1 when param is one. */
static int parse_flag(struct disk_parse *dp, const char *param)
{
	struct xl_disk *disk = dp->disk;

	if (!strcmp(param, "cdrom"))
		disk->cdrom = true;
	else if (!strcmp(param, "direct-io-safe"))
		disk->direct_io_safe = true;
	else if (!strcmp(param, "discard") || !strcmp(param, "no-discard"))
		disk->discard = param[0] == 'd' ? XL_TRUE : XL_FALSE;
	else if (!strcmp(param, "trusted") || !strcmp(param, "untrusted"))
		disk->trusted = param[0] == 't' ? XL_TRUE : XL_FALSE;
	else
		return 0;
	return 1;
}

/* The deprecated "<vdev>:<devtype>" form; returns 1 if param was one. */
static int vdev_and_devtype(struct disk_parse *dp, char *param, int *rc)
{
	char *colon = strrchr(param, ':');

	if (!colon)
		return 0;
	*colon = '\0';
	*rc = save_string(dp, &dp->disk->vdev, param, "vdev");
	if (*rc == 0 && strcmp(colon + 1, "cdrom") && strcmp(colon + 1, "disk"))
		*rc = fail(dp, "unknown deprecated type", colon + 1);
	if (*rc == 0)
		dp->disk->cdrom = !strcmp(colon + 1, "cdrom");
	return 1;
}

static int parse_positional(struct disk_parse *dp, char *param)
{
	struct xl_disk *disk = dp->disk;
	int rc = 0;

	if (!disk->target)
		return save_string(dp, &disk->target, param, "target");
	if (!dp->had_prefix && disk->format == XL_DISK_FORMAT_UNKNOWN) {
		if (!*disk->target && vdev_and_devtype(dp, param, &rc)) {
			disk->format = XL_DISK_FORMAT_EMPTY;
			return rc;
		}
		return set_format(dp, param);
	}
	if (!disk->vdev)
		return vdev_and_devtype(dp, param, &rc) ? rc : set_vdev(dp, param);
	if (!dp->access_set) {
		dp->access_set = true;
		return set_access(dp, param);
	}
	return fail(dp, "too many positional parameters at", param);
}

/* A deprecated "<word>:" prefix at p: returns its length (0 if none, -1
 * for an unknown one; only a word followed by ':' and then nothing or a
 * character other than a letter or digit counts as an unknown prefix). */
static int parse_prefix(struct disk_parse *dp, const char *p)
{
	static const char *const formats[] = { "raw", "qcow", "qcow2", "vhd" };
	static const char *const scripts[] = { "iscsi", "nbd", "enbd", "drbd" };
	static const char *const ignored[] = { "tapdisk", "tap", "tap2", "aio", "ioemu", "file",
					       "phy" };
	size_t len = strspn(p, "abcdefghijklmnopqrstuvwxyz0123456789"), i;
	char word[16], script[24];

	if (!len || p[len] != ':' || !(p[0] >= 'a' && p[0] <= 'z') || len >= sizeof(word))
		return 0;
	snprintf(word, sizeof(word), "%.*s", (int)len, p);
	dp->had_prefix = true;
	for (i = 0; i < sizeof(formats) / sizeof(formats[0]); i++)
		if (!strcmp(word, formats[i]))
			return set_format(dp, word) < 0 ? -1 : (int)len + 1;
	for (i = 0; i < sizeof(scripts) / sizeof(scripts[0]); i++) {
		if (strcmp(word, scripts[i]))
			continue;
		snprintf(script, sizeof(script), "block-%s", word);
		return save_string(dp, &dp->disk->script, script, "script") < 0 ? -1 : (int)len + 1;
	}
	for (i = 0; i < sizeof(ignored) / sizeof(ignored[0]); i++)
		if (!strcmp(word, ignored[i]))
			return (int)len + 1;
	dp->had_prefix = false;
	if (strchr("abcdefghijklmnopqrstuvwxyz0123456789", p[len + 1]) && p[len + 1])
		return 0;
	return fail(dp, "unknown deprecated disk prefix", word);
}

static int parse_param(struct disk_parse *dp, char *param)
{
	char *equals = strchr(param, '=');

	if (equals)
		return parse_keyed(dp, param, equals);
	if (parse_flag(dp, param))
		return 0;
	return parse_positional(dp, param);
}

static int parse_params(struct disk_parse *dp, char *p)
{
	while (*p) {
		size_t len;
		int prefix;

		if (*p == ' ' || *p == '\t' || *p == '\n') {
			p++;
			continue;
		}
		if (!strncmp(p, "target=", 7)) {
			len = strlen(p);
			if (p[len - 1] == ',')
				p[len - 1] = '\0';
			return save_string(dp, &dp->disk->target, p + 7, "target");
		}
		prefix = parse_prefix(dp, p);
		if (prefix) {
			if (prefix < 0)
				return -1;
			p += prefix;
			continue;
		}
		len = strcspn(p, ",");
		bool more = p[len] == ',';

		p[len] = '\0';
		if (parse_param(dp, p) < 0)
			return -1;
		p += len + more;
	}
	return 0;
}

/* xl's finishing rules (libxlu_disk.c): raw by default, a cdrom is
 * read-only and removable, empty when it has no target; vdev required. */
static int finish(struct disk_parse *dp)
{
	struct xl_disk *disk = dp->disk;

	if (disk->format == XL_DISK_FORMAT_UNKNOWN)
		disk->format = XL_DISK_FORMAT_RAW;
	if (disk->cdrom) {
		disk->readwrite = false;
		if (!disk->target || !*disk->target)
			disk->format = XL_DISK_FORMAT_EMPTY;
	}
	if (!disk->vdev || !*disk->vdev) {
		snprintf(dp->why, dp->why_len, "no vdev specified");
		return -1;
	}
	if (!disk->target && !disk->cdrom) {
		snprintf(dp->why, dp->why_len, "no target specified (and device not removable)");
		return -1;
	}
	return 0;
}

int xl_disk_parse(const char *spec, struct xl_disk *disk, char *why, size_t why_len)
{
	struct disk_parse dp = { .disk = disk, .why = why, .why_len = why_len };
	char *copy = strdup(spec);
	int rc;

	memset(disk, 0, sizeof(*disk));
	disk->readwrite = true;
	disk->discard = XL_DEFAULT;
	disk->trusted = XL_DEFAULT;
	if (!copy) {
		snprintf(why, why_len, "out of memory");
		return -1;
	}
	rc = parse_params(&dp, copy);
	free(copy);
	if (rc == 0)
		rc = finish(&dp);
	if (rc < 0)
		xl_disk_dispose(disk);
	return rc;
}

void xl_disk_dispose(struct xl_disk *disk)
{
	free(disk->target);
	free(disk->vdev);
	free(disk->backend_domname);
	free(disk->script);
	disk->target = disk->vdev = disk->backend_domname = disk->script = NULL;
}

/* "xvd", "hd" or "sd" plus a drive in letters (a..z, aa.. as in a
 * spreadsheet's columns) and an optional partition without leading zero;
 * the drive index and partition through the pointers, false if vdev is
 * not one of these or a bound is passed. */
static bool vdev_letters(const char *vdev, const char *prefix, long max_disk, long max_part,
			 long *disk, long *part)
{
	size_t n = strlen(prefix);
	const char *p = vdev + n;
	char *end;

	if (strncmp(vdev, prefix, n) || *p < 'a' || *p > 'z')
		return false;
	for (*disk = -1; *p >= 'a' && *p <= 'z'; p++) {
		*disk = (*disk + 1) * 26 + (*p - 'a');
		if (*disk > max_disk)
			return false;
	}
	*part = 0;
	if (!*p)
		return true;
	if (*p < '1' || *p > '9')
		return false;
	*part = strtol(p, &end, 10);
	return !*end && *part <= max_part;
}

/* "d<disk>p<partition>", both decimal. */
static bool vdev_dp(const char *vdev, long *disk, long *part)
{
	char *end;

	if (vdev[0] != 'd' || vdev[1] < '0' || vdev[1] > '9')
		return false;
	*disk = strtol(vdev + 1, &end, 10);
	if (*end != 'p' || end[1] < '0' || end[1] > '9')
		return false;
	*part = strtol(end + 1, &end, 10);
	return !*end && *disk < (1L << 20) && *part < 256;
}

long xl_disk_devid(const char *vdev)
{
	long disk, part;
	char *end;

	if (vdev_dp(vdev, &disk, &part) || vdev_letters(vdev, "xvd", (1L << 20) - 1, 255, &disk, &part))
		return disk <= 15 && part <= 15 ? (202L << 8) | (disk << 4) | part
						 : (1L << 28) | (disk << 8) | part;
	if (vdev[0] >= '0' && vdev[0] <= '9') {
		unsigned long number = strtoul(vdev, &end, 0);
		return !*end && number <= 0x7fffffffUL ? (long)number : -1;
	}
	if (vdev_letters(vdev, "hd", 3, 63, &disk, &part))
		return ((disk < 2 ? 3L : 22L) << 8) | ((disk & 1) << 6) | part;
	if (vdev_letters(vdev, "sd", 15, 15, &disk, &part))
		return (8L << 8) | (disk << 4) | part;
	return -1;
}
