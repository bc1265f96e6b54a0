/*
 * bastion-img: the command-line tool over the block layer (qemu-img's
 * everyday subset).  One function per subcommand; helpers shared by them.
 */
#ifndef BASTION_IMG_H
#define BASTION_IMG_H

#include <stdio.h>

#include "block.h"

int img_info(int argc, char **argv);
int img_check(int argc, char **argv);
int img_map(int argc, char **argv);
int img_create(int argc, char **argv);
int img_convert(int argc, char **argv);
int img_bench(int argc, char **argv);

/* "64M", "4k", "1G", "512": returns -1 on a malformed size. */
int img_parse_size(const char *s, uint64_t *out);
/* Prints s as a JSON string literal. */
void img_json_str(FILE *f, const char *s);
/* Applies "-o key=value,..." options to create options. */
int img_parse_create_opts(char *opts, struct blk_create_opts *o);
int img_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
