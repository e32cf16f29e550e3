/* fuzz_scanjson.c: libFuzzer target for formats/scanfeed.c reading JSON lines of the same fields.
 * The oracles are in scanfeed_driver.h. */
#define FUZZ_FORMAT SCAN_FORMAT_JSON
#include "scanfeed_driver.h"
