/* fuzz_spec - the spec validator on arbitrary bytes: JSON parsing, then
 * every check spec2req makes before it writes anything. Any input must give
 * 0 or one message naming a JSON path, never a crash. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "spec.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[512];
	cJSON *spec = cJSON_ParseWithLength((const char *)data, size);

	if (!spec)
		return 0;
	err[0] = '\0';
	if (spec_validate(spec, err, sizeof err, NULL) < 0 && (!err[0] || !memchr(err, '\0', sizeof err)))
		__builtin_trap();
	cJSON_Delete(spec);
	return 0;
}
