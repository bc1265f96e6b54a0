/*
 * The fake guest behind the emulator in host tests (see fake.h).  Page
 * faults carry the first faulting byte in cr2, as the CPU reports it.
 */
#include "fake.h"

#include <string.h>

static struct fake_guest *guest(struct x86_emul_ctxt *c)
{
	return c->host;
}

static uint32_t rnd(struct fake_guest *g)
{
	g->rng = g->rng * 1103515245u + 12345u;
	return g->rng >> 8;
}

static int page_fault(struct x86_emul_ctxt *c, uint64_t addr, bool write)
{
	int rc = x86_emul_raise(c, X86_EXC_PF, true, write ? 6 : 4);
	c->event.cr2 = addr;
	return rc;
}

/* Checks [la, la+n) against the data region; returns the first bad byte. */
static bool mem_range_ok(struct fake_guest *g, uint64_t la, unsigned int n,
			 bool write, uint64_t *bad)
{
	for (unsigned int i = 0; i < n; i++) {
		uint64_t a = la + i;
		if (a < g->mem_base || a - g->mem_base >= g->mem_size ||
		    (write && g->ro_page && a >= g->ro_page &&
		     a < g->ro_page + 0x1000)) {
			*bad = a;
			return false;
		}
	}
	return true;
}

static int f_fetch(struct x86_emul_ctxt *c, uint64_t la, void *buf,
		   unsigned int n)
{
	struct fake_guest *g = guest(c);

	for (unsigned int i = 0; i < n; i++) {
		uint64_t a = la + i;
		if (a < g->code_base || a - g->code_base >= g->code_size) {
			g->fetch_faulted = true;
			return page_fault(c, a, false);
		}
		((uint8_t *)buf)[i] = g->code[a - g->code_base];
	}
	return X86EMUL_OKAY;
}

static int f_read(struct x86_emul_ctxt *c, uint64_t la, void *buf,
		  unsigned int n)
{
	struct fake_guest *g = guest(c);
	uint64_t bad;

	if (!mem_range_ok(g, la, n, false, &bad))
		return page_fault(c, bad, false);
	if (g->retry_percent && rnd(g) % 100 < g->retry_percent) {
		g->retries++;
		return X86EMUL_RETRY;
	}
	memcpy(buf, g->mem + (la - g->mem_base), n);
	return X86EMUL_OKAY;
}

static int f_write(struct x86_emul_ctxt *c, uint64_t la, const void *buf,
		   unsigned int n)
{
	struct fake_guest *g = guest(c);
	uint64_t bad;

	if (!mem_range_ok(g, la, n, true, &bad))
		return page_fault(c, bad, true);
	memcpy(g->mem + (la - g->mem_base), buf, n);
	return X86EMUL_OKAY;
}

static int f_read_io(struct x86_emul_ctxt *c, uint16_t port, unsigned int n,
		     uint32_t *val)
{
	struct fake_guest *g = guest(c);
	(void)port;

	if ((g->retry_percent && rnd(g) % 100 < g->retry_percent) ||
	    (g->retry_at_read && g->port_reads + 1 == g->retry_at_read)) {
		g->retry_at_read = 0; /* the "IOREQ" is now answered */
		g->retries++;
		return X86EMUL_RETRY;
	}
	*val = g->port_in_next & (uint32_t)((1ull << (8 * n)) - 1);
	g->port_in_next += 0x01010101u;
	g->port_reads++;
	return X86EMUL_OKAY;
}

static int f_write_io(struct x86_emul_ctxt *c, uint16_t port, unsigned int n,
		      uint32_t val)
{
	struct fake_guest *g = guest(c);

	if (g->port_log_len < 256) {
		g->port_log[g->port_log_len] = val &
			(uint32_t)((1ull << (8 * n)) - 1);
		g->port_log_port[g->port_log_len++] = port;
	}
	return X86EMUL_OKAY;
}

/* Batched port I/O: one "IOREQ" moving up to *reps elements. */
static int f_rep_io(struct x86_emul_ctxt *c, uint16_t port, unsigned int n,
		    uint64_t la, bool back, uint64_t *reps, bool in)
{
	struct fake_guest *g = guest(c);
	uint64_t done = 0;
	int rc = X86EMUL_OKAY;

	g->batch_calls++;
	for (; done < *reps; done++) {
		uint64_t a = back ? la - done * n : la + done * n;
		uint32_t v = 0;
		if (in) {
			rc = f_read_io(c, port, n, &v);
			if (rc == X86EMUL_OKAY)
				rc = f_write(c, a, &v, n);
		} else {
			rc = f_read(c, a, &v, n);
			if (rc == X86EMUL_OKAY)
				rc = f_write_io(c, port, n, v);
		}
		if (rc != X86EMUL_OKAY)
			break;
	}
	*reps = done;
	/* progress made: report it; the failing element is retried later */
	return done ? X86EMUL_OKAY : rc;
}

static int f_rep_ins(struct x86_emul_ctxt *c, uint16_t port, unsigned int n,
		     uint64_t la, bool back, uint64_t *reps)
{
	return f_rep_io(c, port, n, la, back, reps, true);
}

static int f_rep_outs(struct x86_emul_ctxt *c, uint16_t port, unsigned int n,
		      uint64_t la, bool back, uint64_t *reps)
{
	return f_rep_io(c, port, n, la, back, reps, false);
}

/* Batched MOVS/STOS: element by element through the plain callbacks, so a
 * fault or RETRY partway reports the progress made. */
