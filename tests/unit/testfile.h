/* testfile.h: a test data file into memory, for the format tests (paths are relative to the
 * repository's root, where `make unit` runs the tests). */
#ifndef BAKEN_TESTFILE_H
#define BAKEN_TESTFILE_H

#include <stdio.h>
#include <stdlib.h>

/* The file's bytes (malloc'd, NUL-terminated) and length; aborts when it cannot be read. */
static inline char *testfile_read(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *data;
	long n;

	if (f == NULL || fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0 ||
	    fseek(f, 0, SEEK_SET) != 0) {
		fprintf(stderr, "cannot read test data %s\n", path);
		abort();
	}
	data = malloc((size_t)n + 1);
	if (data == NULL || fread(data, 1, (size_t)n, f) != (size_t)n)
		abort();
	fclose(f);
	data[n] = '\0';
	*len = (size_t)n;
	return data;
}

#endif
