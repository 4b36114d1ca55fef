/* input.c - the event sequences behind a click, a keystroke, typed text */
#include <string.h>

#include "input.h"
#include "util.h"

/* buttons: the ones held once the event is done (1: left) */
static cJSON *mouse_params(const char *type, double x, double y, int buttons)
{
	cJSON *p = cJSON_CreateObject();

	cJSON_AddStringToObject(p, "type", type);
	cJSON_AddNumberToObject(p, "x", x);
	cJSON_AddNumberToObject(p, "y", y);
	cJSON_AddStringToObject(p, "button", "left");
	cJSON_AddNumberToObject(p, "buttons", buttons);
	cJSON_AddNumberToObject(p, "clickCount", 1);
	return p;
}

int input_mouse_move(struct cdp *c, const char *session, double x, double y)
{
	return cdp_send(c, session, "Input.dispatchMouseEvent", mouse_params("mouseMoved", x, y, 0));
}

void input_click(struct cdp *c, const char *session, double x, double y)
{
	cJSON_Delete(cdp_ecall(c, session, "Input.dispatchMouseEvent",
			       mouse_params("mousePressed", x, y, 1)));
	cJSON_Delete(cdp_ecall(c, session, "Input.dispatchMouseEvent",
			       mouse_params("mouseReleased", x, y, 0)));
}

void input_insert_text(struct cdp *c, const char *session, const char *text)
{
	cJSON *p = cJSON_CreateObject();

	cJSON_AddStringToObject(p, "text", text);
	cJSON_Delete(cdp_ecall(c, session, "Input.insertText", p));
}

static void key_event(struct cdp *c, const char *session, const char *type,
		      const struct key *k, int modifiers)
{
	cJSON *p = cJSON_CreateObject();

	cJSON_AddStringToObject(p, "type", type);
	cJSON_AddNumberToObject(p, "modifiers", modifiers);
	cJSON_AddStringToObject(p, "key", k->key);
	cJSON_AddStringToObject(p, "code", k->code);
	cJSON_AddNumberToObject(p, "windowsVirtualKeyCode", k->key_code);
	/* "keyDown" with text also delivers the keypress/input; a key that
	 * types nothing goes down as "rawKeyDown" */
	if (!strcmp(type, "keyDown")) {
		cJSON_AddStringToObject(p, "text", k->text);
		cJSON_AddStringToObject(p, "unmodifiedText", k->text);
	}
	cJSON_Delete(cdp_ecall(c, session, "Input.dispatchKeyEvent", p));
}

static const int modifier_order[] = { KEY_MOD_CTRL, KEY_MOD_ALT, KEY_MOD_META, KEY_MOD_SHIFT };

void input_press(struct cdp *c, const char *session, const struct key_chord *chord)
{
	int i, held = 0;
	const struct key *k = &chord->key;

	for (i = 0; i < 4; i++)
		if (chord->modifiers & modifier_order[i]) {
			held |= modifier_order[i];
			key_event(c, session, "rawKeyDown", key_for_modifier(modifier_order[i]),
				  held);
		}
	key_event(c, session, k->text[0] ? "keyDown" : "rawKeyDown", k, held);
	key_event(c, session, "keyUp", k, held);
	for (i = 3; i >= 0; i--)
		if (chord->modifiers & modifier_order[i]) {
			held &= ~modifier_order[i];
			key_event(c, session, "keyUp", key_for_modifier(modifier_order[i]), held);
		}
}
