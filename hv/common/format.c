/*
 * printf-style formatting for the console and log ring.  Implements the
 * C11 conversions the hv uses (7.21.6.1), with the usual flags, width,
 * precision and length modifiers; no floating point.  Pure code: built
 * into the hv and into host unit tests.
 */
#include "lib.h"

struct fmt_out {
	char *buf;
	size_t size;
	size_t len; /* characters the whole output needs */
};

struct fmt_spec {
	bool left, zero, plus, space, alt;
	int width, prec; /* prec < 0: not given */
	int length;      /* in bytes of the argument: 1, 2, 4, 8 */
};

static void put(struct fmt_out *o, char c)
{
	if (o->len + 1 < o->size)
		o->buf[o->len] = c;
	o->len++;
}

static void put_repeat(struct fmt_out *o, char c, int n)
{
	while (n-- > 0)
		put(o, c);
}

static void put_string(struct fmt_out *o, const struct fmt_spec *s, const char *str)
{
	if (!str)
		str = "(null)";
	int n = (int)strnlen(str, s->prec >= 0 ? (size_t)s->prec : SIZE_MAX);
	if (!s->left)
		put_repeat(o, ' ', s->width - n);
	for (int i = 0; i < n; i++)
		put(o, str[i]);
	if (s->left)
		put_repeat(o, ' ', s->width - n);
}

/* Emits a number already split into sign/prefix and digits, with padding. */
static void put_number(struct fmt_out *o, const struct fmt_spec *s, uint64_t v,
		       unsigned base, bool upper, const char *prefix)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char tmp[24];
	int n = 0;
	while (v) {
		tmp[n++] = digits[v % base];
		v /= base;
	}
	int prec = s->prec >= 0 ? s->prec : 1;
	int zeros = prec > n ? prec - n : 0;
	int plen = (int)strlen(prefix);
	int total = plen + zeros + n;
	if (s->zero && !s->left && s->prec < 0 && s->width > total) {
		zeros += s->width - total;
		total = s->width;
	}
	if (!s->left)
		put_repeat(o, ' ', s->width - total);
	while (*prefix)
		put(o, *prefix++);
	put_repeat(o, '0', zeros);
	while (n)
		put(o, tmp[--n]);
	if (s->left)
		put_repeat(o, ' ', s->width - total);
}

static uint64_t fetch_unsigned(va_list *ap, int length)
{
	switch (length) {
	case 1: return (unsigned char)va_arg(*ap, unsigned int);
	case 2: return (unsigned short)va_arg(*ap, unsigned int);
	case 8: return va_arg(*ap, unsigned long long);
	default: return va_arg(*ap, unsigned int);
	}
}

static int64_t fetch_signed(va_list *ap, int length)
{
	switch (length) {
	case 1: return (signed char)va_arg(*ap, int);
	case 2: return (short)va_arg(*ap, int);
	case 8: return va_arg(*ap, long long);
	default: return va_arg(*ap, int);
	}
}

static void convert(struct fmt_out *o, struct fmt_spec *s, char conv, va_list *ap)
{
	char sign[2] = { 0, 0 };
	switch (conv) {
	case 'd':
	case 'i': {
		int64_t v = fetch_signed(ap, s->length);
		uint64_t mag = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
		sign[0] = v < 0 ? '-' : s->plus ? '+' : s->space ? ' ' : 0;
		put_number(o, s, mag, 10, false, sign);
		break;
	}
	case 'u': put_number(o, s, fetch_unsigned(ap, s->length), 10, false, ""); break;
	case 'o': {
		uint64_t v = fetch_unsigned(ap, s->length);
		put_number(o, s, v, 8, false, s->alt && v ? "0" : "");
		break;
	}
	case 'x':
	case 'X': {
		uint64_t v = fetch_unsigned(ap, s->length);
		const char *pfx = s->alt && v ? (conv == 'x' ? "0x" : "0X") : "";
		put_number(o, s, v, 16, conv == 'X', pfx);
		break;
	}
	case 'p': put_number(o, s, (uintptr_t)va_arg(*ap, void *), 16, false, "0x"); break;
	case 'c': {
		char c[2] = { (char)va_arg(*ap, int), 0 };
		s->prec = 1;
		put_string(o, s, c);
		break;
	}
	case 's': put_string(o, s, va_arg(*ap, const char *)); break;
	case '%': put(o, '%'); break;
	default: /* unknown conversion: show it rather than guess */
		put(o, '%');
		put(o, conv);
	}
}

static const char *parse_spec(const char *f, struct fmt_spec *s, va_list *ap)
{
	*s = (struct fmt_spec){ .prec = -1, .length = 4 };
	for (;; f++) {
		if (*f == '-') s->left = true;
		else if (*f == '0') s->zero = true;
		else if (*f == '+') s->plus = true;
		else if (*f == ' ') s->space = true;
		else if (*f == '#') s->alt = true;
		else break;
	}
	if (*f == '*') {
		s->width = va_arg(*ap, int);
		if (s->width < 0) {
			s->left = true;
			s->width = -s->width;
		}
		f++;
	}
	while (*f >= '0' && *f <= '9')
		s->width = s->width * 10 + (*f++ - '0');
	if (*f == '.') {
		f++;
		s->prec = 0;
		if (*f == '*') {
			s->prec = va_arg(*ap, int);
			f++;
		}
		while (*f >= '0' && *f <= '9')
			s->prec = s->prec * 10 + (*f++ - '0');
	}
	if (*f == 'h') {
		s->length = f[1] == 'h' ? 1 : 2;
		f += f[1] == 'h' ? 2 : 1;
	} else if (*f == 'l') {
		s->length = 8;
		f += f[1] == 'l' ? 2 : 1;
	} else if (*f == 'z' || *f == 't' || *f == 'j') {
		s->length = 8;
		f++;
	}
	return f;
}

int fmt_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct fmt_out o = { buf, size, 0 };
	va_list args;
	va_copy(args, ap);
	while (*fmt) {
		if (*fmt != '%') {
			put(&o, *fmt++);
			continue;
		}
		struct fmt_spec spec;
		fmt = parse_spec(fmt + 1, &spec, &args);
		if (!*fmt)
			break;
		convert(&o, &spec, *fmt++, &args);
	}
	va_end(args);
	if (size)
		buf[o.len < size ? o.len : size - 1] = '\0';
	return (int)o.len;
}

int fmt_snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = fmt_vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}
