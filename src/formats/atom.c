/* atom.c: Atom 1.0 feeds. */
#include "formats/atom.h"

#include <string.h>

/* The length of the valid UTF-8 sequence at s, or 0. */
static size_t utf8_len(const unsigned char *s)
{
	size_t n;

	if (s[0] < 0x80)
		return 1;
	if ((s[0] & 0xe0) == 0xc0 && s[0] >= 0xc2)
		n = 2;
	else if ((s[0] & 0xf0) == 0xe0)
		n = 3;
	else if ((s[0] & 0xf8) == 0xf0 && s[0] <= 0xf4)
		n = 4;
	else
		return 0;
	for (size_t i = 1; i < n; i++)
		if ((s[i] & 0xc0) != 0x80)
			return 0;
	if (n == 3 && ((s[0] == 0xe0 && s[1] < 0xa0) || (s[0] == 0xed && s[1] >= 0xa0)))
		return 0;
	if (n == 4 && ((s[0] == 0xf0 && s[1] < 0x90) || (s[0] == 0xf4 && s[1] >= 0x90)))
		return 0;
	return n;
}

int atom_escape(struct buf *out, const char *s)
{
	const unsigned char *p = (const unsigned char *)(s ? s : "");
	int rc = 0;

	while (*p && rc == 0) {
		size_t n = utf8_len(p);

		if (n == 0) {
			p++;
			continue;
		}
		if (n > 1) {
			rc = buf_add(out, p, n);
			p += n;
			continue;
		}
		switch (*p) {
		case '&':
			rc = buf_adds(out, "&amp;");
			break;
		case '<':
			rc = buf_adds(out, "&lt;");
			break;
		case '>':
			rc = buf_adds(out, "&gt;");
			break;
		case '"':
			rc = buf_adds(out, "&quot;");
			break;
		case '\'':
			rc = buf_adds(out, "&apos;");
			break;
		default:
			if (*p >= 0x20 || *p == '\t' || *p == '\n' || *p == '\r')
				rc = buf_addc(out, (char)*p);
		}
		p++;
	}
	return rc;
}

/* <tag>text</tag> with indentation */
static int element(struct buf *out, const char *indent, const char *tag, const char *text)
{
	int rc;

	if (text == NULL)
		return 0;
	rc = buf_printf(out, "%s<%s>", indent, tag);
	if (rc == 0)
		rc = atom_escape(out, text);
	if (rc == 0)
		rc = buf_printf(out, "</%s>\n", tag);
	return rc;
}

static int link(struct buf *out, const char *indent, const char *rel, const char *href,
                const char *type)
{
	int rc;

	if (href == NULL)
		return 0;
	rc = buf_printf(out, "%s<link rel=\"%s\" href=\"", indent, rel);
	if (rc == 0)
		rc = atom_escape(out, href);
	if (rc == 0 && type)
		rc = buf_printf(out, "\" type=\"%s", type);
	if (rc == 0)
		rc = buf_adds(out, "\"/>\n");
	return rc;
}

int atom_render(const struct atom_feed *f, struct buf *out)
{
	int rc = buf_adds(out, "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
	                       "<feed xmlns=\"http://www.w3.org/2005/Atom\">\n");

	if (rc == 0)
		rc = element(out, "  ", "id", f->id);
	if (rc == 0)
		rc = element(out, "  ", "title", f->title);
	if (rc == 0)
		rc = element(out, "  ", "updated", f->updated);
	if (rc == 0)
		rc = link(out, "  ", "self", f->self, "application/atom+xml");
	if (rc == 0)
		rc = link(out, "  ", "alternate", f->link, "text/html");
	if (rc == 0 && f->author) {
		rc = buf_adds(out, "  <author>\n");
		if (rc == 0)
			rc = element(out, "    ", "name", f->author);
		if (rc == 0)
			rc = buf_adds(out, "  </author>\n");
	}
	for (size_t i = 0; rc == 0 && i < f->n; i++) {
		const struct atom_entry *x = &f->entries[i];

		rc = buf_adds(out, "  <entry>\n");
		if (rc == 0)
			rc = element(out, "    ", "id", x->id);
		if (rc == 0)
			rc = element(out, "    ", "title", x->title);
		if (rc == 0)
			rc = element(out, "    ", "updated", x->updated);
		if (rc == 0)
			rc = element(out, "    ", "published", x->published);
		if (rc == 0)
			rc = link(out, "    ", "alternate", x->link, "text/html");
		if (rc == 0 && x->category) {
			rc = buf_adds(out, "    <category term=\"");
			if (rc == 0)
				rc = atom_escape(out, x->category);
			if (rc == 0)
				rc = buf_adds(out, "\"/>\n");
		}
		if (rc == 0)
			rc = element(out, "    ", "summary", x->summary);
		if (rc == 0)
			rc = buf_adds(out, "  </entry>\n");
	}
	if (rc == 0)
		rc = buf_adds(out, "</feed>\n");
	return rc;
}
