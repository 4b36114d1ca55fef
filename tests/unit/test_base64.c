/* test_base64.c - strict base64 decoding (tools/lib/base64.c) */
#include <string.h>

#include "base64.h"
#include "check.h"

static int decodes_to(const char *in, const char *want)
{
	unsigned char out[64];
	long n = base64_decode(in, strlen(in), out);

	return n == (long)strlen(want) && memcmp(out, want, (size_t)n) == 0;
}

static int rejects(const char *in)
{
	unsigned char out[64];

	return base64_decode(in, strlen(in), out) == -1;
}

int main(void)
{
	unsigned char out[8];
	unsigned char bin[] = { 0xff, 0xd8, 0xff, 0x00, 0x10 };

	/* RFC 4648 section 10 test vectors */
	CHECK(decodes_to("", ""));
	CHECK(decodes_to("Zg==", "f"));
	CHECK(decodes_to("Zm8=", "fo"));
	CHECK(decodes_to("Zm9v", "foo"));
	CHECK(decodes_to("Zm9vYg==", "foob"));
	CHECK(decodes_to("Zm9vYmE=", "fooba"));
	CHECK(decodes_to("Zm9vYmFy", "foobar"));
	/* padding is optional */
	CHECK(decodes_to("Zg", "f"));
	CHECK(decodes_to("Zm8", "fo"));
	/* binary bytes and the two high symbols */
	CHECK(base64_decode("/9j/ABA=", 8, out) == 5 && memcmp(out, bin, 5) == 0);
	CHECK(decodes_to("+/+/", "\xfb\xff\xbf"));

	CHECK(rejects("Zm9v!"));
	CHECK(rejects("Zm 9v"));
	CHECK(rejects("Z"));        /* a lone sextet holds no byte */
	CHECK(rejects("Zm9vY"));
	CHECK(rejects("Zg="));      /* padding must complete the group */
	CHECK(rejects("Z==="));
	CHECK(rejects("Zg==Zg=="));  /* padding only at the end */

	CHECK(base64_decoded_max(0) == 0);
	CHECK(base64_decoded_max(4) == 3);
	CHECK(base64_decoded_max(6) >= 4);
	return check_done();
}
