/* cveid.c: the shape of a CVE id (cve.org: CVE-YYYY-NNNN with four or more sequence digits). */
#include "domain/cveid.h"

#include <strings.h>
#include <string.h>

int cveid_valid(const char *s, size_t n, int strict)
{
	if (s == NULL || n < 13 || n > CVEID_MAX || s[8] != '-')
		return 0;
	if (strict ? strncmp(s, "CVE-", 4) != 0 : strncasecmp(s, "CVE-", 4) != 0)
		return 0;
	for (size_t i = 4; i < n; i++)
		if (i != 8 && (s[i] < '0' || s[i] > '9'))
			return 0;
	return 1;
}
