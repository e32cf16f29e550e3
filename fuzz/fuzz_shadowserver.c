/* fuzz_shadowserver.c: libFuzzer target for formats/scanfeed.c reading Shadowserver CSV reports (a
 * known report's header or the generic shape). The oracles are in scanfeed_driver.h. */
#define FUZZ_FORMAT SCAN_FORMAT_SHADOWSERVER
#include "scanfeed_driver.h"
