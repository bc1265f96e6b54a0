/*
 * test-xl-cfg: command-line overrides, and the DISKSPEC, VIFSPEC and
 * CPULIST forms of xl-disk-configuration(5), xl-network-configuration(5)
 * and xl.cfg(5), each example string as the manuals give it.
 */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "bx_hostfwd.h"
#include "check.h"
#include "test_xl_cfg.h"

void test_overrides(void);
void test_specs(void);

static const char base_cfg[] =
	"type = 'pvh'\nname = 'o'\nmemory = 256\nvcpus = 2\nvif = [ 'bridge=xenbr0' ]\n";

static int build(struct xl_cfg *cfg, struct xl_domain_cfg *dom, struct xl_cfg_err *err)
{
	memset(err, 0, sizeof(*err));
	return xl_domain_cfg_from(cfg, dom, NULL, err);
}

void test_overrides(void)
{
	struct xl_cfg_err err = { "" };
	struct xl_cfg *cfg = xl_cfg_parse("o.cfg", base_cfg, strlen(base_cfg), &err);
	struct xl_domain_cfg dom;
	const struct xl_cfg_setting *set;

	if (!CHECK(cfg != NULL, "override base parses (%s)", err.text))
		return;
	CHECK(xl_cfg_apply_override(cfg, "memory=1024", &err) == 0 &&
	      xl_cfg_apply_override(cfg, "vcpus=1", &err) == 0 &&
	      xl_cfg_apply_override(cfg, "vcpus=3; name=\"renamed\"", &err) == 0 &&
	      xl_cfg_apply_override(cfg, "vif += [ 'bridge=xenbr1' ]", &err) == 0,
	      "overrides parse with the file's grammar (%s)", err.text);
	set = xl_cfg_find(cfg, "memory");
	CHECK(set && !strcmp(set->source, "command line") && set->line == 1,
	      "an override setting records its source \"command line\"");
	CHECK(xl_cfg_apply_override(cfg, "memory=", &err) == -1 &&
	      !strcmp(err.text, "command line:1: key \"memory\": config parsing error near "
			       "<end of file>: expected a value (a quoted string, a number or a [list])"),
	      "a bad override names the command line and key (got \"%s\")", err.text);
	CHECK(xl_cfg_find(cfg, "memory") == set, "a failed override leaves the config unchanged");
	if (CHECK(build(cfg, &dom, &err) == 0, "overridden config builds (%s)", err.text)) {
		CHECK(dom.memory_mb == 1024 && dom.maxmem_mb == 1024, "override memory=1024 wins");
		CHECK(dom.vcpus == 3 && !strcmp(dom.name, "renamed"), "the later of two overrides wins");
		CHECK(dom.nr_vifs == 2 && !strcmp(dom.vifs[1].bridge, "xenbr1"),
		      "vif += on the command line appends to the file's list");
		xl_domain_cfg_dispose(&dom);
	}
	xl_cfg_apply_override(cfg, "memory += 5", &err);
	CHECK(build(cfg, &dom, &err) == -1 &&
	      !strcmp(err.text, "command line:1: key \"memory\": += cannot be used with numbers"),
	      "memory += is refused as xl refuses it (got \"%s\")", err.text);
	xl_cfg_free(cfg);
}

struct disk_case {
	const char *spec, *target, *vdev;
	enum xl_disk_format format;
	bool readwrite, cdrom;
};

