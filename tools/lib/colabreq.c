/* colabreq.c - the Colab side of spec2req: F5 reference voice, cache keys,
 * and the request for the steps whose audio is missing */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "colabreq.h"
#include "file.h"
#include "json.h"
#include "run.h"
#include "ttscache.h"
#include "userpath.h"
#include "util.h"
#include "wav.h"

static int audio_extension(const char *path)
{
	static const char *const known[] = { ".wav", ".mp3", ".flac", ".ogg" };
	size_t len = strlen(path), i;

	for (i = 0; i < LEN(known); i++) {
		size_t n = strlen(known[i]);
		if (len > n && strcasecmp(path + len - n, known[i]) == 0)
			return 1;
	}
	return 0;
}

/* The length of a compressed (or float) reference, from ffprobe. */
static int probe_seconds(const char *path, double *seconds)
{
	char *argv[] = { "ffprobe", "-v", "quiet", "-show_entries", "format=duration",
			 "-of", "csv=p=0", (char *)path, NULL };
	char line[64] = "";
	pid_t pid;
	FILE *f = run_pipe(argv, "r", &pid);
	char *end;

	if (!f)
		run_die_unstarted("ffprobe");
	if (!fgets(line, sizeof line, f))
		line[0] = '\0';
	if (run_pipe_close(f, pid) != 0)
		return -1;
	*seconds = strtod(line, &end);
	return end != line && *seconds > 0 ? 0 : -1;
}

int f5_voice_load(const cJSON *settings, const char *spec_dir, struct f5_voice *v,
		  char *err, size_t errlen)
{
	const char *ref = json_str(settings, "f5_ref_audio", NULL);
	struct wav w;
	const char *why;

	memset(v, 0, sizeof *v);
	if (!ref)
		return errorf(err, errlen, NULL, "settings.f5_ref_audio: required for BACKEND=colab-f5: "
			    "the voice to clone, a 6-12 s WAV, MP3, FLAC or OGG file");
	if (!json_str(settings, "f5_ref_text", NULL))
		return errorf(err, errlen, NULL, "settings.f5_ref_text: required for BACKEND=colab-f5: "
			    "the exact words spoken in f5_ref_audio");
	if (!audio_extension(ref))
		return errorf(err, errlen, NULL, "settings.f5_ref_audio: \"%s\" is not a WAV, MP3, FLAC "
			    "or OGG file (by its name)", ref);
	if (!(v->path = userpath_resolve(ref, spec_dir)))
		return errorf(err, errlen, NULL, "settings.f5_ref_audio: \"%s\": write \"~/...\" (with "
			    "HOME set) or a path relative to the spec", ref);
	if (sha256_file_hex(v->path, v->sha256) < 0) {
		errorf(err, errlen, NULL, "settings.f5_ref_audio: %s: %s", v->path, strerror(errno));
		f5_voice_free(v);
		return -1;
	}
	if (wav_probe(v->path, &w, &why) == 0)
		v->seconds = wav_seconds(&w);
	else if (probe_seconds(v->path, &v->seconds) < 0) {
		errorf(err, errlen, NULL, "settings.f5_ref_audio: %s: not audio ffprobe can read", v->path);
		f5_voice_free(v);
		return -1;
	}
	return 0;
}

void f5_voice_free(struct f5_voice *v)
{
	free(v->path);
	memset(v, 0, sizeof *v);
}

void f5_add_fields(cJSON *fragment, const cJSON *settings, const struct f5_voice *v)
{
	const cJSON *seed = cJSON_GetObjectItemCaseSensitive(settings, "f5_seed");

	cJSON_AddStringToObject(fragment, "ref_audio", v->path);
	cJSON_AddStringToObject(fragment, "ref_audio_sha256", v->sha256);
	cJSON_AddStringToObject(fragment, "ref_text", json_str(settings, "f5_ref_text", ""));
	if (cJSON_IsNumber(seed))
		cJSON_AddNumberToObject(fragment, "seed", seed->valuedouble);
	cJSON_AddNumberToObject(fragment, "nfe_step",
				json_num(settings, "f5_nfe_step", F5_DEFAULT_NFE_STEP));
}