static int f_rep_movs(struct x86_emul_ctxt *c, uint64_t src, uint64_t dst,
		      unsigned int n, bool back, uint64_t *reps)
{
	struct fake_guest *g = guest(c);
	uint64_t done = 0;
	int rc = X86EMUL_OKAY;

	g->batch_calls++;
	for (; done < *reps && rc == X86EMUL_OKAY; done++) {
		uint64_t v = 0, d = back ? -done * n : done * n;
		rc = f_read(c, src + d, &v, n);
		if (rc == X86EMUL_OKAY)
			rc = f_write(c, dst + d, &v, n);
		if (rc != X86EMUL_OKAY)
			break;
	}
	*reps = done;
	return done ? X86EMUL_OKAY : rc;
}

static int f_rep_stos(struct x86_emul_ctxt *c, uint64_t dst, uint64_t val,
		      unsigned int n, bool back, uint64_t *reps)
{
	struct fake_guest *g = guest(c);
	uint64_t done = 0;
	int rc = X86EMUL_OKAY;

	g->batch_calls++;
	if (g->retry_percent && rnd(g) % 100 < g->retry_percent) {
		g->retries++;
		return X86EMUL_RETRY; /* the device has not answered yet */
	}
	for (; done < *reps; done++) {
		rc = f_write(c, back ? dst - done * n : dst + done * n, &val, n);
		if (rc != X86EMUL_OKAY)
			break;
	}
	*reps = done;
	return done ? X86EMUL_OKAY : rc;
}

static int f_read_segment(struct x86_emul_ctxt *c, enum x86_seg seg,
			  struct x86_segment *out)
{
	*out = guest(c)->seg[seg];
	return X86EMUL_OKAY;
}

static int f_read_cr(struct x86_emul_ctxt *c, unsigned int cr, uint64_t *v)
{
	*v = cr == 0 ? guest(c)->cr0 : guest(c)->cr4;
	return X86EMUL_OKAY;
}

static int f_read_xmm(struct x86_emul_ctxt *c, unsigned int r, void *buf)
{
	memcpy(buf, guest(c)->vec->xmm[r], 16);
	return X86EMUL_OKAY;
}

static int f_write_xmm(struct x86_emul_ctxt *c, unsigned int r,
		       const void *buf)
{
	memcpy(guest(c)->vec->xmm[r], buf, 16);
	return X86EMUL_OKAY;
}

static int f_read_ymm(struct x86_emul_ctxt *c, unsigned int r, void *buf)
{
	memcpy(buf, guest(c)->vec->xmm[r], 32);
	return X86EMUL_OKAY;
}

static int f_write_ymm(struct x86_emul_ctxt *c, unsigned int r,
		       const void *buf)
{
	memcpy(guest(c)->vec->xmm[r], buf, 32);
	return X86EMUL_OKAY;
}

static int f_read_xcr0(struct x86_emul_ctxt *c, uint64_t *v)
{
	*v = guest(c)->xcr0;
	return X86EMUL_OKAY;
}

static int f_read_mmx(struct x86_emul_ctxt *c, unsigned int r, void *buf)
{
	memcpy(buf, &guest(c)->vec->mm[r], 8);
	return X86EMUL_OKAY;
}

static int f_write_mmx(struct x86_emul_ctxt *c, unsigned int r,
		       const void *buf)
{
	memcpy(&guest(c)->vec->mm[r], buf, 8);
	return X86EMUL_OKAY;
}

const struct x86_emul_ops fake_ops = {
	.fetch = f_fetch, .read = f_read, .write = f_write,
	.read_io = f_read_io, .write_io = f_write_io,
	.read_segment = f_read_segment, .read_cr = f_read_cr,
	.read_xmm = f_read_xmm, .write_xmm = f_write_xmm,
	.read_mmx = f_read_mmx, .write_mmx = f_write_mmx,
	.read_ymm = f_read_ymm, .write_ymm = f_write_ymm,
	.read_xcr0 = f_read_xcr0,
};

const struct x86_emul_ops fake_ops_batch = {
	.fetch = f_fetch, .read = f_read, .write = f_write,
	.read_io = f_read_io, .write_io = f_write_io,
	.rep_ins = f_rep_ins, .rep_outs = f_rep_outs,
	.rep_movs = f_rep_movs, .rep_stos = f_rep_stos,
	.read_segment = f_read_segment, .read_cr = f_read_cr,
	.read_xmm = f_read_xmm, .write_xmm = f_write_xmm,
	.read_mmx = f_read_mmx, .write_mmx = f_write_mmx,
	.read_ymm = f_read_ymm, .write_ymm = f_write_ymm,
	.read_xcr0 = f_read_xcr0,
};

void fake_init(struct fake_guest *g, enum x86_mode mode)
{
	memset(g, 0, sizeof(*g));
	for (int i = 0; i < 6; i++)
		g->seg[i] = (struct x86_segment){ .limit = 0xffffffff,
			.type = i == X86_SEG_CS ? 0xb : 0x3, .s = true,
			.present = true, .db = mode != X86_MODE_PROT16,
			.l = mode == X86_MODE_LONG64 && i == X86_SEG_CS };
	g->cr0 = 0x80050033;
	g->cr4 = 0x406f0;   /* OSFXSR, OSXMMEXCPT, OSXSAVE, ... */
	g->xcr0 = 0x7;      /* x87, SSE, AVX */
	g->rng = 12345;
	g->ctxt.regs = &g->regs;
	g->ctxt.mode = mode;
	g->ctxt.host = g;
}

int fake_run(struct fake_guest *g)
{
	const struct x86_emul_ops *ops = g->batch_io ? &fake_ops_batch :
		&fake_ops;
	uint64_t start = g->regs.rip;
	int rc = X86EMUL_OKAY;

	for (int i = 0; i < 100000; i++) {
		rc = x86_emulate(&g->ctxt, ops);
		if (rc == X86EMUL_RETRY)
			continue;
		if (rc != X86EMUL_OKAY || g->regs.rip != start)
			return rc;
	}
	return rc;
}
