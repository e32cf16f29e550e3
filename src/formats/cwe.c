/* cwe.c: common CWE names (MITRE CWE 4.x, checked against BSI's validator's catalogue by
 * tests/e2e/98_csaf.sh). */
#include "formats/cwe.h"

#include <stddef.h>
#include <string.h>

static const struct {
	const char *id, *name;
} cwe_table[] = {
    {"CWE-20", "Improper Input Validation"},
    {"CWE-22", "Improper Limitation of a Pathname to a Restricted Directory ('Path Traversal')"},
    {"CWE-23", "Relative Path Traversal"},
    {"CWE-77",
     "Improper Neutralization of Special Elements used in a Command ('Command Injection')"},
    {"CWE-78",
     "Improper Neutralization of Special Elements used in an OS Command ('OS Command Injection')"},
    {"CWE-79",
     "Improper Neutralization of Input During Web Page Generation ('Cross-site Scripting')"},
    {"CWE-88",
     "Improper Neutralization of Argument Delimiters in a Command ('Argument Injection')"},
    {"CWE-89",
     "Improper Neutralization of Special Elements used in an SQL Command ('SQL Injection')"},
    {"CWE-94", "Improper Control of Generation of Code ('Code Injection')"},
    {"CWE-98", "Improper Control of Filename for Include/Require Statement in PHP Program ('PHP "
               "Remote File Inclusion')"},
    {"CWE-119", "Improper Restriction of Operations within the Bounds of a Memory Buffer"},
    {"CWE-120", "Buffer Copy without Checking Size of Input ('Classic Buffer Overflow')"},
    {"CWE-121", "Stack-based Buffer Overflow"},
    {"CWE-122", "Heap-based Buffer Overflow"},
    {"CWE-125", "Out-of-bounds Read"},
    {"CWE-134", "Use of Externally-Controlled Format String"},
    {"CWE-190", "Integer Overflow or Wraparound"},
    {"CWE-200", "Exposure of Sensitive Information to an Unauthorized Actor"},
    {"CWE-269", "Improper Privilege Management"},
    {"CWE-276", "Incorrect Default Permissions"},
    {"CWE-284", "Improper Access Control"},
    {"CWE-285", "Improper Authorization"},
    {"CWE-287", "Improper Authentication"},
    {"CWE-288", "Authentication Bypass Using an Alternate Path or Channel"},
    {"CWE-290", "Authentication Bypass by Spoofing"},
    {"CWE-306", "Missing Authentication for Critical Function"},
    {"CWE-312", "Cleartext Storage of Sensitive Information"},
    {"CWE-319", "Cleartext Transmission of Sensitive Information"},
    {"CWE-352", "Cross-Site Request Forgery (CSRF)"},
    {"CWE-362",
     "Concurrent Execution using Shared Resource with Improper Synchronization ('Race Condition')"},
    {"CWE-400", "Uncontrolled Resource Consumption"},
    {"CWE-401", "Missing Release of Memory after Effective Lifetime"},
    {"CWE-416", "Use After Free"},
    {"CWE-427", "Uncontrolled Search Path Element"},
    {"CWE-434", "Unrestricted Upload of File with Dangerous Type"},
    {"CWE-476", "NULL Pointer Dereference"},
    {"CWE-502", "Deserialization of Untrusted Data"},
    {"CWE-522", "Insufficiently Protected Credentials"},
    {"CWE-611", "Improper Restriction of XML External Entity Reference"},
    {"CWE-639", "Authorization Bypass Through User-Controlled Key"},
    {"CWE-640", "Weak Password Recovery Mechanism for Forgotten Password"},
    {"CWE-668", "Exposure of Resource to Wrong Sphere"},
    {"CWE-693", "Protection Mechanism Failure"},
    {"CWE-732", "Incorrect Permission Assignment for Critical Resource"},
    {"CWE-770", "Allocation of Resources Without Limits or Throttling"},
    {"CWE-787", "Out-of-bounds Write"},
    {"CWE-798", "Use of Hard-coded Credentials"},
    {"CWE-843", "Access of Resource Using Incompatible Type ('Type Confusion')"},
    {"CWE-862", "Missing Authorization"},
    {"CWE-863", "Incorrect Authorization"},
    {"CWE-917", "Improper Neutralization of Special Elements used in an Expression Language "
                "Statement ('Expression Language Injection')"},
    {"CWE-918", "Server-Side Request Forgery (SSRF)"},
    {"CWE-1188", "Initialization of a Resource with an Insecure Default"},
    {"CWE-1321",
     "Improperly Controlled Modification of Object Prototype Attributes ('Prototype Pollution')"},
};

const char *cwe_name(const char *id)
{
	for (size_t i = 0; id && i < sizeof(cwe_table) / sizeof(cwe_table[0]); i++)
		if (strcmp(cwe_table[i].id, id) == 0)
			return cwe_table[i].name;
	return NULL;
}

int cwe_id_valid(const char *id)
{
	size_t n;

	if (id == NULL || strncmp(id, "CWE-", 4) != 0)
		return 0;
	n = strlen(id + 4);
	if (n < 1 || n > 6 || id[4] == '0')
		return 0;
	for (size_t i = 4; id[i]; i++)
		if (id[i] < '0' || id[i] > '9')
			return 0;
	return 1;
}
