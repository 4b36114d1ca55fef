/* vscode.h - the seed's editor actions, for VS Code in the browser
 * (code-server, vscode.dev): driven through VS Code's own DOM and its
 * default key bindings, as a person at the keyboard would */
#ifndef VSCODE_H
#define VSCODE_H

#include <cjson/cJSON.h>

struct capture;

const char *vscode_check_command_palette(const cJSON *a, const char **member);
const char *vscode_check_terminal_type(const cJSON *a, const char **member);
const char *vscode_check_highlight_lines(const cJSON *a, const char **member);

void vscode_focus_editor(struct capture *cap, const cJSON *a);
void vscode_select_all_and_delete(struct capture *cap, const cJSON *a);
void vscode_command_palette(struct capture *cap, const cJSON *a);
void vscode_terminal_type(struct capture *cap, const cJSON *a);
void vscode_highlight_lines(struct capture *cap, const cJSON *a);
void vscode_hide_secondary_sidebar(struct capture *cap, const cJSON *a);
void vscode_dismiss_popups(struct capture *cap, const cJSON *a);

/* Where the camera looks in VS Code: the caret in the focused editor (its
 * line is what is being typed), else the active editor's text; the active
 * terminal. NULL-terminated selector lists, first match wins. */
#define VSCODE_CARET ".monaco-editor.focused .cursors-layer .cursor"
extern const char *const vscode_caret_targets[];
extern const char *const vscode_terminal_targets[];

/* A page of VS Code in the browser, just loaded: pump frames, unrecorded
 * and on the wall clock, until it wears the theme its settings name, or
 * until deadline (a warning then). Returns whether it waited; nothing for
 * any other page. */
int vscode_settle_theme(struct capture *cap, double deadline);

/* Before Enter goes to an open quick input (Quick Open, the command
 * palette): wait until it lists results and is no longer searching, within
 * the step's timeout; nothing when no quick input is open. */
void vscode_settle_quick_input(struct capture *cap);

#endif
