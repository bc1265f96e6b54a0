/*
 * Reads the MC146818-compatible CMOS clock (registers 0x00 seconds, 0x02
 * minutes, 0x04 hours, 0x07 day, 0x08 month, 0x09 year, 0x32 century;
 * status A bit 7 = update in progress, status B bit 2 = binary, bit 1 =
 * 24-hour).  Read twice until two readings agree, so an update cannot
 * tear it; no waiting for an update edge.
 */
#include "x86/rtc.h"
#include "x86/cpu.h"

static uint8_t cmos(uint8_t reg)
{
	outb(0x70, reg);
	return inb(0x71);
}

static unsigned from_bcd(uint8_t v, bool binary)
{
	return binary ? v : (v >> 4) * 10 + (v & 0xf);
}

uint64_t days_from_civil(unsigned year, unsigned month, unsigned day)
{
	/* Count March-based years so the leap day falls at the end. */
	unsigned y = month <= 2 ? year - 1 : year;
	unsigned era = y / 400, yoe = y % 400;
	unsigned mp = (month + 9) % 12; /* March = 0 */
	unsigned doy = (153 * mp + 2) / 5 + day - 1;
	unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return (uint64_t)era * 146097 + doe - 719468;
}

struct rtc_reading {
	uint8_t sec, min, hour, day, mon, year, century;
};

static void read_once(struct rtc_reading *r)
{
	for (unsigned spins = 0; (cmos(0x0a) & 0x80) && spins < 1000000; spins++)
		cpu_relax();
	*r = (struct rtc_reading){ cmos(0x00), cmos(0x02), cmos(0x04), cmos(0x07), cmos(0x08),
				   cmos(0x09), cmos(0x32) };
}

uint64_t rtc_read_unix_seconds(void)
{
	struct rtc_reading a, b;
	read_once(&a);
	for (int tries = 0; tries < 5; tries++) {
		read_once(&b);
		if (!memcmp(&a, &b, sizeof(a)))
			break;
		a = b;
	}
	uint8_t status_b = cmos(0x0b);
	bool binary = status_b & 0x04, h24 = status_b & 0x02;
	unsigned hour = from_bcd(a.hour & 0x7f, binary);
	if (!h24 && (a.hour & 0x80))
		hour = hour % 12 + 12;
	else if (!h24 && hour == 12)
		hour = 0;
	unsigned century = from_bcd(a.century, binary);
	unsigned year = from_bcd(a.year, binary) + (century >= 19 && century <= 30 ? century * 100 : 2000);
	uint64_t days = days_from_civil(year, from_bcd(a.mon, binary), from_bcd(a.day, binary));
	return days * 86400 + hour * 3600 + from_bcd(a.min, binary) * 60 + from_bcd(a.sec, binary);
}