int colab_fragment_key(const cJSON *fragment, char key[SHA256_HEX_SIZE])
{
	const char *ref_sha = json_str(fragment, "ref_audio_sha256", NULL);
	const char *ref_text = json_str(fragment, "ref_text", "");
	const cJSON *seed = cJSON_GetObjectItemCaseSensitive(fragment, "seed");
	char *reference = NULL;
	struct tts_request r = {
		.engine = json_str(fragment, "engine", ""),
		.voice = json_str(fragment, "voice", ""),
		.speed = json_num(fragment, "speed", 1.0),
		.language = json_str(fragment, "language", ""),
		.text = json_str(fragment, "text", ""),
	};
	int ret;

	/* Everything F5 clones from or samples with shapes the audio. */
	if (ref_sha) {
		char seed_text[32] = "none";
		if (cJSON_IsNumber(seed))
			snprintf(seed_text, sizeof seed_text, "%.0f", seed->valuedouble);
		reference = estrfmt("%s\nref_text %zu\n%s\nseed %s\nnfe_step %.0f", ref_sha,
				    strlen(ref_text), ref_text, seed_text,
				    json_num(fragment, "nfe_step", F5_DEFAULT_NFE_STEP));
	}
	r.reference = reference;
	ret = ttscache_key(&r, key);
	free(reference);
	return ret;
}

/* 1 when wav is missing or older than fragment: make's own test. */
static int stale(const char *wav, const char *fragment)
{
	struct stat ws, fs;

	if (stat(wav, &ws) < 0)
		return 1;
	if (stat(fragment, &fs) < 0)
		return 1;
	return mtime_after(&fs.st_mtim, &ws.st_mtim);
}

/* The reference voice's name in the job folder: its own file name with
 * anything unusual replaced, so it is one plain name there. */
static char *job_ref_name(const char *path)
{
	const char *base = strrchr(path, '/');
	char *name = estrdup(base ? base + 1 : path), *p;

	for (p = name; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		      (*p >= '0' && *p <= '9') || *p == '.' || *p == '_' || *p == '-'))
			*p = '_';
	if (name[0] == '.' || name[0] == '-' || strcmp(name, "request.json") == 0)
		name[0] = '_';
	return name;
}

static cJSON *request_for(const cJSON *first, cJSON *steps, char **ref_name)
{
	cJSON *req = cJSON_CreateObject();
	const char *ref = json_str(first, "ref_audio", NULL);
	const cJSON *seed = cJSON_GetObjectItemCaseSensitive(first, "seed");

	*ref_name = NULL;
	if (ref) {
		*ref_name = job_ref_name(ref);
		cJSON_AddStringToObject(req, "ref_audio", *ref_name);
		cJSON_AddStringToObject(req, "ref_text", json_str(first, "ref_text", ""));
		cJSON_AddNumberToObject(req, "speed", json_num(first, "speed", 1.0));
		if (cJSON_IsNumber(seed))
			cJSON_AddNumberToObject(req, "seed", seed->valuedouble);
		else
			cJSON_AddNullToObject(req, "seed");
		cJSON_AddNumberToObject(req, "nfe_step",
					json_num(first, "nfe_step", F5_DEFAULT_NFE_STEP));
		cJSON_AddItemToObject(req, "steps", steps);
		cJSON_AddStringToObject(req, "ref_audio_sha256",
					json_str(first, "ref_audio_sha256", ""));
	} else {
		cJSON_AddStringToObject(req, "voice", json_str(first, "voice", ""));
		cJSON_AddNumberToObject(req, "speed", json_num(first, "speed", 1.0));
		cJSON_AddStringToObject(req, "language", json_str(first, "language", ""));
		cJSON_AddItemToObject(req, "steps", steps);
	}
	/* Ours: old workers ignore it, ours checks it runs the engine asked for. */
	cJSON_AddStringToObject(req, "engine", json_str(first, "engine", ""));
	return req;
}

/* Empty the job stage of everything but keep (a name, or NULL). */
static void clear_stage(const char *jobdir, const char *keep)
{
	DIR *d = opendir(jobdir);
	struct dirent *e;

	while (d && (e = readdir(d))) {
		char *path;

		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0 ||
		    (keep && strcmp(e->d_name, keep) == 0))
			continue;
		path = estrfmt("%s/%s", jobdir, e->d_name);
		unlink(path);
		free(path);
	}
	if (d)
		closedir(d);
}

