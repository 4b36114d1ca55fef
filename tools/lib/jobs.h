/* jobs.h - where Colab jobs go: job ids, the jobs folder, the pending job */
#ifndef JOBS_H
#define JOBS_H

#include <stddef.h>

/* Longest job id job_new_id makes, NUL included. */
#define JOB_ID_SIZE 48

/* A fresh job id, "YYYYMMDD-HHMMSS-PID-RRRRRRRR": the time orders jobs in a
 * listing, the pid and 32 random bits keep two builds started in the same
 * second apart. Only [0-9a-f-], so it is safe as a file name. */
void job_new_id(char id[JOB_ID_SIZE]);

/* Whether id is safe as one folder name inside the jobs folder: the step id
 * rules (1..64 of [A-Za-z0-9._-], no leading '.' or '-'). */
int job_id_valid(const char *id);

/* The local jobs folder for backend ("colab" or "colab-f5"): drive when not
 * NULL or empty, else $COLAB_TTS_DRIVE_PATH / $COLAB_F5_TTS_DRIVE_PATH, else
 * the first existing folder among the seed's defaults under home
 * (~/gdrive/autonomous-recording/tts-jobs or f5-tts-jobs, and the Drive for
 * Desktop locations). Returns a malloc'd path that exists, or NULL with
 * *why (malloc'd) saying what was tried and how to mount Drive. */
char *jobs_folder(const char *backend, const char *drive, const char *home, char **why);

/* base + "/" + name, without doubling the separator after "remote:" or a
 * trailing "/". malloc'd. */
char *jobs_join(const char *base, const char *name);

/* Copy the local file src into job as name, where a worker may read it at
 * any moment: locally by rename, on a remote (remote != 0) uploaded under a
 * hidden name and moved into place, since rclone writes into the name it
 * is given while it transfers. Dies (EXIT_SYS) when it cannot. */
void job_upload(const char *src, const char *job, const char *name, int remote);

/* The pending job recorded in a build folder (colab-job.json): the job a
 * build sent and has not collected yet, so an interrupted build can
 * re-attach to it. */
struct pending_job {
	char *job;      /* job id */
	char *jobs;     /* the jobs folder or rclone remote it was sent to */
	char *request;  /* sha256 of its request.json */
};

/* Read path; 0 and *p filled, or -1 when it is absent or unreadable. */
int pending_load(const char *path, struct pending_job *p);
/* Write path atomically. Returns 0, or -1 with errno. */
int pending_save(const char *path, const struct pending_job *p);
void pending_free(struct pending_job *p);

#endif
