/* presetup - run a tour's pre_setup commands, once, before capture.
 *
 * usage: presetup pre_setup.json
 *
 * The fragment is spec2req's {"commands": ["...", ...]}. Each command is
 * shown on stdout, then run by sh -c as the spec's author wrote it (that
 * is what a pre_setup command is for); its output passes through. The
 * first that fails stops the rest: exit 1, naming it. The commands come
 * from a file, never from a make or shell command line. */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "json.h"
#include "run.h"
#include "util.h"

static void usage(FILE *f)
{
	fprintf(f, "usage: %s pre_setup.json\n"
		"  run each of the fragment's commands with sh -c, showing it first;\n"
		"  exit 1 at the first that fails\n", argv0);
}

static const cJSON *read_commands(const char *path, cJSON **root)
{
	char err[256];
	int sys_error, i = 0;
	const cJSON *commands, *c;

	if (!(*root = json_load(path, err, sizeof err, &sys_error)))
		die(sys_error ? EXIT_SYS : EXIT_USAGE, "%s: %s", path, err);
	commands = cJSON_GetObjectItemCaseSensitive(*root, "commands");
	if (!cJSON_IsArray(commands))
		die(EXIT_USAGE, "%s: commands: missing or not an array", path);
	cJSON_ArrayForEach(c, commands) {
		if (!cJSON_IsString(c))
			die(EXIT_USAGE, "%s: commands[%d]: not a string", path, i);
		i++;
	}
	return commands;
}

int main(int argc, char *argv[])
{
	const cJSON *commands, *c;
	cJSON *root;
	int opt, i = 0, status;

	argv0 = "presetup";
	while ((opt = getopt(argc, argv, "h")) != -1) {
		switch (opt) {
		case 'h': usage(stdout); return EXIT_OK;
		default: usage(stderr); return EXIT_USAGE;
		}
	}
	if (optind != argc - 1) {
		usage(stderr);
		return EXIT_USAGE;
	}
	commands = read_commands(argv[optind], &root);
	cJSON_ArrayForEach(c, commands) {
		char *sh[] = { "sh", "-c", c->valuestring, NULL };

		printf("pre_setup[%d]: %s\n", i, c->valuestring);
		fflush(stdout);
		status = run_wait(sh);
		if (status < 0)
			run_die_unstarted("sh");
		if (status != 0)
			die(EXIT_FAIL, "pre_setup[%d] failed (exit %d): %s", i, status,
			    c->valuestring);
		i++;
	}
	cJSON_Delete(root);
	return EXIT_OK;
}
