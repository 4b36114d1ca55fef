/* browser.c - the Chromium process: its flags, its pipes, its cleanup */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "browser.h"
#include "file.h"
#include "util.h"

#define DEFAULT_BROWSER "chromium-headless-shell"

/* Lines of its log shown when the browser ended by itself. */
#define LOG_TAIL_LINES 10

/* How long a browser that has closed its pipe is given to end by itself,
 * in 10 ms polls, before it is killed. */
#define ENDING_POLLS 200

/* The binary to run: $CHROMIUM as given when it holds a '/', else the first
 * executable of that name in PATH. NULL when there is none. */
static char *find_browser(void)
{
	const char *name = getenv("CHROMIUM"), *path = getenv("PATH");
	const char *dir, *end;
	char *cand;

	if (!name || !*name)
		name = DEFAULT_BROWSER;
	if (strchr(name, '/'))
		return access(name, X_OK) == 0 ? estrdup(name) : NULL;
	for (dir = path ? path : "/usr/bin:/bin"; ; dir = end + 1) {
		end = strchrnul(dir, ':');
		/* an empty element is the current folder, as for execvp */
		if (end == dir)
			cand = estrfmt("./%s", name);
		else
			cand = estrfmt("%.*s/%s", (int)(end - dir), dir, name);
		if (access(cand, X_OK) == 0)
			return cand;
		free(cand);
		if (!*end)
			return NULL;
	}
}

/* Move fd to exactly target in the child, whatever number it had. */
static void place_fd(int fd, int target)
{
	if (fd == target)
		fcntl(fd, F_SETFD, 0);
	else if (dup2(fd, target) < 0)
		_exit(127);
}

