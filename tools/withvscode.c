/* withvscode - run a command while the tour's code-server is up
 *
 * usage: withvscode [-b code-server] [-t seconds] -d statedir vscode.json command [arg...]
 *
 * vscode.json (spec2req writes it) names the local addresses the tour's
 * steps open in VS Code and the recording profile's settings. Where
 * something already answers, it is used as it is, with a warning when it
 * is a code-server whose settings would rewrite typed code. Where nothing
 * does, the project's code-server is started there with the recording
 * profile: fresh user data and extensions folders, and its HOME, under
 * statedir, so nothing is written to the user's home and nothing is
 * restored from an earlier run. It is stopped, its whole process group,
 * when the command ends; captures of one tour run in parallel share it,
 * and the last one to finish stops it.
 *
 * Exit: the command's status; 2 usage or a bad vscode.json; 4 when
 * code-server is not installed, fails to start or does not answer within
 * the bound (its log's last lines are shown).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "clock.h"
#include "file.h"
#include "json.h"
#include "run.h"
#include "util.h"
#include "vscodeprofile.h"

#define DEFAULT_START_TIMEOUT 60.0
/* how often a starting server is asked whether it is up */
#define HEALTH_POLL_MS 100
/* a stopped server's processes get this long to exit before SIGKILL */
#define STOP_GRACE_S 5.0
#define LOG_TAIL_LINES 15

struct server {
	char host[64];
	int port;
	pid_t pgid;  /* the code-server we started, 0 when not ours */
};

static const char *statedir;
static volatile sig_atomic_t got_signal;

static void usage(FILE *f, int code)
{
	fprintf(f, "usage: %s [-b code-server] [-t seconds] -d statedir vscode.json command [arg...]\n"
		"  run command while the tour's code-server answers; start the project's own,\n"
		"  with the recording profile, where nothing answers, and stop it afterwards\n"
		"exit: the command's status; 2 usage or bad vscode.json, 4 code-server missing or not starting\n",
		argv0);
	exit(code);
}

static void on_signal(int sig)
{
	got_signal = sig;
}

static int connect_to(const char *host, int port)
{
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM }, *res, *ai;
	char service[16];
	int fd = -1;

	snprintf(service, sizeof service, "%d", port);
	if (getaddrinfo(host, service, &hints, &res) != 0)
		return -1;
	for (ai = res; ai; ai = ai->ai_next) {
		fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
		if (fd >= 0 && connect(fd, ai->ai_addr, ai->ai_addrlen) == 0)
			break;
		if (fd >= 0)
			close(fd);
		fd = -1;
	}
	freeaddrinfo(res);
	return fd;
}

/* The HTTP status of GET path, 0 when nothing answered in time. The
 * reply's first bytes are enough: "HTTP/1.1 200 OK". */