static const struct disk_case disk_cases[] = {
	{ "/dev/vg/guest-volume,,hda", "/dev/vg/guest-volume", "hda", XL_DISK_FORMAT_RAW, 1, 0 },
	{ "/dev/vg/guest-volume,raw,hda,rw", "/dev/vg/guest-volume", "hda", XL_DISK_FORMAT_RAW, 1, 0 },
	{ "format=raw, vdev=hda, access=rw, target=/dev/vg/guest-volume", "/dev/vg/guest-volume",
	  "hda", XL_DISK_FORMAT_RAW, 1, 0 },
	{ "raw:/dev/vg/guest-volume,hda,w", "/dev/vg/guest-volume", "hda", XL_DISK_FORMAT_RAW, 1, 0 },
	{ "/root/image.iso,,hdc,cdrom", "/root/image.iso", "hdc", XL_DISK_FORMAT_RAW, 0, 1 },
	{ "/root/image.iso,,hdc,,cdrom", "/root/image.iso", "hdc", XL_DISK_FORMAT_RAW, 0, 1 },
	{ "/root/image.iso,raw,hdc,devtype=cdrom", "/root/image.iso", "hdc", XL_DISK_FORMAT_RAW, 0, 1 },
	{ "format=raw, vdev=hdc, access=ro, devtype=cdrom, target=/root/image.iso",
	  "/root/image.iso", "hdc", XL_DISK_FORMAT_RAW, 0, 1 },
	{ "raw:/root/image.iso,hdc:cdrom,ro", "/root/image.iso", "hdc", XL_DISK_FORMAT_RAW, 0, 1 },
	{ ",hdc:cdrom,r", "", "hdc", XL_DISK_FORMAT_EMPTY, 0, 1 },
	{ "phy:/dev/vg/guest,xvda,w", "/dev/vg/guest", "xvda", XL_DISK_FORMAT_RAW, 1, 0 },
	{ "tap:aio:/some/path,xvdb,r", "/some/path", "xvdb", XL_DISK_FORMAT_RAW, 0, 0 },
	{ "/srv/g.qcow2,qcow2,xvdc", "/srv/g.qcow2", "xvdc", XL_DISK_FORMAT_QCOW2, 1, 0 },
	{ "vdev=xvdd,cdrom", NULL, "xvdd", XL_DISK_FORMAT_EMPTY, 0, 1 },
};

static int same(const char *a, const char *b)
{
	return a == b || (a && b && !strcmp(a, b));
}

static void test_disks(void)
{
	size_t i;
	struct xl_disk disk;
	char why[200];

	for (i = 0; i < sizeof(disk_cases) / sizeof(disk_cases[0]); i++) {
		const struct disk_case *c = &disk_cases[i];
		int rc = xl_disk_parse(c->spec, &disk, why, sizeof(why));

		if (!CHECK(rc == 0, "diskspec '%s' parses (%s)", c->spec, rc ? why : ""))
			continue;
		CHECK(same(disk.target, c->target) && same(disk.vdev, c->vdev) &&
		      disk.format == c->format && disk.readwrite == c->readwrite &&
		      disk.cdrom == c->cdrom, "diskspec '%s': target %s, vdev %s, format %d, %s%s",
		      c->spec, c->target ? c->target : "(none)", c->vdev, c->format,
		      c->readwrite ? "rw" : "ro", c->cdrom ? ", cdrom" : "");
		xl_disk_dispose(&disk);
	}
	if (CHECK(xl_disk_parse("/d,,xvda,backend=dd,backendtype=qdisk,script=block-x,discard,"
				"trusted,direct-io-safe,specification=virtio", &disk, why,
				sizeof(why)) == 0, "diskspec with every other key parses (%s)", why)) {
		CHECK(same(disk.backend_domname, "dd") && disk.backendtype == XL_DISK_BACKEND_QDISK &&
		      same(disk.script, "block-x") && disk.discard == XL_TRUE &&
		      disk.trusted == XL_TRUE && disk.direct_io_safe && disk.virtio,
		      "diskspec backend/backendtype/script/flags read");
		xl_disk_dispose(&disk);
	}
}

/* Device numbers as libxl 4.17's libxl__device_disk_dev_number gives them. */
static void test_disk_devids(void)
{
	static const struct {
		const char *vdev;
		long devid;
	} cases[] = {
		{ "xvda", 51712 }, { "xvdb", 51728 }, { "xvda1", 51713 }, { "xvdp", 51952 },
		{ "xvdq", (1L << 28) | (16 << 8) }, { "xvdaa", (1L << 28) | (26 << 8) },
		{ "xvda16", (1L << 28) | 16 }, { "d0p0", 51712 }, { "d3p1", 51761 },
		{ "d20p2", (1L << 28) | (20 << 8) | 2 }, { "hda", 768 }, { "hdb", 832 }, { "hdc", 5632 },
		{ "hdd1", 5697 }, { "sda", 2048 }, { "sdb2", 2066 }, { "51712", 51712 }, { "0x300", 768 },
		{ "xvd", -1 }, { "xvda0", -1 }, { "xvda01", -1 }, { "xvda256", -1 }, { "hde", -1 },
		{ "hda64", -1 }, { "sdq", -1 }, { "sda16", -1 }, { "vda", -1 }, { "", -1 },
		{ "xvdA", -1 }, { "d1p", -1 }, { "dp1", -1 }, { "12x", -1 },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		long got = xl_disk_devid(cases[i].vdev);
		CHECK(got == cases[i].devid, "vdev '%s' is device %ld (got %ld)", cases[i].vdev,
		      cases[i].devid, got);
	}
}

