/* test_utf8.c - well-formed UTF-8 (tools/lib/utf8.c) */
#include "check.h"
#include "utf8.h"

int main(void)
{
	CHECK(utf8_invalid_at("") == -1);
	CHECK(utf8_invalid_at("plain ASCII, with \"quotes\"") == -1);
	CHECK(utf8_invalid_at("caf\xc3\xa9 \xe2\x80\x94 \xe6\x97\xa5\xe6\x9c\xac \xf0\x9f\x8e\xac") == -1);
	CHECK(utf8_invalid_at("\xf4\x8f\xbf\xbf") == -1);     /* U+10FFFF, the last */
	CHECK(utf8_invalid_at("a\xff" "b") == 1);             /* no lead byte */
	CHECK(utf8_invalid_at("ab\x80") == 2);                /* stray continuation */
	CHECK(utf8_invalid_at("caf\xc3") == 3);               /* cut short at the end */
	CHECK(utf8_invalid_at("\xe2\x80z") == 0);             /* cut short inside */
	CHECK(utf8_invalid_at("\xc0\xaf") == 0);              /* overlong "/" */
	CHECK(utf8_invalid_at("x\xe0\x80\xaf") == 1);         /* overlong, 3 bytes */
	CHECK(utf8_invalid_at("\xed\xa0\x80") == 0);          /* a UTF-16 surrogate */
	CHECK(utf8_invalid_at("\xf4\x90\x80\x80") == 0);      /* past U+10FFFF */
	CHECK(utf8_invalid_at("\xf8\x88\x80\x80\x80") == 0);  /* 5-byte form */
	return check_done();
}
