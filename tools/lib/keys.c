/* keys.c - key chord parsing, with the US layout's key codes so pages see
 * the same events a real keyboard would send */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "keys.h"
#include "util.h"

static const struct key named_keys[] = {
	{ "Enter", "Enter", 13, "\r" },
	{ "Tab", "Tab", 9, "\t" },
	{ "Escape", "Escape", 27, "" },
	{ "Backspace", "Backspace", 8, "" },
	{ "Delete", "Delete", 46, "" },
	{ "Insert", "Insert", 45, "" },
	{ " ", "Space", 32, " " },
	{ "ArrowLeft", "ArrowLeft", 37, "" },
	{ "ArrowUp", "ArrowUp", 38, "" },
	{ "ArrowRight", "ArrowRight", 39, "" },
	{ "ArrowDown", "ArrowDown", 40, "" },
	{ "Home", "Home", 36, "" },
	{ "End", "End", 35, "" },
	{ "PageUp", "PageUp", 33, "" },
	{ "PageDown", "PageDown", 34, "" },
};

/* Names people write for keys whose DOM name differs. */
static const struct {
	const char *alias, *name;
} key_aliases[] = {
	{ "Return", "Enter" }, { "Esc", "Escape" }, { "Space", " " },
	{ "Del", "Delete" },   { "Up", "ArrowUp" }, { "Down", "ArrowDown" },
	{ "Left", "ArrowLeft" }, { "Right", "ArrowRight" },
};

static const struct {
	const char *name;
	int bit;
} modifier_names[] = {
	{ "Control", KEY_MOD_CTRL }, { "Ctrl", KEY_MOD_CTRL },
	{ "ControlOrMeta", KEY_MOD_CTRL },
	{ "Shift", KEY_MOD_SHIFT },  { "Alt", KEY_MOD_ALT },
	{ "Meta", KEY_MOD_META },    { "Command", KEY_MOD_META },
	{ "Cmd", KEY_MOD_META },
};

static const struct key modifier_keys[] = {
	{ "Alt", "AltLeft", 18, "" },
	{ "Control", "ControlLeft", 17, "" },
	{ "Meta", "MetaLeft", 91, "" },
	{ "Shift", "ShiftLeft", 16, "" },
};

/* US-layout punctuation: the character, its shifted twin, code, key code. */
static const struct {
	char plain, shifted;
	const char *code;
	int key_code;
} punctuation[] = {
	{ ';', ':', "Semicolon", 186 },   { '=', '+', "Equal", 187 },
	{ ',', '<', "Comma", 188 },       { '-', '_', "Minus", 189 },
	{ '.', '>', "Period", 190 },      { '/', '?', "Slash", 191 },
	{ '`', '~', "Backquote", 192 },   { '[', '{', "BracketLeft", 219 },
	{ '\\', '|', "Backslash", 220 },  { ']', '}', "BracketRight", 221 },
	{ '\'', '"', "Quote", 222 },
};

const struct key *key_for_modifier(int bit)
{
	switch (bit) {
	case KEY_MOD_ALT: return &modifier_keys[0];
	case KEY_MOD_CTRL: return &modifier_keys[1];
	case KEY_MOD_META: return &modifier_keys[2];
	case KEY_MOD_SHIFT: return &modifier_keys[3];
	}
	return NULL;
}

static int modifier_bit(const char *name, size_t len)
{
	size_t i;

	for (i = 0; i < LEN(modifier_names); i++)
		if (strlen(modifier_names[i].name) == len &&
		    !strncasecmp(modifier_names[i].name, name, len))
			return modifier_names[i].bit;
	return 0;
}

static int named_key(const char *name, struct key *k)
{
	size_t i;
	int f;

	for (i = 0; i < LEN(key_aliases); i++)
		if (!strcasecmp(key_aliases[i].alias, name))
			name = key_aliases[i].name;
	for (i = 0; i < LEN(named_keys); i++)
		if (!strcasecmp(named_keys[i].key, name)) {
			*k = named_keys[i];
			return 0;
		}
	if ((name[0] == 'F' || name[0] == 'f') && sscanf(name + 1, "%d", &f) == 1 &&
	    f >= 1 && f <= 12 && strlen(name) == (f < 10 ? 2u : 3u)) {
		snprintf(k->key, sizeof k->key, "F%d", f);
		snprintf(k->code, sizeof k->code, "F%d", f);
		k->key_code = 111 + f;
		k->text[0] = '\0';
		return 0;
	}
	return -1;
}

static int char_key(unsigned char c, int shift, struct key *k)
{
	size_t i;

	memset(k, 0, sizeof *k);
	if (isalpha(c)) {
		k->key[0] = shift ? toupper(c) : tolower(c);
		snprintf(k->code, sizeof k->code, "Key%c", toupper(c));
		k->key_code = toupper(c);
	} else if (isdigit(c)) {
		k->key[0] = c;
		snprintf(k->code, sizeof k->code, "Digit%c", c);
		k->key_code = c;
	} else {
		for (i = 0; i < LEN(punctuation); i++)
			if (punctuation[i].plain == c || punctuation[i].shifted == c)
				break;
		if (i == LEN(punctuation))
			return -1;
		k->key[0] = c;
		snprintf(k->code, sizeof k->code, "%s", punctuation[i].code);
		k->key_code = punctuation[i].key_code;
	}
	k->text[0] = k->key[0];
	return 0;
}

int key_chord_parse(const char *s, struct key_chord *chord, const char **why)
{
	const char *part = s, *plus;
	int bit;

	memset(chord, 0, sizeof *chord);
	/* every '+' but a final one (as in "Control++") separates a modifier */
	while ((plus = strchr(part, '+')) && plus[1] != '\0') {
		bit = modifier_bit(part, (size_t)(plus - part));
		if (!bit) {
			*why = "unknown modifier (use Control, Shift, Alt or Meta)";
			return -1;
		}
		chord->modifiers |= bit;
		part = plus + 1;
	}
	if (*part == '\0') {
		*why = "no key after the modifiers";
		return -1;
	}
	if (part[1] == '\0' && part[0] != ' ') {
		if (char_key((unsigned char)part[0], chord->modifiers & KEY_MOD_SHIFT,
			     &chord->key) < 0) {
			*why = "unknown key";
			return -1;
		}
	} else if (named_key(part, &chord->key) < 0) {
		*why = "unknown key";
		return -1;
	}
	/* a chord with Control, Alt or Meta is a shortcut: it types nothing */
	if (chord->modifiers & (KEY_MOD_CTRL | KEY_MOD_ALT | KEY_MOD_META))
		chord->key.text[0] = '\0';
	return 0;
}
