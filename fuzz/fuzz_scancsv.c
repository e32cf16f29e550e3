/* fuzz_scancsv.c: libFuzzer target for formats/scanfeed.c reading the plain CSV
 * ip,port,seen_at,cve[,product,version]. The oracles are in scanfeed_driver.h. */
#define FUZZ_FORMAT SCAN_FORMAT_CSV
#include "scanfeed_driver.h"