static void test_vifs(void)
{
	struct xl_vif vif;
	char why[200];

	CHECK(xl_vif_parse("mac=00:16:3E:74:34:32", &vif, why, sizeof(why)) == 0 && vif.has_mac &&
	      vif.mac[3] == 0x74 && vif.mac[5] == 0x32, "vifspec mac=00:16:3E:74:34:32");
	xl_vif_dispose(&vif);
	CHECK(xl_vif_parse("rate=10Mb/s", &vif, why, sizeof(why)) == 0 &&
	      vif.rate_interval_usecs == 50000 && vif.rate_bytes_per_interval == 62500,
	      "rate=10Mb/s: 62500 bytes every 50 ms");
	CHECK(xl_vif_parse("rate=250KB/s", &vif, why, sizeof(why)) == 0 &&
	      vif.rate_bytes_per_interval == 12500, "rate=250KB/s: 12500 bytes every 50 ms");
	CHECK(xl_vif_parse("rate=1MB/s@20ms", &vif, why, sizeof(why)) == 0 &&
	      vif.rate_interval_usecs == 20000 && vif.rate_bytes_per_interval == 20000,
	      "rate=1MB/s@20ms: 20,000 bytes every 20 ms, as the manual says");
	if (CHECK(xl_vif_parse("type=vif, vifname=vif-g,ip=10.0.0.2,script=vif-route,backend=dd,"
			       "gatewaydev=eth0,devid=3,mtu=9000,untrusted", &vif, why,
			       sizeof(why)) == 0, "vifspec with every other key parses (%s)", why)) {
		CHECK(vif.type == XL_VIF_TYPE_VIF && same(vif.vifname, "vif-g") &&
		      same(vif.ip, "10.0.0.2") && same(vif.script, "vif-route") &&
		      same(vif.backend_domname, "dd") && same(vif.gatewaydev, "eth0") &&
		      vif.devid == 3 && vif.mtu == 9000 && vif.trusted == XL_FALSE,
		      "vifspec type/vifname/ip/script/backend/gatewaydev/devid/mtu/untrusted read");
		xl_vif_dispose(&vif);
	}
}

/* Bastion's net= and QEMU's hostfwd= syntax. */
static void test_vif_user(void)
{
	struct xl_vif vif;
	struct bx_hostfwd rule;
	char why[200];

	CHECK(xl_vif_parse("mac=00:16:3e:00:00:01", &vif, why, sizeof(why)) == 0 &&
	      vif.net == XL_VIF_NET_BRIDGE && !vif.hostfwd, "vifspec without net= is a bridged vif");
	xl_vif_dispose(&vif);
	CHECK(xl_vif_parse("net=bridge,bridge=xenbr1", &vif, why, sizeof(why)) == 0 &&
	      vif.net == XL_VIF_NET_BRIDGE && same(vif.bridge, "xenbr1"), "net=bridge with bridge=");
	xl_vif_dispose(&vif);
	if (CHECK(xl_vif_parse("net=user, hostfwd=tcp:127.0.0.1:8080-:80,hostfwd=udp::5353-10.0.2.15:53",
			       &vif, why, sizeof(why)) == 0, "net=user with two hostfwd= (%s)", why)) {
		CHECK(vif.net == XL_VIF_NET_USER &&
		      same(vif.hostfwd, "tcp:127.0.0.1:8080-:80 udp::5353-10.0.2.15:53"),
		      "net=user: both rules kept in order, blank-separated (\"%s\")", vif.hostfwd);
		xl_vif_dispose(&vif);
	}
	CHECK(xl_vif_parse("net=user,hostfwd=tcp::53-:53,hostfwd=udp::53-:53,"
			   "hostfwd=tcp:127.0.0.1:80-:80,hostfwd=tcp:10.0.0.1:80-:81",
			   &vif, why, sizeof(why)) == 0,
	      "net=user: one host port for tcp and udp, or on two host addresses, is no clash (%s)",
	      why);
	xl_vif_dispose(&vif);
	CHECK(bx_hostfwd_parse("tcp:127.0.0.1:8080-:80", 22, &rule) == 0 && !rule.udp &&
	      rule.host_addr.s_addr == htonl(INADDR_LOOPBACK) && rule.host_port == 8080 &&
	      rule.guest_addr.s_addr == 0 && rule.guest_port == 80,
	      "hostfwd tcp:127.0.0.1:8080-:80: loopback 8080 to the DHCP guest's 80");
	CHECK(bx_hostfwd_parse("::2222-10.0.2.15:22", 19, &rule) == 0 && !rule.udp &&
	      rule.host_addr.s_addr == 0 && rule.host_port == 2222 &&
	      rule.guest_addr.s_addr == htonl(0x0a00020f) && rule.guest_port == 22,
	      "hostfwd ::2222-10.0.2.15:22: tcp by default, any host address");
	CHECK(bx_hostfwd_parse("udp::53-:53", 11, &rule) == 0 && rule.udp, "hostfwd udp::53-:53");
	CHECK(bx_hostfwd_parse("tcp::0-:80", 10, &rule) < 0 && bx_hostfwd_parse("tcp::80-", 8, &rule) < 0 &&
	      bx_hostfwd_parse("tcp::80-:", 9, &rule) < 0 && bx_hostfwd_parse("tcp:80-:80", 10, &rule) < 0 &&
	      bx_hostfwd_parse("tcp::8a-:80", 11, &rule) < 0 &&
	      bx_hostfwd_parse("tcp:1.2.3:80-:80", 16, &rule) < 0,
	      "hostfwd: port 0, a missing or non-numeric port, a bad address are refused");
	CHECK(bx_hostfwd_parse("tcp::80-:80 junk", 11, &rule) == 0,
	      "hostfwd: only the given length is read (a rule out of a list)");
}

