/*
 * Length test over a corpus: reads `objdump -d -w` output of a 64-bit code
 * section on stdin and the raw bytes of that section from a file, decodes
 * the bytes at every address objdump printed an instruction for, and
 * checks that the decoder's length equals the number of bytes objdump
 * shows.  Lines objdump marks "(bad)" have no defined length and are
 * counted but not compared.
 * Usage: corpus_len SECTION.bin BASE_ADDR MODE(16|32|64) WHAT
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "x86_emulate.h"

static unsigned char *load(const char *path, size_t *size)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		perror(path);
		exit(2);
	}
	fseek(f, 0, SEEK_END);
	*size = (size_t)ftell(f);
	fseek(f, 0, SEEK_SET);
	unsigned char *buf = malloc(*size ? *size : 1);
	if (!buf || fread(buf, 1, *size, f) != *size) {
		fprintf(stderr, "%s: short read\n", path);
		exit(2);
	}
	fclose(f);
	return buf;
}

/* Counts the hex byte pairs between the first and second tab of a line. */
static unsigned int count_bytes(const char *p)
{
	unsigned int n = 0;

	while (*p && *p != '\t') {
		if (p[0] != ' ' && p[1] && p[1] != ' ' && p[1] != '\t') {
			n++;
			p += 2;
		} else {
			p++;
		}
	}
	return n;
}

int main(int argc, char **argv)
{
	if (argc != 5) {
		fprintf(stderr, "usage: %s SECTION.bin BASE_ADDR 16|32|64 WHAT < objdump-output\n",
			argv[0]);
		return 2;
	}
	int bits = atoi(argv[3]);
	enum x86_mode mode = bits == 64 ? X86_MODE_LONG64 :
		bits == 32 ? X86_MODE_PROT32 : X86_MODE_PROT16;
	const char *what = argv[4];
	size_t size;
	unsigned char *text = load(argv[1], &size);
	unsigned long long base = strtoull(argv[2], NULL, 16);
	char line[4096];
	unsigned long checked = 0, bad = 0, wrong = 0;

	while (fgets(line, sizeof(line), stdin)) {
		char *tab = strchr(line, '\t');
		if (!tab || tab == line || tab[-1] != ':')
			continue;
		unsigned long long addr = strtoull(line, NULL, 16);
		unsigned int want = count_bytes(tab + 1);
		if (addr < base || addr - base >= size || want == 0)
			continue;
		if (strstr(tab, "(bad)")) {
			bad++;
			continue;
		}
		size_t off = addr - base;
		struct x86_insn in;
		enum x86_decode_rc rc = x86_decode(text + off, size - off,
						   mode, &in);
		unsigned int got = rc == X86_DEC_OK || rc == X86_DEC_INVALID ?
			in.len : 0;
		/* objdump prints FWAIT (9B) and the x87 instruction after it
		 * on one line; the CPU runs them as two instructions */
		if (got == 1 && text[off] == 0x9b && want > 1 &&
		    x86_decode(text + off + 1, size - off - 1, mode, &in) ==
		    X86_DEC_OK)
			got += in.len;
		checked++;
		if (got != want) {
			if (wrong++ < 20)
				fprintf(stderr, "%llx: decoder %u (rc %d), objdump %u: %s",
					addr, got, rc, want, tab + 1);
		}
	}
	if (wrong || checked < 1000) {
		printf("FAIL: decoder lengths equal objdump's on %s - %lu of %lu differ\n",
		       what, wrong, checked);
		return 1;
	}
	printf("PASS: decoder lengths equal objdump's on all %lu instructions of %s (%lu (bad) lines skipped)\n",
	       checked, what, bad);
	return 0;
}
