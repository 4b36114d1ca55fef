/* encoder.c - the ffmpeg end of a capture */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "encoder.h"
#include "file.h"
#include "run.h"
#include "util.h"

void video_settings_resolve(struct video_settings *v, const char *codec, int crf,
			    const char *preset)
{
	v->codec = !codec || !strcmp(codec, "h264") ? CLIP_CODEC : codec;
	v->crf = crf >= 0 ? crf : CLIP_CRF;
	v->preset = preset ? preset : CLIP_PRESET;
}

void encoder_start(struct encoder *e, const char *out, int fps, const struct video_settings *v,
		   int scale, int width, int height)
{
	char *rate = estrfmt("%d", fps), *gop = estrfmt("%d", fps * 2), *crf = estrfmt("%d", v->crf);
	char *size = estrfmt("scale=%d:%d:flags=lanczos", width, height);
	char *argv[40];
	int n = 0;

	if (mkdirs_for(out) < 0)
		die(EXIT_SYS, "cannot make the folder for %s:", out);
	e->out = estrdup(out);
	e->tmp = tmp_path_for(out);
#define ARG(s) (argv[n++] = (char *)(s))
	ARG("ffmpeg"); ARG("-nostdin"); ARG("-hide_banner"); ARG("-loglevel"); ARG("error");
	ARG("-f"); ARG("image2pipe"); ARG("-c:v"); ARG("mjpeg");
	ARG("-framerate"); ARG(rate); ARG("-i"); ARG("-");
	ARG("-an"); ARG("-c:v"); ARG(v->codec); ARG("-preset"); ARG(v->preset);
	ARG("-crf"); ARG(crf); ARG("-pix_fmt"); ARG("yuv420p");
	if (scale) {
		ARG("-vf"); ARG(size);
	}
	ARG("-r"); ARG(rate); ARG("-g"); ARG(gop);
	/* same input, same bytes: no timestamps or version strings in the file */
	ARG("-map_metadata"); ARG("-1"); ARG("-fflags"); ARG("+bitexact");
	ARG("-flags:v"); ARG("+bitexact");
	ARG("-movflags"); ARG("+faststart"); ARG("-f"); ARG("mp4"); ARG("-y"); ARG(e->tmp);
	ARG(NULL);
#undef ARG
	e->in = run_pipe(argv, "w", &e->pid);
	if (!e->in)
		die(EXIT_SYS, "cannot start ffmpeg:");
	free(rate);
	free(gop);
	free(crf);
	free(size);
}

void encoder_write(struct encoder *e, const void *image, size_t len)
{
	if (fwrite(image, 1, len, e->in) != len)
		die(EXIT_SYS, "ffmpeg: stopped taking frames:");
}

void encoder_finish(struct encoder *e)
{
	FILE *in = e->in;
	int status;

	e->in = NULL;
	status = run_pipe_close(in, e->pid);
	e->pid = 0;
	if (status == 127)
		die(EXIT_SYS, "ffmpeg: cannot run it (is it installed?)");
	if (status != 0)
		die(EXIT_FAIL, "ffmpeg: failed (exit %d) writing %s", status, e->out);
}

void encoder_commit(struct encoder *e)
{
	if (rename(e->tmp, e->out) < 0)
		die(EXIT_SYS, "rename %s:", e->out);
	free(e->tmp);
	e->tmp = NULL;
}

void encoder_abort(struct encoder *e)
{
	if (e->pid > 0) {
		kill(e->pid, SIGKILL);
		while (waitpid(e->pid, NULL, 0) < 0 && errno == EINTR)
			;
		e->pid = 0;
	}
	if (e->in) {
		fclose(e->in);
		e->in = NULL;
	}
	if (e->tmp) {
		unlink(e->tmp);
		free(e->tmp);
		e->tmp = NULL;
	}
}
