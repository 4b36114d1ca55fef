/* vscodeprofile.c - the recording profile of the project's code-server,
 * and the local code-server URLs a tour opens */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "strbuf.h"
#include "util.h"
#include "vscodeprofile.h"

/* What a recording needs from VS Code. Typed code arrives a character at
 * a time: auto-indent, auto-closing, format-on-type and suggestions would
 * each add text the spec did not type. A blinking caret and restored
 * editors, terminals or unsaved text would make two recordings of one
 * spec differ. */
static const char recording_settings[] = "{"
	"\"security.workspace.trust.enabled\": false,"
	"\"workbench.startupEditor\": \"none\","
	"\"workbench.welcomePage.walkthroughs.openOnInstall\": false,"
	"\"workbench.tips.enabled\": false,"
	"\"workbench.enableExperiments\": false,"
	"\"workbench.secondarySideBar.defaultVisibility\": \"hidden\","
	"\"extensions.ignoreRecommendations\": true,"
	"\"update.mode\": \"none\","
	"\"remote.autoForwardPorts\": false,"
	"\"telemetry.telemetryLevel\": \"off\","
	"\"editor.autoIndent\": \"none\","
	"\"editor.formatOnType\": false,"
	"\"editor.formatOnPaste\": false,"
	"\"editor.autoClosingBrackets\": \"never\","
	"\"editor.autoClosingQuotes\": \"never\","
	"\"editor.autoClosingComments\": \"never\","
	"\"editor.autoSurround\": \"never\","
	"\"editor.linkedEditing\": false,"
	"\"editor.suggest.showSnippets\": false,"
	"\"editor.quickSuggestions\": {\"other\": false, \"comments\": false, \"strings\": false},"
	"\"editor.suggestOnTriggerCharacters\": false,"
	"\"editor.acceptSuggestionOnEnter\": \"off\","
	"\"editor.tabCompletion\": \"off\","
	"\"editor.wordBasedSuggestions\": \"off\","
	"\"editor.inlineSuggest.enabled\": false,"
	"\"editor.parameterHints.enabled\": false,"
	"\"editor.hover.enabled\": false,"
	"\"editor.cursorBlinking\": \"solid\","
	"\"editor.smoothScrolling\": false,"
	"\"github.copilot.enable\": {\"*\": false},"
	"\"files.hotExit\": \"off\","
	"\"window.restoreWindows\": \"none\","
	"\"terminal.integrated.enablePersistentSessions\": false,"
	"\"terminal.integrated.cursorBlinking\": false,"
	"\"terminal.integrated.gpuAcceleration\": \"off\""
	"}";

static const char *const editor_actions[] = {
	"focus_editor", "select_all_and_delete", "command_palette", "terminal_type",
	"highlight_lines", "hide_secondary_sidebar", NULL,
};

int vscode_local_server(const char *url, char *host, size_t hostlen, int *port)
{
	const char *p, *end;
	size_t n;
	char *num_end;
	long number = 80;

	if (strncmp(url, "http://", 7) != 0)
		return 0;
	p = url + 7;
	if (*p == '[') {
		end = strchr(p, ']');
		if (!end)
			return 0;
		end++;
	} else {
		end = p + strcspn(p, ":/?#");
	}
	n = (size_t)(end - p);
	if (!((n == 9 && strncmp(p, "127.0.0.1", 9) == 0) ||
	      (n == 9 && strncmp(p, "localhost", 9) == 0) ||
	      (n == 5 && strncmp(p, "[::1]", 5) == 0)) || n >= hostlen)
		return 0;
	if (*end == ':') {
		number = strtol(end + 1, &num_end, 10);
		if (num_end == end + 1 || number < 1 || number > 65535 ||
		    !strchr("/?#", *num_end))
			return 0;
	}
	/* the socket address, not the name: [::1] connects as ::1 */
	if (*p == '[')
		snprintf(host, hostlen, "%.*s", (int)n - 2, p + 1);
	else
		snprintf(host, hostlen, "%.*s", (int)n, p);
	*port = (int)number;
	return 1;
}

