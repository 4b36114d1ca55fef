/* vscode.c - editor actions. The hooks are VS Code's stable class names:
 * the editor's input element inside .monaco-editor, the quick input
 * widget, xterm's helper textarea, the .auxiliarybar part, notification
 * toasts. Keys are VS Code's default bindings on Linux. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "actions.h"
#include "clock.h"
#include "json.h"
#include "util.h"
#include "vscode.h"

/* what the palette's filter and the terminal are typed at, per character */
#define PALETTE_TYPE_DELAY_MS 30
#define TERMINAL_TYPE_DELAY_MS 50
/* the quick input opens at once; longer means it is not coming */
#define QUICK_INPUT_TIMEOUT_S 5.0
/* a long line selection is spread over at most this long */
#define HIGHLIGHT_SECONDS 0.6

/* The editor's input: an EditContext element in current VS Code, a
 * textarea in older ones; the active editor group's first. */
static const char *const editor_inputs[] = {
	".editor-group-container.active .monaco-editor .native-edit-context",
	".editor-group-container.active .monaco-editor textarea",
	".monaco-editor .native-edit-context",
	".monaco-editor textarea",
	NULL,
};

static const char *const terminal_inputs[] = {
	".terminal-wrapper.active .xterm-helper-textarea",
	".xterm-helper-textarea",
	NULL,
};

const char *const vscode_caret_targets[] = {
	VSCODE_CARET, ".editor-group-container.active .monaco-editor .view-lines", NULL
};
const char *const vscode_terminal_targets[] = {
	".terminal-wrapper.active .xterm-screen", ".xterm .xterm-screen", NULL
};

static const char quick_input[] = ".quick-input-widget";
static const char quick_input_rows[] = ".quick-input-widget .quick-input-list .monaco-list-row";
static const char quick_input_busy[] = ".quick-input-widget .monaco-progress-container.active";
static const char secondary_sidebar[] = ".part.auxiliarybar";

/* What dismiss_popups closes: VS Code's notification toasts, then the
 * close buttons of modal dialogs and cookie banners on ordinary sites. */
static const char *const popup_closers[] = {
	".notifications-toasts .notification-toast .codicon-notifications-clear",
	".notifications-toasts .notification-toast .codicon-close",
	"[role=dialog][aria-modal=true] [aria-label=Close i]",
	"#onetrust-accept-btn-handler",
	".cc-window .cc-dismiss",
	NULL,
};

/* Focus the first visible of selectors, waiting for one within the
 * step's timeout. Returns 0 when none ever showed. */
static int focus_first(struct capture *cap, const char *const *selectors)
{
	const char *const *sel;
	double deadline = clock_now() + cap->timeout;
	long waited = 0;
	int ok;

	for (;;) {
		for (sel = selectors; *sel; sel++) {
			if ((ok = page_focus(cap->page, *sel)) > 0)
				return 1;
			if (ok < 0)
				die(EXIT_SYS, "browser: cannot focus \"%s\": %s", *sel, cap->page->err);
		}
		if (clock_now() > deadline)
			return 0;
		capture_wait_frame(cap, &waited);
	}
}

static void focus_editor(struct capture *cap)
{
	if (!focus_first(cap, editor_inputs))
		capture_fail(cap, EXIT_FAIL, "no editor is open (no visible .monaco-editor)");
}

void vscode_focus_editor(struct capture *cap, const cJSON *a)
{
	focus_editor(cap);
	frames_step(cap->frames, 1);
}

void vscode_select_all_and_delete(struct capture *cap, const cJSON *a)
{
	capture_press(cap, "Control+a");
	frames_step(cap->frames, 1);
	capture_press(cap, "Delete");
	frames_step(cap->frames, 1);
}

static void open_quick_input(struct capture *cap, const char *chord)
{
	capture_press(cap, chord);
	if (!capture_wait_state(cap, quick_input, "visible", QUICK_INPUT_TIMEOUT_S))
		capture_fail(cap, EXIT_TIMEOUT, "%s did not open the quick input (%s) within %g s",
			     chord, quick_input, QUICK_INPUT_TIMEOUT_S);
}

const char *vscode_check_command_palette(const cJSON *a, const char **member)
{
	const char *command = json_str(a, "command", NULL);

	*member = "command";
	if (!command)
		return "missing or not a string";
	return *command ? NULL : "is empty";
}

/* VS Code in the browser draws its first frames in a stand-in theme (a
 * light one, on the web), and its own, the one its settings name, once its
 * extensions are registered: a second or more after the page loaded. A
 * recording that started in between would open on a flash of the wrong
 * colours. Its page says from the start that it is VS Code (workbench.html's
 * configuration element); the workbench wears its theme once it has a
 * class of an extension's theme (vscode-theme-*). */
static const char theme_pending_fn[] =
	"() => {"
	" if (!document.getElementById('vscode-workbench-web-configuration')) return false;"
	" const w = document.querySelector('.monaco-workbench');"
	" return !w || ![...w.classList].some(c => c.startsWith('vscode-theme-'));"
	"}";

int vscode_settle_theme(struct capture *cap, double deadline)
{
	cJSON *pending;
	int waited = 0;

	for (;;) {
		pending = page_call(cap->page, theme_pending_fn, NULL);
		if (!cJSON_IsTrue(pending)) {
			cJSON_Delete(pending);
			return waited;
		}
		cJSON_Delete(pending);
		if (clock_now() > deadline) {
			warn("VS Code has not put on its theme within the step's timeout; "
			     "recording it as it is");
			return waited;
		}
		frames_pace(cap->frames);
		frames_step(cap->frames, 0);
		waited = 1;
	}
}

