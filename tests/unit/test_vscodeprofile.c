/* Unit tests: which step URLs are a local code-server, the recording
 * profile spec2req writes, and the settings that would rewrite typed code
 * (tools/lib/vscodeprofile.c). */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "json.h"
#include "vscodeprofile.h"

static int server(const char *url, const char *want_host, int want_port)
{
	char host[64] = "";
	int port = 0, local = vscode_local_server(url, host, sizeof host, &port);

	if (!want_host)
		return !local;
	if (!local || strcmp(host, want_host) != 0 || port != want_port)
		printf("# %s -> %d %s:%d\n", url, local, host, port);
	return local && strcmp(host, want_host) == 0 && port == want_port;
}

static cJSON *fragment(const char *spec_text)
{
	cJSON *spec = cJSON_Parse(spec_text), *f = vscode_fragment(spec);

	cJSON_Delete(spec);
	return f;
}

int main(void)
{
	cJSON *f, *settings;
	char *bad;

	CHECK(server("http://127.0.0.1:8080/?folder=/w", "127.0.0.1", 8080));
	CHECK(server("http://localhost:9000", "localhost", 9000));
	CHECK(server("http://[::1]:8443/#x", "::1", 8443));
	CHECK(server("http://127.0.0.1/?folder=/w", "127.0.0.1", 80));
	CHECK(server("https://127.0.0.1:8080/", NULL, 0));
	CHECK(server("http://example.com:8080/", NULL, 0));
	CHECK(server("http://127.0.0.10:8080/", NULL, 0));
	CHECK(server("http://127.0.0.1:0/", NULL, 0));
	CHECK(server("http://127.0.0.1:65536/", NULL, 0));
	CHECK(server("http://127.0.0.1:80x/", NULL, 0));
	CHECK(server("file:///tmp/index.html", NULL, 0));

	/* a workspace URL or an editor action makes a step a VS Code one */
	f = fragment("{\"steps\": [{\"url\": \"http://127.0.0.1:8080/?folder=/w\"},"
		     "{\"url\": \"http://127.0.0.1:8080/?folder=/w\"},"
		     "{\"url\": \"http://localhost:9000/\", \"actions\": [{\"type\": \"terminal_type\"}]},"
		     "{\"url\": \"http://localhost:9001/\", \"actions\": [{\"type\": \"click_selector\"}]},"
		     "{\"url\": \"specs/demo/index.html\"}]}");
	CHECK(f && cJSON_GetArraySize(cJSON_GetObjectItem(f, "servers")) == 2);
	settings = cJSON_GetObjectItem(f, "settings");
	CHECK(json_num(settings, "editor.fontSize", 0) == VSCODE_DEFAULT_FONT_SIZE);
	CHECK(strcmp(json_str(settings, "workbench.colorTheme", ""), VSCODE_DEFAULT_THEME) == 0);
	CHECK(strcmp(json_str(settings, "editor.autoIndent", ""), "none") == 0);
	CHECK(strcmp(json_str(settings, "editor.cursorBlinking", ""), "solid") == 0);
	/* the profile itself rewrites nothing typed */
	CHECK((bad = vscode_mangling_settings(settings)) == NULL);
	free(bad);
	cJSON_Delete(f);

	/* demo segments count too; the spec's font and theme win */
	f = fragment("{\"settings\": {\"editor_font_size\": 24, \"editor_theme\": \"Default Light Modern\"},"
		     "\"segments\": [{\"type\": \"slides\"},"
		     "{\"type\": \"demo\", \"url\": \"http://127.0.0.1:8080/?workspace=/w.code-workspace\"}]}");
	settings = cJSON_GetObjectItem(f, "settings");
	CHECK(f && cJSON_GetArraySize(cJSON_GetObjectItem(f, "servers")) == 1);
	CHECK(json_num(settings, "editor.fontSize", 0) == 24);
	CHECK(json_num(settings, "terminal.integrated.fontSize", 0) == 24);
	CHECK(strcmp(json_str(settings, "workbench.colorTheme", ""), "Default Light Modern") == 0);
	cJSON_Delete(f);

	CHECK(fragment("{\"steps\": [{\"url\": \"https://example.com/\"}]}") == NULL);

	/* VS Code's defaults are on: an empty settings.json rewrites code */
	settings = cJSON_Parse("{}");
	bad = vscode_mangling_settings(settings);
	CHECK(bad && strstr(bad, "editor.autoIndent is not \"none\"") &&
	      strstr(bad, "editor.autoClosingBrackets") && strstr(bad, "acceptSuggestionOnEnter"));
	free(bad);
	cJSON_Delete(settings);
	settings = cJSON_Parse("{\"editor.autoIndent\": \"none\", \"editor.autoClosingBrackets\": \"never\","
			       "\"editor.autoClosingQuotes\": \"never\", \"editor.acceptSuggestionOnEnter\": \"off\","
			       "\"editor.formatOnType\": true}");
	bad = vscode_mangling_settings(settings);
	CHECK(bad && strcmp(bad, "editor.formatOnType is on") == 0);
	free(bad);
	cJSON_Delete(settings);
	return check_done();
}