static void exec_browser(const char *bin, const char *profile, int cmd_fd,
			 int out_fd, int width, int height)
{
	char *user_data = estrfmt("--user-data-dir=%s", profile);
	char *window = estrfmt("--window-size=%d,%d", width, height);
	char *log = estrfmt("%s/browser.log", profile);
	char *argv[] = {
		(char *)bin, "--headless", "--no-sandbox", "--disable-gpu",
		"--remote-debugging-pipe",
		/* frames only when we ask, each one complete: the video
		 * depends on the spec, not on the machine's load */
		"--enable-begin-frame-control",
		"--run-all-compositor-stages-before-draw",
		"--disable-threaded-animation", "--disable-threaded-scrolling",
		"--disable-checker-imaging", "--disable-image-animation-resync",
		"--disable-new-content-rendering-timeout",
		/* the compositor that draws each picture runs in the browser's
		 * own process, not in a GPU process: one process boundary less
		 * for every screenshot, on two cores shared with the encoder */
		"--in-process-gpu",
		/* nothing from outside the page may change what is drawn */
		"--disable-background-networking", "--disable-component-update",
		"--disable-sync", "--disable-default-apps", "--disable-extensions",
		"--no-first-run", "--no-default-browser-check",
		"--disable-background-timer-throttling",
		"--disable-renderer-backgrounding",
		"--disable-backgrounding-occluded-windows",
		"--disable-features=Translate,MediaRouter,OptimizationHints,"
		"AutofillServerCommunication,InterestFeedContentSuggestions,"
		"CalculateNativeWinOcclusion,BackForwardCache,PaintHolding,"
		"DialMediaRouteProvider,AcceptCHFrame",
		"--mute-audio", "--hide-scrollbars", "--font-render-hinting=none",
		"--force-device-scale-factor=1", "--force-color-profile=srgb",
		"--disable-dev-shm-usage",
		user_data, window, "about:blank", NULL,
	};
	int logfd = open(log, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

	/* its own process group, so stopping it reaches every helper it
	 * forked; and dead with us even if we are killed outright */
	setpgid(0, 0);
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	/* stepcap ignores SIGPIPE; exec would hand that on to the browser */
	signal(SIGPIPE, SIG_DFL);
	if (logfd >= 0) {
		dup2(logfd, STDOUT_FILENO);
		dup2(logfd, STDERR_FILENO);
	}
	place_fd(cmd_fd, 3);
	place_fd(out_fd, 4);
	execv(bin, argv);
	_exit(127);
}

void browser_start(struct browser *b, int width, int height)
{
	char *bin = find_browser(), tmpl[] = "/tmp/stepcap-profile.XXXXXX";
	const char *tmpdir = getenv("TMPDIR");
	int to_browser[2], from_browser[2], cmd_fd, out_fd;

	if (!bin)
		die(EXIT_SYS, "%s not found: install it with 'make deps' (Debian package "
		    DEFAULT_BROWSER ")", getenv("CHROMIUM") && *getenv("CHROMIUM") ?
		    getenv("CHROMIUM") : DEFAULT_BROWSER);
	b->profile = tmpdir && *tmpdir ? estrfmt("%s/stepcap-profile.XXXXXX", tmpdir)
				       : estrdup(tmpl);
	if (!mkdtemp(b->profile)) {
		free(b->profile);
		b->profile = NULL;
		die(EXIT_SYS, "cannot make a browser profile folder:");
	}
	if (pipe2(to_browser, O_CLOEXEC) < 0 || pipe2(from_browser, O_CLOEXEC) < 0)
		die(EXIT_SYS, "pipe:");
	/* above 4, so placing one at 3 or 4 in the child cannot clobber the other */
	cmd_fd = fcntl(to_browser[0], F_DUPFD_CLOEXEC, 10);
	out_fd = fcntl(from_browser[1], F_DUPFD_CLOEXEC, 10);
	if (cmd_fd < 0 || out_fd < 0)
		die(EXIT_SYS, "fcntl:");
	close(to_browser[0]);
	close(from_browser[1]);
	/* its helpers are reparented to us when it dies, so we can reap them
	 * instead of leaving zombies to an init that may not */
	prctl(PR_SET_CHILD_SUBREAPER, 1);
	fflush(NULL);
	b->pid = fork();
	if (b->pid < 0)
		die(EXIT_SYS, "fork:");
	if (b->pid == 0)
		exec_browser(bin, b->profile, cmd_fd, out_fd, width, height);
	close(cmd_fd);
	close(out_fd);
	free(bin);
	b->wfd = to_browser[1];
	b->rfd = from_browser[0];
}

/* A browser that ended by itself says why, if at all, only in its log:
 * its last lines, and how it ended, go with the error that follows. */
static void tell_how_it_ended(const struct browser *b, int status)
{
	char *log = estrfmt("%s/browser.log", b->profile);
	char *tail = read_file_tail(log, LOG_TAIL_LINES);

	if (WIFSIGNALED(status))
		warn("browser: it ended by itself, killed by signal %d (%s)%s", WTERMSIG(status),
		     strsignal(WTERMSIG(status)), tail ? "; the last lines it wrote:" : "");
	else
		warn("browser: it ended by itself, exit status %d%s", WEXITSTATUS(status),
		     tail ? "; the last lines it wrote:" : "");
	if (tail)
		fputs(tail, stderr);
	free(tail);
	free(log);
}

/* Whether the browser closed its end of the pipe (it is ending by
 * itself): then wait a while for it to end, so that how it ended can be
 * told. Returns its pid once it has, else 0. */
static pid_t ended_by_itself(const struct browser *b, int *status)
{
	struct pollfd p = { .fd = b->rfd, .events = POLLIN };
	pid_t got = 0;
	int i;

	if (b->rfd < 0 || poll(&p, 1, 0) != 1 || !(p.revents & POLLHUP))
		return 0;
	for (i = 0; i < ENDING_POLLS && got == 0; i++) {
		got = waitpid(b->pid, status, WNOHANG);
		if (got == 0)
			usleep(10000);
	}
	return got > 0 ? got : 0;
}

void browser_stop(struct browser *b)
{
	int status;
	pid_t got;

	if (b->pid > 0 && ended_by_itself(b, &status) == b->pid) {
		if (b->profile)
			tell_how_it_ended(b, status);
		kill(-b->pid, SIGKILL);
		while (waitpid(-b->pid, NULL, 0) > 0 || errno == EINTR)
			;
		b->pid = 0;
	}
	if (b->pid > 0) {
		kill(-b->pid, SIGKILL);
		kill(b->pid, SIGKILL);
		/* the browser first, then every helper of its group it left us */
		while ((got = waitpid(b->pid, &status, 0)) < 0 && errno == EINTR)
			;
		/* a browser gone before our SIGKILL (a zombie takes it and
		 * keeps its own status) ended by itself */
		if (got == b->pid && b->profile &&
		    !(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL))
			tell_how_it_ended(b, status);
		while (waitpid(-b->pid, NULL, 0) > 0 || errno == EINTR)
			;
		b->pid = 0;
	}
	if (b->profile) {
		remove_tree(b->profile);
		free(b->profile);
		b->profile = NULL;
	}
}
