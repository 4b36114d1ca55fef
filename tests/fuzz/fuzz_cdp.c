/* fuzz_cdp - the DevTools pipe's framing on an arbitrary byte stream, fed
 * in pieces as reads would deliver them (the first byte sets their size):
 * NUL-separated JSON messages, then what cdp_call reads from each. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "cdp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t piece, at = 1, len = 0;
	char *buf;
	int garbled;
	cJSON *msg;

	if (size < 1)
		return 0;
	piece = (size_t)data[0] + 1;
	buf = malloc(size);
	while (at < size) {
		size_t n = size - at < piece ? size - at : piece;

		memcpy(buf + len, data + at, n);
		len += n;
		at += n;
		while ((msg = cdp_take_message(buf, &len, &garbled)) || garbled) {
			const cJSON *id, *error;

			if (!msg)
				continue;
			id = cJSON_GetObjectItemCaseSensitive(msg, "id");
			error = cJSON_GetObjectItemCaseSensitive(msg, "error");
			(void)cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(msg, "sessionId"));
			(void)cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(msg, "method"));
			(void)cJSON_GetObjectItemCaseSensitive(msg, "params");
			if (cJSON_IsNumber(id))
				(void)id->valueint;
			if (error)
				(void)cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(error, "message"));
			cJSON_Delete(msg);
		}
		if (len > size)
			__builtin_trap();
	}
	free(buf);
	return 0;
}
