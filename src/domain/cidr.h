/* cidr.h: IPv4 and IPv6 addresses and netblocks in one 16-byte space.
 *
 * Every address is 16 bytes. An IPv4 address a.b.c.d is stored IPv4-mapped, as ::ffff:a.b.c.d,
 * and an IPv4 prefix length n as n + 96, so that one longest-prefix-match structure serves both
 * families. An address written in IPv6 notation that falls in ::ffff:0:0/96 *is* an IPv4
 * address here: "::ffff:10.0.0.0/104" parses to the same value as "10.0.0.0/8", with v4 set,
 * and formats as "10.0.0.0/8". So two equal netblocks always have equal structs and equal text.
 *
 * The parsers are our own (no inet_pton) so that every refusal says exactly what is wrong, and
 * they accept only the strict forms: IPv4 is exactly four decimal octets without leading zeros
 * (a leading zero could mean octal to some tools); IPv6 is RFC 4291 text (groups of 1-4 hex
 * digits, at most one "::" standing for at least one group, an optional dotted IPv4 tail), with
 * no zone index ("%eth0"), no brackets and no surrounding white space: callers trim.
 */
#ifndef BAKEN_CIDR_H
#define BAKEN_CIDR_H

#include <stddef.h>

#include "core/err.h"

/* Enough for the longest canonical netblock, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/128",
 * and its NUL. */
#define CIDR_TEXT_MAX 48

struct cidr {
	unsigned char addr[16]; /* network address, host bits zero; IPv4 as ::ffff:a.b.c.d */
	int prefix;             /* 0..128, in the 16-byte space (IPv4 /8 is 104) */
	int v4;                 /* 1 when the block lies in ::ffff:0:0/96 (prefix >= 96) */
};

/* Parses a netblock: "10.0.0.0/8", "2001:db8::/32", "::ffff:10.0.0.0/104"; a bare address is
 * a /32 (IPv4) or /128 (IPv6). Fills *out. Returns 0, or ERR_INPUT with a message in e that
 * quotes the text and names the fault, e.g. `bad CIDR "300.1.1.0/24": octet 300 is over 255`;
 * for host bits set below the prefix it suggests the network: `bad CIDR "10.0.0.1/8": host
 * bits are set; did you mean 10.0.0.0/8?`. On error *out is zeroed. */
int cidr_parse(const char *text, struct cidr *out, struct err *e);

/* Parses one address without a prefix length into addr (IPv4 mapped to ::ffff:a.b.c.d) and
 * sets *v4 to 1 when the address is IPv4 (written dotted, or IPv4-mapped), else 0. v4 may be
 * NULL. Returns 0, or ERR_INPUT with a message `bad IP address "...": ...`; on error addr is
 * zeroed. */
int ip_parse(const char *text, unsigned char addr[16], int *v4, struct err *e);

/* Writes the canonical text of c into out (outsz bytes, CIDR_TEXT_MAX is always enough):
 * "10.0.0.0/8", or RFC 5952 IPv6 ("2001:db8::/32": lower case, no leading zeros, the longest
 * run of two or more zero groups shortened to "::", the first such run on a tie). The form
 * follows the value (IPv4 when addr is in ::ffff:0:0/96 and prefix >= 96), not c->v4. Returns
 * 0, or ERR_INPUT when out is too small or c->prefix is outside 0..128 (out is then "" when
 * outsz > 0). */
int cidr_format(const struct cidr *c, char *out, size_t outsz);

/* Writes the canonical text of one address, without a prefix length ("192.0.2.1",
 * "2001:db8::1"); IPv4-mapped addresses print as IPv4. Returns 0, or ERR_INPUT when out is
 * too small (out is then "" when outsz > 0). */
int ip_format(const unsigned char addr[16], char *out, size_t outsz);

/* 1 when addr lies inside net (its first net->prefix bits equal net->addr's), else 0. A prefix
 * outside 0..128 contains nothing. */
int cidr_contains(const struct cidr *net, const unsigned char addr[16]);

/* 1 when every address of inner lies inside outer (inner is outer or a more specific block of
 * it), else 0. */
int cidr_contains_cidr(const struct cidr *outer, const struct cidr *inner);

#endif
