/* jobcheck.h - is a finished job's audio really there? (design §4)
 *
 * Drive may deliver done.marker before the WAVs, or a WAV half-written under
 * its final name. A job is complete only when every file the caller needs
 * is whole: a complete PCM WAV and, when the marker carries a manifest
 * (our worker), of the size and sha256 it lists. A marker without a
 * manifest (a worker written for the seed) leaves the WAV check alone; the
 * caller adds "its size is stable" by checking twice. */
#ifndef JOBCHECK_H
#define JOBCHECK_H

#include <cjson/cJSON.h>
#include <stddef.h>

enum job_state {
	JOB_COMPLETE, /* every file is whole */
	JOB_WAITING,  /* some file is missing or not (yet) right */
	JOB_BAD,      /* the marker can never be satisfied */
};

/* Check the job held in dir (a job folder or a local copy of one) against
 * its parsed done.marker. names lists the files the caller needs
 * ("audio/step-ID.wav"); with count 0, every file the manifest lists, or
 * without a manifest every audio/step-*.wav present, once there are as many
 * as the marker's steps_generated (one when it does not say).
 * JOB_COMPLETE: *manifest receives {"files": [{name, bytes, sha256,
 * duration, sample_rate}]} describing the bytes checked.
 * JOB_WAITING: *why says what is not right yet and *bad names that file
 * (NULL when the trouble is a file missing from an unlisted set).
 * JOB_BAD: *why says why waiting cannot help (a listed name leaving the
 * folder, a needed file the manifest does not list, an entry without bytes
 * or sha256, a file matching its entry that is no integer-PCM WAV), naming
 * the file; *bad names it too when there is one. *why and *bad are
 * malloc'd. */
enum job_state job_check(const char *dir, const cJSON *marker, char *const *names,
			 size_t count, cJSON **manifest, char **why, char **bad);

/* Whether name is a plain relative path inside the job folder: no leading
 * '/', no "." or ".." part, no empty part. */
int job_name_safe(const char *name);

/* Whether the marker carries a manifest ("files" array). */
int job_has_manifest(const cJSON *marker);

#endif
