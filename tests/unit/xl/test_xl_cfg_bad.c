/*
 * test-xl-cfg: malformed configs.  Each must be refused with exactly the
 * message given, naming the file, the line and the key (or the token).
 */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "test_xl_cfg.h"

#define HEAD "type='pvh'\nname='bad'\n"   /* lines 1-2 of most cases */

struct bad_case {
	const char *text, *error;
};

static const struct bad_case bad_cases[] = {
	{ HEAD "memory 512\n",
	  "bad.cfg:3: key \"memory\": config parsing error near `512': expected '=' or '+=' after the key" },
	{ "name = 'unterminated\n",
	  "bad.cfg:1: key \"name\": config parsing error near `'unterminated': unterminated quoted string" },
	{ HEAD "Memory = 512\n",
	  "bad.cfg:3: config parsing error near `Memory': lexical error" },
	{ HEAD "memory = 512M\n",
	  "bad.cfg:3: key \"memory\": config parsing error near `M': lexical error" },
	{ HEAD "memory = (512)\n",
	  "bad.cfg:3: key \"memory\": config parsing error near `(512)': lexical error (this looks "
	  "like Python; xl.cfg is not Python, see xl.cfg(5))" },
	{ HEAD "disk = [ 'a', , 'b' ]\n",
	  "bad.cfg:3: key \"disk\": config parsing error near `,': expected a value (a quoted string, "
	  "a number or a [list])" },
	{ HEAD "disk = [ 'a' 'b' ]\n",
	  "bad.cfg:3: key \"disk\": config parsing error near `'b'': expected ',' or ']' in list" },
	{ HEAD "disk = [ 'a',\n",
	  "bad.cfg:4: key \"disk\": config parsing error near <end of file>: expected a value (a "
	  "quoted string, a number or a [list])" },
	{ HEAD "kernel = '/k' ramdisk\n",
	  "bad.cfg:3: key \"kernel\": config parsing error near `ramdisk': expected a newline or ';' "
	  "after the value" },
	{ HEAD "= 5\n",
	  "bad.cfg:3: config parsing error near `=': expected a key (lower-case letters, digits, "
	  "'.', '_')" },
	{ HEAD "extra = 'a\\qb'\n",
	  "bad.cfg:3: key \"extra\": config parsing error near `'a\\qb'': invalid character after "
	  "backslash in quoted string" },
	{ HEAD "extra = 'a\\x41'\n",
	  "bad.cfg:3: key \"extra\": config parsing error near `'a\\x41'': numeric escapes (\\x.., "
	  "\\0..) in quoted strings are not supported (Xen 4.17 mishandles them)" },
	{ HEAD "memory =\n",
	  "bad.cfg:3: key \"memory\": config parsing error near <newline>: expected a value (a "
	  "quoted string, a number or a [list])" },
	{ HEAD "disk = [ '/d,,xvda' ]\ndisk += '/e,,xvdb'\n",
	  "bad.cfg:4: key \"disk\": += cannot join a list and a string" },
	{ HEAD "vif = [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[ ]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]\n",
	  "bad.cfg:3: key \"vif\": config parsing error near `[': lists nested too deeply" },
	{ "name='a'\n",
	  "bad.cfg: no \"type\" given, which xl takes as a PV guest; Bastion does not support PV "
	  "guests: set type=\"pvh\"" },
	{ "name='a'\ntype='pv'\n",
	  "bad.cfg:2: key \"type\": PV guests are not supported by Bastion: use type=\"pvh\"" },
	{ "name='a'\ntype=\"hvm\"\n",
	  "bad.cfg:2: key \"type\": HVM guests are not supported yet: use type=\"pvh\"" },
	{ "type='xen'\n", "bad.cfg:1: key \"type\": invalid domain type \"xen\" (expected \"pvh\")" },
	{ "builder='generic'\nname='a'\n",
	  "bad.cfg:1: key \"builder\": PV guests are not supported by Bastion: use type=\"pvh\"" },
	{ "type='pvh'\n", "bad.cfg: key \"name\": the domain name must be specified" },
	{ HEAD "memory = 0\n", "bad.cfg:3: key \"memory\": 0 is out of range (1 to 16777216)" },
	{ HEAD "memory = \"lots\"\n", "bad.cfg:3: key \"memory\": expected a number, got \"lots\"" },
	{ HEAD "memory = 0x\n", "bad.cfg:3: key \"memory\": expected a number, got \"0x\"" },
	{ HEAD "memory = [ 1 ]\n", "bad.cfg:3: key \"memory\": expected a number, got a list" },
	{ HEAD "memory = 99999999999999999999\n",
	  "bad.cfg:3: key \"memory\": number \"99999999999999999999\" is out of range" },
	{ HEAD "memory = 512\nmaxmem = 256\n",
	  "bad.cfg:4: key \"maxmem\": maxmem (256) is less than memory (512)" },
	{ HEAD "vcpus = 0\n", "bad.cfg:3: key \"vcpus\": 0 is out of range (1 to 128)" },
	{ HEAD "vcpus = 129\n", "bad.cfg:3: key \"vcpus\": 129 is out of range (1 to 128)" },
	{ HEAD "vcpus = 4\nmaxvcpus = 2\n",
	  "bad.cfg:4: key \"maxvcpus\": maxvcpus (2) is less than vcpus (4)" },
	{ HEAD "on_crash = 'explode'\n",
	  "bad.cfg:3: key \"on_crash\": unknown action \"explode\" (expected destroy, restart, "
	  "rename-restart, preserve, coredump-destroy, coredump-restart or soft-reset)" },
	{ HEAD "on_reboot = [ 'restart' ]\n",
	  "bad.cfg:3: key \"on_reboot\": expected a single value, got a list" },
	{ HEAD "uuid = '4dea22b3-1d52-d8f3-2516-782e98ab3fa'\n",
	  "bad.cfg:3: key \"uuid\": invalid UUID \"4dea22b3-1d52-d8f3-2516-782e98ab3fa\" (expected "
	  "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx)" },
	{ HEAD "uuid = '4dea22b3-1d52-d8f3-2516-782e98ab3fag'\n",
	  "bad.cfg:3: key \"uuid\": invalid UUID \"4dea22b3-1d52-d8f3-2516-782e98ab3fag\" (expected "
	  "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx)" },
	{ HEAD "cpus = 'nodes:0-1'\n",
	  "bad.cfg:3: key \"cpus\": NUMA node ranges (\"nodes:0-1\") are not supported" },
	{ HEAD "cpus = '0-x'\n", "bad.cfg:3: key \"cpus\": invalid CPU range \"0-x\"" },
	{ HEAD "cpus = '3-1'\n", "bad.cfg:3: key \"cpus\": invalid CPU range \"3-1\"" },
	{ HEAD "vcpus = 2\ncpus_soft = [ '0',\n  '^0' ]\n",
	  "bad.cfg:5: key \"cpus_soft\": entry 2: \"^0\" selects no CPU" },
	{ HEAD "cpus = '^all'\n", "bad.cfg:3: key \"cpus\": \"^all\" is not allowed" },
	{ HEAD "cpus = '0-4096'\n", "bad.cfg:3: key \"cpus\": CPU 4096 is beyond the 1024 supported" },
	{ HEAD "cpu_weight = 0\n", "bad.cfg:3: key \"cpu_weight\": 0 is out of range (1 to 65535)" },
	{ HEAD "cap = 70000\n", "bad.cfg:3: key \"cap\": 70000 is out of range (0 to 65535)" },
	{ HEAD "disk = '/d,,xvda'\n", "bad.cfg:3: key \"disk\": expected a list, got a single value" },
	{ HEAD "disk = [ [ '/d,,xvda' ] ]\n",
	  "bad.cfg:3: key \"disk\": entry 1 is a list, expected a string" },
	{ HEAD "disk = [ 'foo=bar,vdev=xvda,target=/x' ]\n",
	  "bad.cfg:3: key \"disk\": entry 1 (\"foo=bar,vdev=xvda,target=/x\"): unknown parameter \"foo\"" },
	{ HEAD "disk = [ '/d,,xvda',\n\t'/e,,xvda' ]\n",
	  "bad.cfg:4: key \"disk\": entry 2: vdev \"xvda\" is already used by entry 1" },
	{ HEAD "disk = [ '/dev/x' ]\n",
	  "bad.cfg:3: key \"disk\": entry 1 (\"/dev/x\"): no vdev specified" },
	{ HEAD "disk = [ '/dev/x,qcow3,xvda' ]\n",
	  "bad.cfg:3: key \"disk\": entry 1 (\"/dev/x,qcow3,xvda\"): unknown value for format \"qcow3\"" },
	{ HEAD "disk = [ '/dev/x,raw,xvda,rx' ]\n",
	  "bad.cfg:3: key \"disk\": entry 1 (\"/dev/x,raw,xvda,rx\"): unknown value for access \"rx\"" },
	{ HEAD "disk = [ '/dev/x,raw,xvda,rw,more' ]\n",
	  "bad.cfg:3: key \"disk\": entry 1 (\"/dev/x,raw,xvda,rw,more\"): too many positional "
	  "parameters at \"more\"" },
	{ HEAD "disk = [ 'qcow9:/x,xvda' ]\n",
	  "bad.cfg:3: key \"disk\": entry 1 (\"qcow9:/x,xvda\"): unknown deprecated disk prefix \"qcow9\"" },
	{ HEAD "disk = [ 'vdev=xvda,devtype=floppy,target=/x' ]\n",
	  "bad.cfg:3: key \"disk\": entry 1 (\"vdev=xvda,devtype=floppy,target=/x\"): unknown value "
	  "for devtype \"floppy\"" },
	{ HEAD "vif = [ 'mac=00:16:3e:zz:00:01' ]\n",
	  "bad.cfg:3: key \"vif\": entry 1 (\"mac=00:16:3e:zz:00:01\"): invalid mac \"00:16:3e:zz:00:01\"" },
	{ HEAD "vif = [ 'mac=00:16:3e:00:01' ]\n",
	  "bad.cfg:3: key \"vif\": entry 1 (\"mac=00:16:3e:00:01\"): invalid mac \"00:16:3e:00:01\"" },
	{ HEAD "vif = [ '', 'colour=red' ]\n",
	  "bad.cfg:3: key \"vif\": entry 2 (\"colour=red\"): unrecognized argument \"colour\"" },
	{ HEAD "vif = [ 'rate=10Mb' ]\n",
	  "bad.cfg:3: key \"vif\": entry 1 (\"rate=10Mb\"): invalid rate \"10Mb\"" },
	{ HEAD "vif = [ 'rate=1MB/s@20h' ]\n",
	  "bad.cfg:3: key \"vif\": entry 1 (\"rate=1MB/s@20h\"): invalid rate \"1MB/s@20h\"" },
	{ HEAD "vif = [ 'net=slirp' ]\n",
	  "bad.cfg:3: key \"vif\": entry 1 (\"net=slirp\"): invalid net \"slirp\"" },
	{ HEAD "vif = [ 'net=user,hostfwd=tcp:127.0.0.1:8080:80' ]\n",
	  "bad.cfg:3: key \"vif\": entry 1 (\"net=user,hostfwd=tcp:127.0.0.1:8080:80\"): invalid "
	  "hostfwd \"tcp:127.0.0.1:8080:80\"" },
	{ HEAD "vif = [ 'net=user,hostfwd=sctp::1-:2' ]\n",
	  "bad.cfg:3: key \"vif\": entry 1 (\"net=user,hostfwd=sctp::1-:2\"): invalid hostfwd "
	  "\"sctp::1-:2\"" },
	{ HEAD "vif = [ 'net=user,hostfwd=tcp:localhost:80-:80' ]\n",
	  "bad.cfg:3: key \"vif\": entry 1 (\"net=user,hostfwd=tcp:localhost:80-:80\"): invalid "
	  "hostfwd \"tcp:localhost:80-:80\"" },
	{ HEAD "vif = [ 'net=user,hostfwd=tcp::70000-:80' ]\n",
	  "bad.cfg:3: key \"vif\": entry 1 (\"net=user,hostfwd=tcp::70000-:80\"): invalid hostfwd "
	  "\"tcp::70000-:80\"" },
	{ HEAD "vif = [ 'net=user,hostfwd=tcp::8080-:80,hostfwd=tcp::8080-:81' ]\n",
	  "bad.cfg:3: key \"vif\": entry 1 (\"net=user,hostfwd=tcp::8080-:80,hostfwd=tcp::8080-:81\"): "
	  "hostfwd \"tcp::8080-:81\" forwards the same host tcp port as \"tcp::8080-:80\"" },
	{ HEAD "vif = [ 'net=user,hostfwd=udp::53-:53,hostfwd=tcp::22-:22,hostfwd=udp:127.0.0.1:53-:54' ]\n",
	  "bad.cfg:3: key \"vif\": entry 1 (\"net=user,hostfwd=udp::53-:53,hostfwd=tcp::22-:22,"
	  "hostfwd=udp:127.0.0.1:53-:54\"): hostfwd \"udp:127.0.0.1:53-:54\" forwards the same "
	  "host udp port as \"udp::53-:53\"" },
	{ HEAD "vif = [ 'net=user', 'net=user,hostfwd=:10.0.0.1:80-:80,hostfwd=tcp:10.0.0.1:80-:8080' ]\n",
	  "bad.cfg:3: key \"vif\": entry 2 (\"net=user,hostfwd=:10.0.0.1:80-:80,"
	  "hostfwd=tcp:10.0.0.1:80-:8080\"): hostfwd \"tcp:10.0.0.1:80-:8080\" forwards the same "
	  "host tcp port as \":10.0.0.1:80-:80\"" },
	{ HEAD "vif = [ '', 'hostfwd=tcp::8080-:80' ]\n",
	  "bad.cfg:3: key \"vif\": entry 2 (\"hostfwd=tcp::8080-:80\"): hostfwd= needs net=user" },
	{ HEAD "vif = [ 'net=user,bridge=xenbr1' ]\n",
	  "bad.cfg:3: key \"vif\": entry 1 (\"net=user,bridge=xenbr1\"): bridge= does not apply to "
	  "net=user" },
	{ HEAD "vif = [ 'type=foo' ]\n",
	  "bad.cfg:3: key \"vif\": entry 1 (\"type=foo\"): invalid type \"foo\"" },
};

static void check_bad(const struct bad_case *c)
{
	struct xl_cfg_err err = { "" };
	struct xl_cfg *cfg = xl_cfg_parse("bad.cfg", c->text, strlen(c->text), &err);
	struct xl_domain_cfg dom;
	int rc = -1;

	if (cfg)
		rc = xl_domain_cfg_from(cfg, &dom, NULL, &err);
	if (rc == 0)
		xl_domain_cfg_dispose(&dom);
	CHECK(rc == -1 && !strcmp(err.text, c->error), "refused: %s", c->error);
	if (rc == 0 || strcmp(err.text, c->error))
		printf("  got: %s\n", rc == 0 ? "(accepted)" : err.text);
	xl_cfg_free(cfg);
}

void test_bad_configs(void)
{
	size_t i;

	for (i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++)
		check_bad(&bad_cases[i]);
}
