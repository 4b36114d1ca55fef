/* spec.h - tour spec validation: the one place that knows the spec's shape */
#ifndef SPEC_H
#define SPEC_H

#include <cjson/cJSON.h>
#include <stddef.h>

/* Defaults for the settings a spec may leave out. */
#define SPEC_DEFAULT_WIDTH 1280
#define SPEC_DEFAULT_HEIGHT 720
#define SPEC_DEFAULT_FPS 30
#define SPEC_DEFAULT_VOICE "am_michael"
#define SPEC_DEFAULT_LANGUAGE "en-us"
#define SPEC_DEFAULT_LEAD_IN 0.5
#define SPEC_DEFAULT_TAIL 1.0
#define SPEC_DEFAULT_TIMEOUT 30
/* seconds of a wait shown in the clip; the rest goes on unseen */
#define SPEC_DEFAULT_MAX_WAIT 1.0

/* Check a parsed spec against the seed tool's format. Returns 0 when it is
 * valid, or -1 with err holding one message that starts with the JSON path
 * of the first problem: `steps[3].actions[2].type: unknown action "clik"`.
 * A spec has "steps", or "segments" (demo segments are steps, slides
 * segments show a range of the top-level "slides" deck); a range is
 * checked against a slides.content deck here, against a slides.dir deck
 * by spec2req, which counts the folder.
 * Unknown keys are not errors (older and newer specs carry extra fields);
 * each is reported through warn_unknown when it is not NULL. */
int spec_validate(const cJSON *spec, char *err, size_t errlen,
		  void (*warn_unknown)(const char *path));

#endif
