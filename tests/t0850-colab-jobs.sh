#!/bin/bash
# jobclean: finished jobs leave the jobs folder, nothing pending or at work
# does; a build's pending job can be abandoned.
. "$(dirname "$0")/test-lib.sh"

# job ID FILE...: a job folder with request.json and the files named
job() {
	local id=$1
	shift
	mkdir -p "jobs/$id" && echo '{"steps": []}' >"jobs/$id/request.json" &&
	for f in "$@"; do echo '{}' >"jobs/$id/$f" || return 1; done
}

# old ID FILE...: make those files of a job three days old
old() {
	local id=$1
	shift
	for f in "$@"; do touch -d "3 days ago" "jobs/$id/$f" || return 1; done
}

test_expect_success 'set up every kind of job folder' '
	job done done.marker claim.json progress.json && old done done.marker claim.json progress.json &&
	job failed error.marker && old failed error.marker request.json &&
	job fresh done.marker &&
	job waiting && old waiting request.json &&
	job claimed claim.json progress.json && old claimed claim.json progress.json request.json &&
	job abandoned-at-work error.marker claim.json progress.json && old abandoned-at-work error.marker &&
	mkdir -p jobs/half-sent && echo voice >jobs/half-sent/voice.wav &&
	mkdir jobs/notes && echo "{}" >jobs/notes/done.marker && old notes done.marker &&
	echo hello >jobs/readme.txt
'

test_expect_success '-n lists the finished jobs, removing nothing' '
	"$BIN/jobclean" -n -d jobs >listed &&
	printf "jobs/done\njobs/failed\n" >expect && sort listed | test_cmp expect - &&
	test -d jobs/done && test -d jobs/failed
'

test_expect_success 'finished jobs older than the age go; pending, claimed, at work or no job stay' '
	"$BIN/jobclean" -d jobs >removed &&
	printf "jobs/done\njobs/failed\n" >expect && sort removed | test_cmp expect - &&
	ls jobs >left &&
	printf "abandoned-at-work\nclaimed\nfresh\nhalf-sent\nnotes\nreadme.txt\nwaiting\n" >expect &&
	test_cmp expect left
'

test_expect_success '-a 0: every finished job whose worker is quiet, however new' '
	"$BIN/jobclean" -a 0 -d jobs >removed &&
	echo jobs/fresh >expect && test_cmp expect removed &&
	touch -d "3 minutes ago" jobs/abandoned-at-work/progress.json &&
	"$BIN/jobclean" -a 0 -d jobs >removed &&
	echo jobs/abandoned-at-work >expect && test_cmp expect removed
'

test_expect_success 'on an rclone remote, the same' '
	job rdone done.marker && old rdone done.marker && job rwaiting &&
	"$BIN/jobclean" -r ":local:$TMP/jobs" >removed &&
	echo ":local:$TMP/jobs/rdone" >expect && test_cmp expect removed &&
	test ! -e jobs/rdone && test -d jobs/rwaiting && test -d jobs/claimed
'

# record ID: a build's record of job ID in jobs/
record() {
	printf "{\"job\": \"%s\", \"jobs\": \"%s\", \"request_sha256\": \"%064d\"}\n" "$1" "$2" 0 >colab-job.json
}

test_expect_success '-p: a pending job is marked abandoned and its record goes' '
	record waiting jobs &&
	"$BIN/jobclean" -p colab-job.json >where 2>err &&
	echo jobs/waiting >expect && test_cmp expect where &&
	echo "jobclean: job waiting abandoned: the next build sends a new job" >expect && test_cmp expect err &&
	test ! -e colab-job.json &&
	jq -e ".status == \"error\" and (.error | startswith(\"abandoned by the build\"))" jobs/waiting/error.marker &&
	! ls -A jobs/waiting | grep -v -e request.json -e error.marker
'

test_expect_success '-p: a finished job keeps its markers; no record, nothing to do' '
	job finished done.marker && record finished jobs &&
	"$BIN/jobclean" -p colab-job.json >where 2>err &&
	test ! -e jobs/finished/error.marker && test ! -e colab-job.json &&
	"$BIN/jobclean" -p colab-job.json >where 2>err &&
	echo "jobclean: colab-job.json: no job recorded: nothing to abandon" >expect && test_cmp expect err &&
	test ! -s where
'

test_expect_success '-p on a remote: the error.marker is uploaded whole' '
	job rjob && record rjob ":local:$TMP/jobs" &&
	"$BIN/jobclean" -p colab-job.json >where &&
	echo ":local:$TMP/jobs/rjob" >expect && test_cmp expect where &&
	jq -e ".status == \"error\"" jobs/rjob/error.marker && ! ls -A jobs/rjob | grep partial
'

test_expect_success 'a worker at an abandoned job stops before writing more' '
	job spoken
	echo "{\"voice\": \"af_heart\", \"steps\": [{\"id\": \"a\", \"narration\": \"One.\"}, {\"id\": \"b\", \"narration\": \"Two.\"}]}" >jobs/spoken/request.json
	python3 "$ROOT/colab/jobworker.py" --jobs jobs --pace 60 --heartbeat 0.2 2>w.log &
	worker=$!
	test_at_end "kill $worker 2>/dev/null || :"
	for i in $(seq 600); do test -e jobs/spoken/audio/step-a.wav && break; sleep 0.1; done &&
	record spoken jobs && "$BIN/jobclean" -p colab-job.json >/dev/null &&
	for i in $(seq 500); do grep -q "job spoken: no longer this worker" w.log && break; sleep 0.1; done &&
	test_grep "job spoken: no longer this worker" w.log &&
	test ! -e jobs/spoken/audio/step-b.wav && test ! -e jobs/spoken/done.marker &&
	kill $worker
'

test_expect_success 'bad options: exit 2; no jobs folder: exit 4' '
	test_must_fail 2 "$BIN/jobclean" -a soon -d jobs 2>err &&
	echo "jobclean: -a soon: not a number of hours" >expect && test_cmp expect err &&
	test_must_fail 2 "$BIN/jobclean" -d jobs extra 2>err && test_grep "^usage: jobclean" err &&
	test_must_fail 4 "$BIN/jobclean" -d nowhere 2>err &&
	test_grep "^jobclean: DRIVE=nowhere: no such folder" err &&
	mkdir nobin && PATH=$TMP/nobin test_must_fail 4 "$BIN/jobclean" -r "remote:jobs" 2>err &&
	test_grep "^jobclean: cannot run rclone (is it installed? make deps)$" err
'

test_expect_success 'make colab-clean: the same through make, on any path' '
	mkdir -p "Bob'"'"'s jobs" && mv jobs/finished "Bob'"'"'s jobs/" &&
	make -C "$ROOT" --no-print-directory colab-clean DRIVE="$TMP/Bob'"'"'s jobs" CLEAN_AGE=0 >removed 2>err &&
	echo "$TMP/Bob'"'"'s jobs/finished" >expect && test_cmp expect removed &&
	test -z "$(ls "Bob'"'"'s jobs")" &&
	test_must_fail 2 make -C "$ROOT" --no-print-directory colab-clean DRIVE="$TMP/jobs" CLEAN_AGE=soon 2>err &&
	test_grep "jobclean: -a soon: not a number of hours" err
'

test_done
