/*
 * String instructions: MOVS, CMPS, STOS, LODS, SCAS, INS, OUTS, with REP,
 * REPE and REPNE (SDM vol. 2 "REP/REPE/REPZ/REPNE/REPNZ" and the pages of
 * each instruction).  Source is seg:rSI (DS unless overridden), destination
 * ES:rDI (no override); rSI/rDI/rCX are used at the address size.  A REP
 * instruction runs at most max_reps iterations per call and leaves RIP on
 * itself when iterations remain, so the caller can come back (after an
 * interrupt window or an IOREQ): every finished iteration is committed to
 * the registers, also when a later one faults or waits for a device (the
 * state the CPU itself leaves on a fault inside a REP string).
 */
#include "x86_emulate_priv.h"

enum str_kind { STR_INS, STR_OUTS, STR_MOVS, STR_CMPS, STR_STOS, STR_LODS,
		STR_SCAS };

struct str_op {
	enum str_kind kind;
	unsigned int size;       /* element bytes */
	unsigned int ad;         /* address size */
	int64_t step;            /* +size or -size by DF */
	uint8_t src_seg;
	uint64_t rcx;            /* remaining count (REP) */
	bool rep;
};

static enum str_kind kind_of(uint8_t opcode)
{
	static const enum str_kind k[] = {
		[0x6c & 0xf] = STR_INS, [0x6d & 0xf] = STR_INS,
		[0x6e & 0xf] = STR_OUTS, [0x6f & 0xf] = STR_OUTS,
	};
	if (opcode < 0xa0)
		return k[opcode & 0xf];
	switch (opcode & 0xfe) {
	case 0xa4: return STR_MOVS;
	case 0xa6: return STR_CMPS;
	case 0xaa: return STR_STOS;
	case 0xac: return STR_LODS;
	default: return STR_SCAS;
	}
}

static uint64_t idx_get(const struct em *e, unsigned int reg, unsigned int ad)
{
	return e->r.gpr[reg] & size_mask(ad);
}

static void idx_advance(struct em *e, unsigned int reg, const struct str_op *s,
			uint64_t n)
{
	x86em_reg_write(e, reg, s->ad, false,
		  e->r.gpr[reg] + (uint64_t)s->step * n);
}

/* One iteration of a non-batched string instruction. */
static int str_one(struct em *e, const struct str_op *s)
{
	uint64_t si = idx_get(e, X86_RSI, s->ad), di = idx_get(e, X86_RDI, s->ad);
	uint64_t a = 0, b = 0;
	uint16_t port = (uint16_t)e->r.gpr[X86_RDX];
	uint32_t io = 0;
	uint64_t la;
	int rc = X86EMUL_OKAY;

	switch (s->kind) {
	case STR_INS:
		/* segmentation of the destination is checked before the
		 * port is read, so a bad ES:rDI never costs a device read */
		rc = x86em_linear(e, X86_SEG_ES, di, s->size, true, &la);
		if (rc == X86EMUL_OKAY)
			rc = e->ops->read_io(e->c, port, s->size, &io);
		if (rc == X86EMUL_OKAY)
			rc = x86em_write(e, X86_SEG_ES, di, &io, s->size);
		break;
	case STR_OUTS:
		rc = x86em_read(e, s->src_seg, si, &a, s->size);
		if (rc == X86EMUL_OKAY)
			rc = e->ops->write_io(e->c, port, s->size, (uint32_t)a);
		break;
	case STR_MOVS:
		rc = x86em_read(e, s->src_seg, si, &a, s->size);
		if (rc == X86EMUL_OKAY)
			rc = x86em_write(e, X86_SEG_ES, di, &a, s->size);
		break;
	case STR_CMPS:
		rc = x86em_read(e, s->src_seg, si, &a, s->size);
		if (rc == X86EMUL_OKAY)
			rc = x86em_read(e, X86_SEG_ES, di, &b, s->size);
		if (rc == X86EMUL_OKAY)
			x86em_alu(ALU_CMP, a, b, s->size, &e->r.rflags);
		break;
	case STR_STOS:
		rc = x86em_write(e, X86_SEG_ES, di, &e->r.gpr[X86_RAX], s->size);
		break;
	case STR_LODS:
		rc = x86em_read(e, s->src_seg, si, &a, s->size);
		if (rc == X86EMUL_OKAY)
			x86em_reg_write(e, X86_RAX, s->size, false, a);
		break;
	case STR_SCAS:
		rc = x86em_read(e, X86_SEG_ES, di, &b, s->size);
		if (rc == X86EMUL_OKAY)
			x86em_alu(ALU_CMP, e->r.gpr[X86_RAX], b, s->size,
			    &e->r.rflags);
		break;
	}
	if (rc != X86EMUL_OKAY)
		return rc;
	if (s->kind != STR_INS && s->kind != STR_STOS && s->kind != STR_SCAS)
		idx_advance(e, X86_RSI, s, 1);
	if (s->kind != STR_OUTS && s->kind != STR_LODS)
		idx_advance(e, X86_RDI, s, 1);
	return X86EMUL_OKAY;
}