/* A job file, or why it could not be written. */
static int write_job_file(const char *path, const char *text, char *err, size_t errlen)
{
	if (write_text(path, text) < 0)
		return errorf(err, errlen, path, "%s", strerror(errno));
	return 0;
}

static int write_job(const char *jobdir, const cJSON *first, cJSON *steps, char *err,
		     size_t errlen)
{
	char *ref_name, *text, *path;
	cJSON *req = request_for(first, steps, &ref_name);
	int ret = 0;

	if (mkdirs(jobdir) < 0) {
		cJSON_Delete(req);
		free(ref_name);
		return errorf(err, errlen, NULL, "%s: %s", jobdir, strerror(errno));
	}
	clear_stage(jobdir, ref_name);
	if (ref_name) {
		size_t len;
		const char *src = json_str(first, "ref_audio", "");
		char *data = read_file(src, &len);

		path = estrfmt("%s/%s", jobdir, ref_name);
		if (!data || write_if_changed(path, data, len) < 0)
			ret = errorf(err, errlen, NULL, "%s: %s", data ? path : src, strerror(errno));
		free(data);
		free(path);
	}
	text = cJSON_Print(req);
	path = estrfmt("%s/request.json", jobdir);
	if (ret == 0)
		ret = write_job_file(path, text, err, errlen);
	free(path);
	free(text);
	free(ref_name);
	cJSON_Delete(req);
	return ret;
}

int colab_request_write(const cJSON *spec, const char *outdir, const char *reqdir,
			const char *cachedir, char *err, size_t errlen)
{
	const cJSON *step;
	cJSON *first = NULL, *steps = cJSON_CreateArray();
	char *hits = estrdup(""), *misses = estrdup(""), *path, *jobdir;
	int count = 0, ret = 0;

	cJSON_ArrayForEach(step, cJSON_GetObjectItemCaseSensitive(spec, "steps")) {
		const char *id = json_str(step, "id", "");
		char *fragment_path = estrfmt("%s/step/%s/tts.json", outdir, id);
		char *wav = estrfmt("%s/wav/%s.wav", outdir, id);
		char key[SHA256_HEX_SIZE], jerr[256], *entry, *line;
		int sys_error;
		cJSON *fragment = NULL, *s;
		struct wav w;
		const char *why;

		if (stale(wav, fragment_path)) {
			fragment = json_load(fragment_path, jerr, sizeof jerr, &sys_error);
			if (!fragment) {
				ret = errorf(err, errlen, NULL, "%s: %s", fragment_path, jerr);
			} else if (colab_fragment_key(fragment, key) < 0) {
				ret = errorf(err, errlen, NULL, "cannot hash %s: libcrypto failed", fragment_path);
			} else {
				entry = ttscache_path(cachedir, key);
				line = estrfmt("%s %s\n", id, key);
				if (wav_probe(entry, &w, &why) == 0) {
					hits = erealloc(hits, strlen(hits) + strlen(line) + 1);
					strcat(hits, line);
				} else {
					misses = erealloc(misses, strlen(misses) + strlen(line) + 1);
					strcat(misses, line);
					s = cJSON_CreateObject();
					cJSON_AddStringToObject(s, "id", id);
					cJSON_AddStringToObject(s, "narration", json_str(fragment, "text", ""));
					cJSON_AddItemToArray(steps, s);
					if (!first)
						first = cJSON_Duplicate(fragment, 1);
					count++;
				}
				free(line);
				free(entry);
			}
			cJSON_Delete(fragment);
		}
		free(fragment_path);
		free(wav);
		if (ret < 0)
			break;
	}
	jobdir = estrfmt("%s/job", reqdir);
	if (ret == 0 && count > 0) {
		ret = write_job(jobdir, first, steps, err, errlen);
		steps = NULL;
	} else if (ret == 0) {
		clear_stage(jobdir, NULL);
		rmdir(jobdir);
	}
	cJSON_Delete(steps);
	cJSON_Delete(first);
	path = estrfmt("%s/hits", reqdir);
	if (ret == 0)
		ret = write_job_file(path, hits, err, errlen);
	free(path);
	path = estrfmt("%s/misses", reqdir);
	if (ret == 0)
		ret = write_job_file(path, misses, err, errlen);
	free(path);
	free(jobdir);
	free(hits);
	free(misses);
	return ret < 0 ? -1 : count;
}
