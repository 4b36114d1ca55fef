/* vscodeprofile.h - which code-server a tour records, and the settings a
 * recording needs from it */
#ifndef VSCODEPROFILE_H
#define VSCODEPROFILE_H

#include <cjson/cJSON.h>

#define VSCODE_DEFAULT_FONT_SIZE 18
#define VSCODE_DEFAULT_THEME "Default Dark Modern"

/* The capture's code-server needs, as spec2req writes it to vscode.json:
 *   {"servers": [{"host": "127.0.0.1", "port": 8080}], "settings": {...}}
 * A server is the host and port of a step URL on this machine (127.0.0.1,
 * localhost, [::1], plain http) that opens a VS Code workspace (?folder= or
 * ?workspace=) or whose step uses an editor action. settings is the user
 * settings.json of the recording profile: no auto-indent, auto-closing or
 * suggestions (typed code arrives a character at a time and VS Code's
 * helpers would rewrite it), a solid caret, nothing restored from a
 * previous run, settings.editor_font_size and settings.editor_theme.
 * NULL when no step opens a local code-server. */
cJSON *vscode_fragment(const cJSON *spec);

/* The host and port of a local code-server URL, as above: 1 when url is
 * one (host is copied into host, at most hostlen bytes), 0 otherwise. */
int vscode_local_server(const char *url, char *host, size_t hostlen, int *port);

/* Settings of a running VS Code (its settings.json, parsed) that rewrite
 * typed code; a "; "-separated list such as
 * "editor.autoIndent is not \"none\"", or NULL when there are none
 * (caller frees). */
char *vscode_mangling_settings(const cJSON *settings);

#endif