/*
 * Narrows *n so that the elements from the offset in reg (through seg) stay
 * in one page and inside the segment at both ends without wrapping at the
 * address size; gives the first element's linear address.
 */
static int batch_range(struct em *e, const struct str_op *s, uint8_t seg,
		       unsigned int reg, bool write, uint64_t *n,
		       uint64_t *la)
{
	uint64_t off = idx_get(e, reg, s->ad), first, tmp;
	int rc = x86em_linear(e, seg, off, s->size, write, la);

	if (rc != X86EMUL_OKAY)
		return rc;
	/* elements left in this page in the direction of travel */
	first = s->step > 0 ? (4096 - (*la & 4095)) / s->size :
		(*la & 4095) / s->size + 1;
	if (first == 0) /* one element straddles the page end */
		first = 1;
	if (*n > first)
		*n = first;
	uint64_t last = off + (uint64_t)s->step * (*n - 1);
	if ((last & size_mask(s->ad)) != last ||
	    x86em_linear(e, seg, last, s->size, write, &tmp) != X86EMUL_OKAY)
		*n = 1; /* the element-wise path will find the precise fault */
	e->c->event = (struct x86_event){ 0 };
	return X86EMUL_OKAY;
}

/*
 * One batched request through the optional rep_* callbacks (one IOREQ with
 * a count for the hv, like Xen's data_is_ptr): up to *n elements; *n is
 * set to the number done and the index registers advanced.  A callback
 * that answers UNHANDLEABLE wants this element done one at a time.
 */
static int str_batch(struct em *e, const struct str_op *s, uint64_t *n)
{
	const struct x86_emul_ops *o = e->ops;
	uint16_t port = (uint16_t)e->r.gpr[X86_RDX];
	bool back = s->step < 0;
	uint64_t src = 0, dst = 0;
	int rc = X86EMUL_OKAY;

	if (s->kind != STR_INS && s->kind != STR_STOS)
		rc = batch_range(e, s, s->src_seg, X86_RSI, false, n, &src);
	if (rc == X86EMUL_OKAY && s->kind != STR_OUTS)
		rc = batch_range(e, s, X86_SEG_ES, X86_RDI, true, n, &dst);
	if (rc != X86EMUL_OKAY)
		return rc;
	switch (s->kind) {
	case STR_INS:
		rc = o->rep_ins(e->c, port, s->size, dst, back, n);
		break;
	case STR_OUTS:
		rc = o->rep_outs(e->c, port, s->size, src, back, n);
		break;
	case STR_MOVS:
		rc = o->rep_movs(e->c, src, dst, s->size, back, n);
		break;
	default:
		rc = o->rep_stos(e->c, dst, e->r.gpr[X86_RAX] &
				 size_mask(s->size), s->size, back, n);
		break;
	}
	if (rc == X86EMUL_UNHANDLEABLE) {
		*n = 1;
		return str_one(e, s);
	}
	if (rc != X86EMUL_OKAY)
		return rc;
	if (s->kind != STR_INS && s->kind != STR_STOS)
		idx_advance(e, X86_RSI, s, *n);
	if (s->kind != STR_OUTS)
		idx_advance(e, X86_RDI, s, *n);
	return X86EMUL_OKAY;
}

