/* keys.h - parse key chords such as "Control+Shift+p" into what
 * Input.dispatchKeyEvent needs */
#ifndef KEYS_H
#define KEYS_H

/* The DevTools protocol's modifier bits. */
enum {
	KEY_MOD_ALT = 1,
	KEY_MOD_CTRL = 2,
	KEY_MOD_META = 4,
	KEY_MOD_SHIFT = 8,
};

struct key {
	char key[16];   /* DOM KeyboardEvent.key: "Enter", "p", "P" */
	char code[16];  /* physical key: "Enter", "KeyP" */
	int key_code;   /* Windows virtual key code */
	char text[4];   /* what the key types, "" when it types nothing */
};

struct key_chord {
	int modifiers;  /* KEY_MOD_* bits held during the key */
	struct key key;
};

/* Parse "Mod+Mod+Key". Modifiers: Control (Ctrl), Shift, Alt, Meta
 * (Command, Cmd), ControlOrMeta (Control: captures run on Linux). Key: a
 * named key (Enter, Escape, Tab, ArrowUp, F5, …) or one printable ASCII
 * character. Returns 0, or -1 with *why set to a short reason. */
int key_chord_parse(const char *s, struct key_chord *chord, const char **why);

/* The key that holds one modifier bit down (ControlLeft for KEY_MOD_CTRL). */
const struct key *key_for_modifier(int bit);

#endif