static int http_status(const struct server *s, const char *path, char *body, size_t bodylen)
{
	char request[256], reply[4096];
	struct pollfd p;
	size_t got = 0;
	ssize_t n;
	int fd = connect_to(s->host, s->port), status = 0;
	double deadline = clock_now() + 2.0;

	if (fd < 0)
		return 0;
	snprintf(request, sizeof request, "GET %s HTTP/1.0\r\nHost: %s:%d\r\n\r\n", path,
		 s->host, s->port);
	if (write(fd, request, strlen(request)) < 0) {
		close(fd);
		return 0;
	}
	p = (struct pollfd){ .fd = fd, .events = POLLIN };
	while (got < sizeof reply - 1 && clock_now() < deadline) {
		if (poll(&p, 1, 200) <= 0)
			continue;
		n = read(fd, reply + got, sizeof reply - 1 - got);
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	close(fd);
	reply[got] = '\0';
	if (sscanf(reply, "HTTP/%*d.%*d %d", &status) != 1)
		return 0;
	if (body) {
		const char *start = strstr(reply, "\r\n\r\n");
		snprintf(body, bodylen, "%s", start ? start + 4 : "");
	}
	return status;
}

static int answers(const struct server *s)
{
	int fd = connect_to(s->host, s->port);

	if (fd < 0)
		return 0;
	close(fd);
	return 1;
}

/* settings.json allows comments; cJSON does not. Blank them out, leaving
 * strings (which may hold "//", as in URLs) alone. */
static void blank_comments(char *text)
{
	char *p = text;
	int in_string = 0;

	for (; *p; p++) {
		if (in_string) {
			if (*p == '\\' && p[1])
				p++;
			else if (*p == '"')
				in_string = 0;
		} else if (*p == '"') {
			in_string = 1;
		} else if (p[0] == '/' && p[1] == '/') {
			while (*p && *p != '\n')
				*p++ = ' ';
			if (!*p)
				break;
		} else if (p[0] == '/' && p[1] == '*') {
			while (*p && !(p[0] == '*' && p[1] == '/'))
				*p++ = ' ';
			if (!*p)
				break;
			p[0] = p[1] = ' ';
			p++;
		}
	}
}

/* The inode of the socket listening on port, from the kernel's tables
 * (IPv4, then IPv6); 0 when none is found. */
static unsigned long listening_inode(int port)
{
	static const char *const tables[] = { "/proc/net/tcp", "/proc/net/tcp6" };
	char line[512], local[64];
	unsigned long inode;
	unsigned state, local_port;
	size_t i;
	FILE *f;

	for (i = 0; i < LEN(tables); i++) {
		if (!(f = fopen(tables[i], "r")))
			continue;
		while (fgets(line, sizeof line, f)) {
			char *colon;
			if (sscanf(line, " %*d: %63s %*s %x %*s %*s %*s %*s %*s %lu", local, &state,
				   &inode) != 3 || state != 0x0A || !(colon = strrchr(local, ':')) ||
			    sscanf(colon + 1, "%x", &local_port) != 1 || (int)local_port != port)
				continue;
			fclose(f);
			return inode;
		}
		fclose(f);
	}
	return 0;
}

/* The process holding the socket with that inode, 0 when none is seen. */
static long socket_owner(unsigned long inode)
{
	char *want = estrfmt("socket:[%lu]", inode), link[64], *dir;
	struct dirent *p, *fd;
	long owner = 0;
	DIR *proc = opendir("/proc"), *fds;
	ssize_t n;

	while (proc && !owner && (p = readdir(proc))) {
		if (!strchr("123456789", p->d_name[0]))
			continue;
		dir = estrfmt("/proc/%s/fd", p->d_name);
		if ((fds = opendir(dir))) {
			while (!owner && (fd = readdir(fds))) {
				char *path = estrfmt("%s/%s", dir, fd->d_name);
				n = readlink(path, link, sizeof link - 1);
				free(path);
				if (n > 0 && (link[n] = '\0', strcmp(link, want) == 0))
					owner = strtol(p->d_name, NULL, 10);
			}
			closedir(fds);
		}
		free(dir);
	}
	if (proc)
		closedir(proc);
	free(want);
	return owner;
}

/* /proc/PID/NAME into buf, NUL-terminated (it may hold NULs itself);
 * its length, or -1 when the process or the file is gone. */
static long read_proc(long pid, const char *name, char *buf, size_t cap)
{
	char *path = estrfmt("/proc/%ld/%s", pid, name);
	FILE *f = fopen(path, "r");
	size_t n;

	free(path);
	if (!f)
		return -1;
	n = fread(buf, 1, cap - 1, f);
	fclose(f);
	buf[n] = '\0';
	return (long)n;
}

/* --user-data-dir from pid's command line or, for a server code-server
 * forked, its parent's. NULL when neither names one. */
static char *user_data_dir_of(long pid)
{
	char cmdline[16384], *arg, *found = NULL, status[4096], *ppid;
	long n;
	int level;

	for (level = 0; level < 3 && pid > 1 && !found; level++) {
		if ((n = read_proc(pid, "cmdline", cmdline, sizeof cmdline)) < 0)
			break;
		for (arg = cmdline; arg < cmdline + n && !found; arg += strlen(arg) + 1) {
			if (strncmp(arg, "--user-data-dir=", 16) == 0)
				found = estrdup(arg + 16);
			else if (strcmp(arg, "--user-data-dir") == 0 && arg + strlen(arg) + 1 < cmdline + n)
				found = estrdup(arg + strlen(arg) + 1);
		}
		if (read_proc(pid, "status", status, sizeof status) < 0)
			break;
		ppid = strstr(status, "\nPPid:");
		pid = ppid ? strtol(ppid + 6, NULL, 10) : 0;
	}
	return found;
}

/* The user-data folder of the code-server someone runs on s: the one its
 * process names with --user-data-dir, else code-server's default. */
static char *foreign_user_data_dir(const struct server *s)
{
	const char *data = getenv("XDG_DATA_HOME"), *home = getenv("HOME");
	unsigned long inode = listening_inode(s->port);
	long pid = inode ? socket_owner(inode) : 0;
	char *found = pid ? user_data_dir_of(pid) : NULL;

	if (found)
		return found;
	if (data && *data)
		return estrfmt("%s/code-server", data);
	return estrfmt("%s/.local/share/code-server", home ? home : "");
}

/* Someone else's code-server is used as it is: say when its settings
 * will rewrite what the spec types, where they can be read. */
static void check_foreign(const struct server *s)
{
	char body[512], *dir, *path, *text, *bad;
	cJSON *settings;

	if (http_status(s, "/healthz", body, sizeof body) != 200 || !strstr(body, "status")) {
		warn("%s:%d answers but is not a code-server: using it as it is", s->host, s->port);
		return;
	}
	dir = foreign_user_data_dir(s);
	path = estrfmt("%s/User/settings.json", dir);
	text = read_file(path, NULL);
	if (!text) {
		warn("using the code-server already running on %s:%d; its settings (%s) cannot be "
		     "read: if it auto-indents or auto-closes brackets, typed code will differ "
		     "from the spec (stop it, and the build starts its own)", s->host, s->port, path);
	} else {
		blank_comments(text);
		settings = cJSON_Parse(text);
		bad = settings ? vscode_mangling_settings(settings) : NULL;
		if (!settings)
			warn("using the code-server already running on %s:%d; its settings (%s) do "
			     "not parse", s->host, s->port, path);
		else if (bad)
			warn("using the code-server already running on %s:%d, whose settings will "
			     "rewrite typed code (%s: %s): stop it, and the build starts its own with "
			     "a recording profile", s->host, s->port, path, bad);
		free(bad);
		cJSON_Delete(settings);
	}
	free(text);
	free(path);
	free(dir);
}

/* A fresh profile for every start: settings, and nothing else. */
static void write_profile(const cJSON *settings, char *data_dir, char *ext_dir, char *home)
{
	char *settings_path = estrfmt("%s/User/settings.json", data_dir);
	char *text = cJSON_Print(settings);

	if (remove_tree(data_dir) < 0)
		die(EXIT_SYS, "remove %s:", data_dir);
	if (mkdirs_for(settings_path) < 0 || mkdirs(ext_dir) < 0 || mkdirs(home) < 0)
		die(EXIT_SYS, "mkdir under %s:", statedir);
	if (!text || write_file_atomic(settings_path, text, strlen(text)) < 0)
		die(EXIT_SYS, "write %s:", settings_path);
	free(text);
	free(settings_path);
}

static void show_log_tail(const char *log)
{
	char *tail = read_file_tail(log, LOG_TAIL_LINES);

	if (!tail)
		warn("its log %s is empty", log);
	else
		fprintf(stderr, "%s: last lines of %s:\n%s", argv0, log, tail);
	free(tail);
}

/* Stop the whole process group: code-server leaves a file watcher and
 * extension hosts behind when only its main process goes. */
static void stop_server(struct server *s)
{
	double deadline = clock_now() + STOP_GRACE_S;

	if (!s->pgid)
		return;
	kill(-s->pgid, SIGTERM);
	while (kill(-s->pgid, 0) == 0 && clock_now() < deadline) {
		waitpid(s->pgid, NULL, WNOHANG);
		usleep(50000);
	}
	kill(-s->pgid, SIGKILL);
	waitpid(s->pgid, NULL, 0);
	s->pgid = 0;
}

static void start_server(struct server *s, const char *bin, const cJSON *settings,
			 double timeout)
{
	char *data_dir = estrfmt("%s/user-data", statedir), *ext_dir = estrfmt("%s/extensions", statedir);
	char *home = estrfmt("%s/home", statedir), *log = estrfmt("%s/code-server.log", statedir);
	char *bind = estrfmt("%s:%d", strchr(s->host, ':') ? "[::1]" : s->host, s->port);
	char *env_home = estrfmt("HOME=%s", home);
	char *xdg_config = estrfmt("XDG_CONFIG_HOME=%s/.config", home);
	char *xdg_data = estrfmt("XDG_DATA_HOME=%s/.local/share", home);
	char *xdg_cache = estrfmt("XDG_CACHE_HOME=%s/.cache", home);
	/* setsid: its own process group, stopped as one; env: its HOME and
	 * XDG folders under statedir, ours left as they are */
	char *argv[] = {
		"setsid", "env", env_home, xdg_config, xdg_data, xdg_cache,
		(char *)bin, "--auth", "none", "--bind-addr", bind, "--disable-telemetry",
		"--disable-update-check", "--disable-workspace-trust",
		"--disable-getting-started-override", "--ignore-last-opened",
		"--user-data-dir", data_dir, "--extensions-dir", ext_dir, NULL,
	};
	double deadline = clock_now() + timeout;
	int status, log_fd, null_fd;
	pid_t pid;

	if (access(bin, X_OK) < 0)
		die(EXIT_SYS, "code-server is not installed (%s): run make deps-vscode, or start "
		    "your own on %s:%d, or build with VSCODE=off", bin, s->host, s->port);
	write_profile(settings, data_dir, ext_dir, home);
	log_fd = open(log, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	null_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	if (log_fd < 0 || null_fd < 0)
		die(EXIT_SYS, "open %s:", log_fd < 0 ? log : "/dev/null");
	pid = run_spawn(argv, null_fd, log_fd, log_fd);
	if (pid < 0)
		run_die_unstarted("setsid");
	close(log_fd);
	close(null_fd);
	s->pgid = pid;
	for (;;) {
		if (http_status(s, "/healthz", NULL, 0) == 200)
			break;
		if (waitpid(pid, &status, WNOHANG) == pid) {
			s->pgid = 0;
			warn("code-server exited before it answered on %s:%d", s->host, s->port);
			show_log_tail(log);
			die(EXIT_SYS, "code-server did not start: see %s", log);
		}
		if (clock_now() > deadline || got_signal) {
			stop_server(s);
			if (got_signal)
				die(128 + got_signal, "stopped by signal %d while code-server started", got_signal);
			warn("code-server did not answer on %s:%d within %g s", s->host, s->port, timeout);
			show_log_tail(log);
			die(EXIT_SYS, "code-server did not start in time: see %s", log);
		}
		usleep(HEALTH_POLL_MS * 1000);
	}
	fprintf(stderr, "%s: started code-server on %s:%d (log: %s)\n", argv0, s->host, s->port, log);
	free(data_dir); free(ext_dir); free(home); free(log); free(bind);
	free(env_home); free(xdg_config); free(xdg_data); free(xdg_cache);
}

/* Run the command, passing on a signal that stops us (make's Ctrl-C), so
 * the servers are stopped on the way out. */
static int run_command(char **argv)
{
	int status;
	/* our handlers end at its exec: it takes signals as it would alone */
	pid_t pid = run_spawn(argv, -1, -1, -1);

	if (pid < 0)
		die(EXIT_SYS, "cannot run %s:", argv[0]);
	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR)
			die(EXIT_SYS, "wait:");
		if (got_signal)
			kill(pid, got_signal);
	}
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	return 128 + WTERMSIG(status);
}