static int opens_workspace(const char *url)
{
	const char *query = strchr(url, '?');

	return query && (strstr(query, "folder=") || strstr(query, "workspace="));
}

static int uses_editor(const cJSON *step)
{
	const cJSON *action;
	const char *const *name;

	cJSON_ArrayForEach(action, cJSON_GetObjectItemCaseSensitive(step, "actions")) {
		const char *type = json_str(action, "type", "");
		for (name = editor_actions; *name; name++)
			if (strcmp(type, *name) == 0)
				return 1;
	}
	return 0;
}

static int listed(const cJSON *servers, const char *host, int port)
{
	const cJSON *s;

	cJSON_ArrayForEach(s, servers)
		if (strcmp(json_str(s, "host", ""), host) == 0 && (int)json_num(s, "port", 0) == port)
			return 1;
	return 0;
}

/* Steps and demo segments alike carry the URLs. */
static void add_servers(cJSON *servers, const cJSON *steps)
{
	const cJSON *step;
	char host[64];
	int port;

	cJSON_ArrayForEach(step, steps) {
		const char *url = json_str(step, "url", "");

		if (!vscode_local_server(url, host, sizeof host, &port) ||
		    !(opens_workspace(url) || uses_editor(step)) || listed(servers, host, port))
			continue;
		cJSON *s = cJSON_CreateObject();
		cJSON_AddStringToObject(s, "host", host);
		cJSON_AddNumberToObject(s, "port", port);
		cJSON_AddItemToArray(servers, s);
	}
}

cJSON *vscode_fragment(const cJSON *spec)
{
	const cJSON *settings = cJSON_GetObjectItemCaseSensitive(spec, "settings");
	cJSON *servers = cJSON_CreateArray(), *f, *profile;

	add_servers(servers, cJSON_GetObjectItemCaseSensitive(spec, "steps"));
	add_servers(servers, cJSON_GetObjectItemCaseSensitive(spec, "segments"));
	if (cJSON_GetArraySize(servers) == 0) {
		cJSON_Delete(servers);
		return NULL;
	}
	profile = cJSON_Parse(recording_settings);
	if (!profile)
		die(EXIT_SYS, "vscode: the recording settings do not parse");
	cJSON_AddNumberToObject(profile, "editor.fontSize",
				json_num(settings, "editor_font_size", VSCODE_DEFAULT_FONT_SIZE));
	cJSON_AddNumberToObject(profile, "terminal.integrated.fontSize",
				json_num(settings, "editor_font_size", VSCODE_DEFAULT_FONT_SIZE));
	cJSON_AddStringToObject(profile, "workbench.colorTheme",
				json_str(settings, "editor_theme", VSCODE_DEFAULT_THEME));
	f = cJSON_CreateObject();
	cJSON_AddItemToObject(f, "servers", servers);
	cJSON_AddItemToObject(f, "settings", profile);
	return f;
}

/* Each setting that rewrites typed code, and the value that keeps it off;
 * VS Code's defaults are all "on", so a missing key counts as on. */
static const struct {
	const char *key, *off;
} mangling[] = {
	{ "editor.autoIndent", "none" },
	{ "editor.autoClosingBrackets", "never" },
	{ "editor.autoClosingQuotes", "never" },
	{ "editor.acceptSuggestionOnEnter", "off" },
};

char *vscode_mangling_settings(const cJSON *settings)
{
	struct strbuf list = { 0 };
	size_t i;

	for (i = 0; i < LEN(mangling); i++)
		if (strcmp(json_str(settings, mangling[i].key, ""), mangling[i].off) != 0)
			sb_printf(&list, "%s%s is not \"%s\"", list.len ? "; " : "",
				  mangling[i].key, mangling[i].off);
	if (json_bool(settings, "editor.formatOnType", 0))
		sb_printf(&list, "%seditor.formatOnType is on", list.len ? "; " : "");
	return list.len ? sb_take(&list) : NULL;
}
