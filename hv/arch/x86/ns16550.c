/*
 * Polled driver for the PC's 16550-compatible UART (National Semiconductor
 * PC16550D datasheet: registers THR/DLL at +0, IER/DLM at +1, LCR at +3,
 * MCR at +4, LSR at +5).  The clock is 1.8432 MHz / 16 = 115200 baud.
 */
#include "serial.h"
#include "param.h"
#include "x86/cpu.h"

#define UART_THR 0
#define UART_DLL 0
#define UART_IER 1
#define UART_DLM 1
#define UART_FCR 2
#define UART_LCR 3
#define UART_MCR 4
#define UART_LSR 5
#define LCR_DLAB 0x80
#define LSR_DR 0x01
#define LSR_THRE 0x20
#define MCR_DTR_RTS 0x03
#define UART_BASE_BAUD 115200

static struct serial_config com1 = SERIAL_DEFAULT_CONFIG;

static const char *parse_com1(const char *v, size_t len)
{
	return serial_parse_config(v, len, &com1);
}
HV_PARAM_CUSTOM("com1", parse_com1);

static uint8_t line_control(const struct serial_config *c)
{
	static const char parities[] = "noems";
	uint8_t lcr = (uint8_t)(c->data_bits - 5);
	if (c->stop_bits == 2)
		lcr |= 0x04;
	for (uint8_t i = 1; i < 5; i++) /* n=0; o=0x08 e=0x18 m=0x28 s=0x38 */
		if (c->parity == parities[i])
			lcr |= (uint8_t)(0x08 | ((i - 1) << 4));
	return lcr;
}

void serial_init(void)
{
	uint16_t base = com1.io_base;
	outb(base + UART_IER, 0);
	if (com1.baud) {
		uint16_t divisor = (uint16_t)(UART_BASE_BAUD / com1.baud);
		outb(base + UART_LCR, LCR_DLAB);
		outb(base + UART_DLL, divisor ? (uint8_t)divisor : 1);
		outb(base + UART_DLM, (uint8_t)(divisor >> 8));
	}
	outb(base + UART_LCR, line_control(&com1));
	outb(base + UART_FCR, 0x07); /* enable and clear FIFOs */
	outb(base + UART_MCR, MCR_DTR_RTS);
}

void serial_putc(char c)
{
	uint16_t base = com1.io_base;
	for (unsigned spins = 0; !(inb(base + UART_LSR) & LSR_THRE); spins++)
		if (spins > 1000000) /* no UART there: don't hang the hv */
			return;
	outb(base + UART_THR, (uint8_t)c);
}

int serial_getc(void)
{
	uint8_t lsr = inb(com1.io_base + UART_LSR);
	if (lsr == 0xff || !(lsr & LSR_DR)) /* 0xff: no UART at all */
		return -1;
	return inb(com1.io_base + UART_THR);
}