static cJSON *load_fragment(const char *path)
{
	char err[512];
	int sys_error = 0;
	cJSON *f = json_load(path, err, sizeof err, &sys_error);

	if (!f)
		die(sys_error ? EXIT_SYS : EXIT_USAGE, "%s: %s", path, err);
	if (!cJSON_IsArray(cJSON_GetObjectItemCaseSensitive(f, "servers")) ||
	    !cJSON_IsObject(cJSON_GetObjectItemCaseSensitive(f, "settings")))
		die(EXIT_USAGE, "%s: not a vscode fragment (no servers or settings): remake it "
		    "with spec2req", path);
	return f;
}

/* Captures of one tour share its servers: each holds users.lock shared
 * while it runs; whoever started a server waits for the lock alone before
 * stopping it, and start.lock makes checking and starting one step. */
static int open_lock(const char *name)
{
	char *path = estrfmt("%s/%s", statedir, name);
	int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);

	if (fd < 0)
		die(EXIT_SYS, "open %s:", path);
	free(path);
	return fd;
}

static void lock(int fd, int how)
{
	while (flock(fd, how) < 0)
		if (errno != EINTR || got_signal)
			die(errno == EINTR ? 128 + got_signal : EXIT_SYS, "lock in %s:", statedir);
}

int main(int argc, char **argv)
{
	const char *bin = NULL;
	double timeout = DEFAULT_START_TIMEOUT;
	struct sigaction sa = { .sa_handler = on_signal };
	struct server *servers;
	const cJSON *entry, *settings;
	cJSON *fragment;
	int opt, n = 0, i, users_fd, start_fd, status, started = 0;
	char *end;

	argv0 = "withvscode";
	while ((opt = getopt(argc, argv, "+b:d:t:h")) != -1) {
		switch (opt) {
		case 'b': bin = optarg; break;
		case 'd': statedir = optarg; break;
		case 't':
			timeout = strtod(optarg, &end);
			if (*end || !(timeout > 0))
				usage(stderr, EXIT_USAGE);
			break;
		case 'h': usage(stdout, EXIT_OK); break;
		default: usage(stderr, EXIT_USAGE);
		}
	}
	if (!statedir || argc - optind < 2)
		usage(stderr, EXIT_USAGE);
	if (!bin)
		bin = "code-server";
	fragment = load_fragment(argv[optind]);
	settings = cJSON_GetObjectItemCaseSensitive(fragment, "settings");
	servers = ecalloc((size_t)cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(fragment, "servers")) + 1,
			  sizeof *servers);
	cJSON_ArrayForEach(entry, cJSON_GetObjectItemCaseSensitive(fragment, "servers")) {
		snprintf(servers[n].host, sizeof servers[n].host, "%s", json_str(entry, "host", ""));
		servers[n].port = (int)json_num(entry, "port", 0);
		if (!*servers[n].host || servers[n].port < 1 || servers[n].port > 65535)
			die(EXIT_USAGE, "%s: servers[%d]: needs a host and a port", argv[optind], n);
		n++;
	}
	if (mkdirs(statedir) < 0)
		die(EXIT_SYS, "mkdir %s:", statedir);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);

	users_fd = open_lock("users.lock");
	start_fd = open_lock("start.lock");
	lock(users_fd, LOCK_SH);
	lock(start_fd, LOCK_EX);
	for (i = 0; i < n; i++) {
		if (!answers(&servers[i])) {
			start_server(&servers[i], bin, settings, timeout);
			started = 1;
		} else {
			check_foreign(&servers[i]);
		}
	}
	flock(start_fd, LOCK_UN);

	status = run_command(argv + optind + 1);

	if (started) {
		flock(users_fd, LOCK_UN);
		lock(users_fd, LOCK_EX);
		for (i = 0; i < n; i++)
			stop_server(&servers[i]);
	}
	flock(users_fd, LOCK_UN);
	cJSON_Delete(fragment);
	free(servers);
	return status;
}