/* channel=: libxl's requirements, xl's keys. */
static void test_channels(void)
{
	static const char *const bad[] = {
		"connection=socket,path=/run/x.sock", "name=org.x", "name=org.x,connection=socket",
		"name=org.x,connection=pty,path=/run/x", "name=org.x,connection=tcp",
		"name=org.x,connection=pty,devid=2", "name=,connection=pty",
	};
	struct xl_channel chn;
	char why[200];

	if (CHECK(xl_channel_parse("name=org.example.x,connection=socket, path=/run/x.sock", &chn, why,
				   sizeof(why)) == 0, "channelspec socket parses (%s)", why)) {
		CHECK(same(chn.name, "org.example.x") && chn.connection == XL_CHANNEL_SOCKET &&
		      same(chn.path, "/run/x.sock") && !chn.backend_domname,
		      "channelspec socket: name, connection, path read");
		xl_channel_dispose(&chn);
	}
	CHECK(xl_channel_parse("connection=pty,name=org.example.y,backend=0", &chn, why,
			       sizeof(why)) == 0 && chn.connection == XL_CHANNEL_PTY &&
	      same(chn.backend_domname, "0") && !chn.path, "channelspec pty with backend= parses");
	xl_channel_dispose(&chn);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		CHECK(xl_channel_parse(bad[i], &chn, why, sizeof(why)) < 0 && !chn.name && !chn.path,
		      "channelspec \"%s\" refused (%s)", bad[i], why);
}

static void test_cpulists(void)
{
	struct xl_cpumap map;
	char why[160];

	CHECK(xl_cpulist_parse("all", &map, why, sizeof(why)) == 0 && xl_cpumap_test(&map, 0) &&
	      xl_cpumap_test(&map, XL_CFG_MAX_CPUS - 1), "cpus \"all\" sets every CPU");
	CHECK(xl_cpulist_parse("all,^7", &map, why, sizeof(why)) == 0 && xl_cpumap_test(&map, 6) &&
	      !xl_cpumap_test(&map, 7) && xl_cpumap_test(&map, 8), "cpus \"all,^7\" is all but 7");
	CHECK(xl_cpulist_parse("0-3,5,^1", &map, why, sizeof(why)) == 0 && xl_cpumap_test(&map, 0) &&
	      !xl_cpumap_test(&map, 1) && xl_cpumap_test(&map, 3) && !xl_cpumap_test(&map, 4) &&
	      xl_cpumap_test(&map, 5) && !xl_cpumap_test(&map, 6), "cpus \"0-3,5,^1\" is 0,2,3,5");
	CHECK(xl_cpulist_parse("nodes:0-3,^node:2", &map, why, sizeof(why)) == -1 &&
	      !strcmp(why, "NUMA node ranges (\"nodes:0-3\") are not supported"),
	      "cpus \"nodes:0-3,^node:2\" is refused clearly (got \"%s\")", why);
}

void test_specs(void)
{
	test_disks();
	test_disk_devids();
	test_vifs();
	test_channels();
	test_vif_user();
	test_cpulists();
}
