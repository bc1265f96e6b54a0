/*
 * create_kcache.c - the kernel for `xl create`, unpacked once.  A bzImage's
 * payload (a whole vmlinux, XZ-, zstd-, gzip-... compressed) costs most of
 * a create to unpack; the ELF it gives is kept in /var/cache/bastion/kernels
 * under the kernel file's device, inode, size and mtime, so the next create
 * of a guest with the same kernel (another guest, on_reboot=restart) loads
 * it as it is.  The cache holds the KCACHE_KEEP kernels used last, and an
 * unpacked kernel is kept only while the filesystem keeps thrice its size
 * free.  A cached file that does not load is dropped and the kernel
 * unpacked again; XL_KERNEL_CACHE=0 turns the cache off.
 */
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "create.h"

#define KCACHE_DIR "/var/cache/bastion/kernels"
#define PATH_MAX_KCACHE (sizeof(KCACHE_DIR) + 96)
#define KCACHE_KEEP 2

static bool cache_on(void)
{
	const char *v = getenv("XL_KERNEL_CACHE");

	return !v || strcmp(v, "0") != 0;
}

/* KCACHE_DIR/DEV-INO-SIZE-MTIME.elf for the file at path; -1 if no stat. */
static int cache_path(const char *path, char *out, size_t len)
{
	struct stat st;

	if (stat(path, &st) < 0)
		return -1;
	snprintf(out, len, KCACHE_DIR "/%llx-%llx-%llx-%llx.%09ld.elf", (unsigned long long)st.st_dev,
		 (unsigned long long)st.st_ino, (unsigned long long)st.st_size,
		 (unsigned long long)st.st_mtim.tv_sec, (long)st.st_mtim.tv_nsec);
	return 0;
}

static int newest_first(const void *a, const void *b)
{
	struct stat sa, sb;
	const char *pa = *(const char *const *)a, *pb = *(const char *const *)b;

	if (stat(pa, &sa) || stat(pb, &sb))
		return 0;
	return sa.st_mtim.tv_sec < sb.st_mtim.tv_sec ? 1 : sa.st_mtim.tv_sec > sb.st_mtim.tv_sec ? -1 : 0;
}

/* All but the KCACHE_KEEP kernels used last go (a hit touches its file). */
static void trim(void)
{
	glob_t found;

	if (glob(KCACHE_DIR "/*.elf", 0, NULL, &found) != 0)
		return;
	qsort(found.gl_pathv, found.gl_pathc, sizeof(char *), newest_first);
	for (size_t i = KCACHE_KEEP; i < found.gl_pathc; i++)
		unlink(found.gl_pathv[i]);
	globfree(&found);
}

static bool room_for(size_t len)
{
	struct statvfs fs;

	return statvfs(KCACHE_DIR, &fs) == 0 && (unsigned long long)fs.f_bavail * fs.f_frsize / 3 >= len;
}

static void store(const char *cached, const struct pvh_kernel *k)
{
	char tmp[PATH_MAX_KCACHE + 8];
	FILE *out;

	mkdir("/var/cache/bastion", 0755);
	mkdir(KCACHE_DIR, 0700);
	if (!room_for(k->vmlinux_len))
		return;
	snprintf(tmp, sizeof(tmp), "%s.%d", cached, (int)getpid());
	out = fopen(tmp, "w");
	if (!out)
		return;
	if (fwrite(k->vmlinux, 1, k->vmlinux_len, out) != k->vmlinux_len || fclose(out) != 0) {
		unlink(tmp);
		return;
	}
	if (rename(tmp, cached) == 0)
		trim();
	else
		unlink(tmp);
}

/* The unpacked kernel from the cache; 0, or -1 when there is none (a bad
 * one is removed). */
static int load_cached(const char *cached, struct pvh_kernel *k)
{
	char err[128];
	size_t len;
	char *elf = access(cached, R_OK) == 0 ? xl_read_file("cached kernel", cached, &len) : NULL;
	int rc = elf ? pvh_image_load(elf, len, k, err, sizeof(err)) : -1;

	free(elf);
	if (elf && rc)
		unlink(cached);
	if (rc == 0)
		utimensat(AT_FDCWD, cached, NULL, 0); /* used last: trimmed last */
	return rc;
}

int xl_kernel_load(const char *path, struct pvh_kernel *k, char *err, size_t errlen)
{
	char cached[PATH_MAX_KCACHE];
	bool cacheable = cache_on() && cache_path(path, cached, sizeof(cached)) == 0;
	size_t len;
	char *file;
	int rc;

	if (cacheable && load_cached(cached, k) == 0)
		return 0;
	file = xl_read_file("kernel", path, &len);
	if (!file) {
		snprintf(err, errlen, "cannot read it");
		return -1;
	}
	rc = pvh_image_load(file, len, k, err, errlen);
	free(file);
	if (rc == 0 && cacheable && strncmp(k->format, "ELF", 3) != 0)
		store(cached, k);
	return rc;
}