/* Enter takes the quick input's first result, and the results can still
 * be coming: Quick Open searches files on the server, which on a busy
 * machine answers after the spec's short pause. A person waits for the
 * list before pressing Enter; so do we, the wait shown as any other. */
void vscode_settle_quick_input(struct capture *cap)
{
	double deadline = clock_now() + cap->timeout;
	long waited = 0;
	int open = page_selector_state(cap->page, quick_input, "visible");

	if (open <= 0)
		return;
	while (page_selector_state(cap->page, quick_input_rows, "visible") <= 0 ||
	       page_selector_state(cap->page, quick_input_busy, "visible") > 0) {
		if (clock_now() > deadline)
			return;
		capture_wait_frame(cap, &waited);
	}
}

/* The palette opens with ">" typed; the command's name filters the list
 * and Enter runs the first match. */
void vscode_command_palette(struct capture *cap, const cJSON *a)
{
	open_quick_input(cap, "Control+Shift+p");
	capture_type(cap, json_str(a, "command", ""), PALETTE_TYPE_DELAY_MS);
	capture_record_seconds(cap, 0.2);
	vscode_settle_quick_input(cap);
	capture_press(cap, "Enter");
	frames_step(cap->frames, 1);
}

const char *vscode_check_terminal_type(const cJSON *a, const char **member)
{
	const cJSON *enter = cJSON_GetObjectItemCaseSensitive(a, "press_enter");
	const cJSON *delay = cJSON_GetObjectItemCaseSensitive(a, "delay");

	*member = "text";
	if (!json_str(a, "text", NULL))
		return "missing or not a string";
	*member = "press_enter";
	if (enter && !cJSON_IsBool(enter))
		return "must be true or false";
	*member = "delay";
	if (delay && !(cJSON_IsNumber(delay) && delay->valuedouble >= 0))
		return "must be a number >= 0";
	return NULL;
}

void vscode_terminal_type(struct capture *cap, const cJSON *a)
{
	if (!focus_first(cap, terminal_inputs))
		capture_fail(cap, EXIT_FAIL, "no terminal is open: open one first, e.g. "
			     "command_palette \"Terminal: Create New Terminal\"");
	/* the shell echoes each key from another process, on the wall clock */
	cap->real_time = 1;
	capture_type(cap, json_str(a, "text", ""), json_num(a, "delay", TERMINAL_TYPE_DELAY_MS));
	if (json_bool(a, "press_enter", 0))
		capture_press(cap, "Enter");
	frames_step(cap->frames, 1);
	cap->real_time = 0;
}

const char *vscode_check_highlight_lines(const cJSON *a, const char **member)
{
	const cJSON *from = cJSON_GetObjectItemCaseSensitive(a, "from_line");
	const cJSON *to = cJSON_GetObjectItemCaseSensitive(a, "to_line");

	*member = "from_line";
	if (!cJSON_IsNumber(from) || from->valuedouble < 1 ||
	    from->valuedouble != floor(from->valuedouble))
		return "must be a line number >= 1";
	*member = "to_line";
	if (!cJSON_IsNumber(to) || to->valuedouble != floor(to->valuedouble) ||
	    to->valuedouble < from->valuedouble)
		return "must be a line number >= from_line";
	return NULL;
}

/* Go to Line puts the caret at the start of from_line; Shift+Down then
 * grows the selection a line at a time, down to the end of to_line, so
 * the viewer sees it spread. */
void vscode_highlight_lines(struct capture *cap, const cJSON *a)
{
	long from = (long)json_num(a, "from_line", 1), to = (long)json_num(a, "to_line", 1);
	long lines = to - from + 1, span = lround(HIGHLIGHT_SECONDS * cap->fps), start, i;
	char number[32];

	focus_editor(cap);
	open_quick_input(cap, "Control+g");
	snprintf(number, sizeof number, "%ld", from);
	capture_type(cap, number, PALETTE_TYPE_DELAY_MS);
	capture_press(cap, "Enter");
	frames_step(cap->frames, 1);
	if (span > lines)
		span = lines;
	if (span < 1)
		span = 1;
	start = cap->frames->recorded;
	for (i = 1; i <= lines; i++) {
		capture_press(cap, "Shift+ArrowDown");
		record_until(cap, start + (i * span + lines - 1) / lines);
	}
}

void vscode_hide_secondary_sidebar(struct capture *cap, const cJSON *a)
{
	int shown = page_selector_state(cap->page, secondary_sidebar, "visible");

	if (shown < 0)
		die(EXIT_SYS, "browser: cannot look for the secondary side bar: %s",
		    cap->page->err);
	if (!shown)
		return;
	/* View: Toggle Secondary Side Bar Visibility */
	capture_press(cap, "Control+Alt+b");
	if (!capture_wait_state(cap, secondary_sidebar, "hidden", QUICK_INPUT_TIMEOUT_S))
		capture_fail(cap, EXIT_FAIL, "the secondary side bar (%s) is still shown after "
			     "Control+Alt+b", secondary_sidebar);
}

void vscode_dismiss_popups(struct capture *cap, const cJSON *a)
{
	if (page_click_all(cap->page, popup_closers) > 0)
		frames_step(cap->frames, 1);
}
