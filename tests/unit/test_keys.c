/* test_keys.c - key chord parsing (tools/lib/keys.c) */
#include <string.h>

#include "check.h"
#include "keys.h"

static struct key_chord chord;
static const char *why;

static int parses(const char *s)
{
	return key_chord_parse(s, &chord, &why) == 0;
}

int main(void)
{
	CHECK(parses("Enter"));
	CHECK(chord.modifiers == 0 && !strcmp(chord.key.code, "Enter") &&
	      chord.key.key_code == 13 && !strcmp(chord.key.text, "\r"));
	CHECK(parses("Escape") && chord.key.key_code == 27 && !chord.key.text[0]);
	CHECK(parses("esc") && !strcmp(chord.key.key, "Escape"));

	CHECK(parses("Control+Shift+p"));
	CHECK(chord.modifiers == (KEY_MOD_CTRL | KEY_MOD_SHIFT));
	CHECK(!strcmp(chord.key.key, "P") && !strcmp(chord.key.code, "KeyP"));
	CHECK(chord.key.key_code == 'P');
	CHECK(!chord.key.text[0]);  /* a shortcut types nothing */

	CHECK(parses("Shift+a") && !strcmp(chord.key.text, "A"));
	CHECK(parses("a") && !strcmp(chord.key.key, "a") && !strcmp(chord.key.text, "a"));
	CHECK(parses("Ctrl+End") && chord.modifiers == KEY_MOD_CTRL &&
	      chord.key.key_code == 35);
	CHECK(parses("Meta+s") && chord.modifiers == KEY_MOD_META);
	CHECK(parses("ControlOrMeta+s") && chord.modifiers == KEY_MOD_CTRL);
	CHECK(parses("7") && !strcmp(chord.key.code, "Digit7") && chord.key.key_code == '7');
	CHECK(parses("F5") && chord.key.key_code == 116 && !strcmp(chord.key.code, "F5"));
	CHECK(parses("F12") && chord.key.key_code == 123);
	CHECK(parses("Space") && !strcmp(chord.key.text, " ") &&
	      !strcmp(chord.key.code, "Space"));
	CHECK(parses("/") && !strcmp(chord.key.code, "Slash"));
	/* a '+' at the end is the key itself */
	CHECK(parses("Control++") && chord.modifiers == KEY_MOD_CTRL &&
	      !strcmp(chord.key.code, "Equal"));
	CHECK(parses("+") && chord.modifiers == 0);

	CHECK(!parses("Hyper+a") && strstr(why, "modifier"));
	CHECK(!parses("Control+") && why);
	CHECK(!parses("Control+Florp") && !strcmp(why, "unknown key"));
	CHECK(!parses("F13"));
	CHECK(!parses(""));
	CHECK(!parses("\x01"));

	CHECK(key_for_modifier(KEY_MOD_SHIFT)->key_code == 16);
	CHECK(!strcmp(key_for_modifier(KEY_MOD_CTRL)->code, "ControlLeft"));
	return check_done();
}