/* Whether the host offers a batched callback for this kind. */
static bool can_batch(const struct em *e, enum str_kind kind)
{
	switch (kind) {
	case STR_INS: return e->ops->rep_ins;
	case STR_OUTS: return e->ops->rep_outs;
	case STR_MOVS: return e->ops->rep_movs;
	case STR_STOS: return e->ops->rep_stos;
	default: return false;
	}
}

/* Whether a REPE/REPNE compare stops after this iteration. */
static bool cmp_stops(const struct em *e, const struct str_op *s)
{
	if (s->kind != STR_CMPS && s->kind != STR_SCAS)
		return false;
	bool zf = e->r.rflags & X86_FL_ZF;
	return (e->in->prefixes & X86_PFX_REPNE) ? zf : !zf;
}

/*
 * Intel CPUs, at 32-bit address size in 64-bit mode, clear the top half
 * of RCX as a REP string instruction starts, even when ECX is zero or the
 * first iteration faults; MOVS and STOS clear it in their pointers too.
 * AMD CPUs leave the registers alone until an iteration writes them.  The
 * SDM and APM say nothing: the zero-count case is what Linux's KVM and
 * Xen's emulator model, the first-fault case what an Intel CI host did.
 */
static void intel_rep_zext(struct em *e, const struct str_op *s)
{
	if (!e->c->intel || e->c->mode != X86_MODE_LONG64 || s->ad != 4)
		return;
	e->r.gpr[X86_RCX] = idx_get(e, X86_RCX, 4);
	if (s->kind == STR_MOVS)
		e->r.gpr[X86_RSI] = idx_get(e, X86_RSI, 4);
	if (s->kind == STR_MOVS || s->kind == STR_STOS)
		e->r.gpr[X86_RDI] = idx_get(e, X86_RDI, 4);
}

static void str_setup(struct em *e, struct str_op *s)
{
	const struct x86_insn *in = e->in;

	s->kind = kind_of(in->opcode);
	s->size = (in->opcode & 1) ? in->op_bytes : 1;
	if ((s->kind == STR_INS || s->kind == STR_OUTS) && s->size == 8)
		s->size = 4;
	s->ad = in->addr_bytes;
	s->step = (e->r.rflags & X86_FL_DF) ? -(int64_t)s->size : s->size;
	s->src_seg = in->seg == X86_SEG_NONE ? X86_SEG_DS : in->seg;
	s->rep = in->prefixes & (X86_PFX_REP | X86_PFX_REPNE);
	s->rcx = idx_get(e, X86_RCX, s->ad);
}

int x86em_string(struct em *e)
{
	struct str_op s;
	uint64_t budget = e->c->max_reps ? e->c->max_reps : 1024;
	int rc = X86EMUL_OKAY;

	str_setup(e, &s);
	if (!s.rep)
		return str_one(e, &s);
	intel_rep_zext(e, &s);
	while (s.rcx != 0 && budget != 0) {
		uint64_t n = 1;
		if (can_batch(e, s.kind)) {
			n = s.rcx < budget ? s.rcx : budget;
			rc = str_batch(e, &s, &n);
		} else {
			rc = str_one(e, &s);
		}
		if (rc != X86EMUL_OKAY)
			break;
		s.rcx -= n;
		budget -= n;
		x86em_reg_write(e, X86_RCX, s.ad, false, s.rcx);
		if (cmp_stops(e, &s))
			return X86EMUL_OKAY;
	}
	if (rc != X86EMUL_OKAY) {
		e->commit_partial = true;
		return rc;
	}
	e->rip_stay = s.rcx != 0;
	return X86EMUL_OKAY;
}
