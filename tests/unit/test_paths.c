/* Unit tests: step ids and URL resolution, the two checks between spec text
 * and file names or browser targets. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "stepid.h"
#include "url.h"

static int resolves_to(const char *url, const char *base, const char *want)
{
	char *got = url_resolve(url, base);
	int ok = strcmp(got, want) == 0;

	if (!ok)
		printf("# %s -> %s, want %s\n", url, got, want);
	free(got);
	return ok;
}

int main(void)
{
	const char *why = NULL;
	char long_id[80];

	CHECK(stepid_valid("intro", &why));
	CHECK(stepid_valid("step-01_a.b", &why));
	CHECK(!stepid_valid("", &why));
	CHECK(!stepid_valid("..", &why));
	CHECK(!stepid_valid(".hidden", &why));
	CHECK(!stepid_valid("-rf", &why));
	CHECK(!stepid_valid("a/b", &why));
	CHECK(!stepid_valid("a b", &why));
	CHECK(!stepid_valid("$(x)", &why));
	CHECK(!stepid_valid("caf\xc3\xa9", &why));
	memset(long_id, 'a', sizeof long_id - 1);
	long_id[sizeof long_id - 1] = '\0';
	CHECK(!stepid_valid(long_id, &why) && strstr(why, "64"));
	long_id[64] = '\0';
	CHECK(stepid_valid(long_id, &why));

	CHECK(url_has_scheme("https://x"));
	CHECK(url_has_scheme("about:blank"));
	CHECK(!url_has_scheme("demo/index.html"));
	CHECK(!url_has_scheme("/abs/x.html"));
	CHECK(resolves_to("https://a.b/c?d#e", "/s", "https://a.b/c?d#e"));
	CHECK(resolves_to("demo/index.html", "/s/p", "file:///s/p/demo/index.html"));
	CHECK(resolves_to("/abs/x.html#top", "/s", "file:///abs/x.html#top"));
	CHECK(resolves_to("my page.html?q=1", "/s", "file:///s/my%20page.html?q=1"));
	CHECK(resolves_to("a\"b.html", "/s", "file:///s/a%22b.html"));
	return check_done();
}
