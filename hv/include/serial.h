/* 16550-compatible UART: configuration parsed from "com1=" and the driver. */
#ifndef BASTION_SERIAL_H
#define BASTION_SERIAL_H

#include "lib.h"

struct serial_config {
	uint32_t baud;      /* 0: keep what the firmware programmed */
	uint8_t data_bits;  /* 5..8 */
	char parity;        /* n o e m s */
	uint8_t stop_bits;  /* 1 or 2 */
	uint16_t io_base;
};

#define SERIAL_DEFAULT_CONFIG { 115200, 8, 'n', 1, 0x3f8 }

/* Parses Xen's "<baud>|auto[/<clock>][,DPS[,<io-base>]]" form, e.g.
 * "115200,8n1" or "38400,8e2,0x2f8".  Returns NULL or why it is bad. */
const char *serial_parse_config(const char *s, size_t len, struct serial_config *cfg);

void serial_init(void);
void serial_putc(char c);
/* A received byte, or -1 when none is waiting. */
int serial_getc(void);

#endif
