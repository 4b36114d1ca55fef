#!/bin/sh
# waitmarker: waits for a job's done.marker or error.marker, woken by inotify
# or by polling, and gives up at the timeout
. "$(dirname "$0")/test-lib.sh"

# Every background process is listed in pids, so none outlives the script.
: >pids
test_at_end 'kill $(cat "$TMP/pids") 2>/dev/null || :'

# later SECONDS CMD...: run CMD in the background after SECONDS; $! is its pid
later() {
	delay=$1
	shift
	(sleep "$delay" & echo $! >>"$TMP/pids"; wait $! && "$@") &
	echo $! >>"$TMP/pids"
}

# timed CMD...: run CMD; its exit code in $rc, its run time in $ms milliseconds
timed() {
	start=$(date +%s%3N)
	rc=0
	"$@" || rc=$?
	ms=$(( $(date +%s%3N) - start ))
}

# rename_into_place FILE TEXT: the worker's way, write a temporary and rename
rename_into_place() {
	printf '%s' "$2" >"$1.tmp" && mv "$1.tmp" "$1"
}

# write_done FILE: the marker in one write
write_done() {
	printf '%s' "$DONE" >"$1"
}

# With -i 30 -t 10 no poll happens before the deadline: only an inotify
# wake-up ends the wait early. Ending at all is not enough, as the last look
# at the deadline would find the marker too, so these tests check the run
# ended before the deadline.
DONE='{"status": "completed", "total_duration": 1.5, "steps_generated": 2}'

test_expect_success 'a marker already there: exit 0 without waiting' '
	mkdir job1 &&
	printf "%s" "$DONE" >job1/done.marker &&
	timed "$BIN/waitmarker" -i 30 -t 10 job1 >out 2>err &&
	echo "exit $rc after $ms ms" &&
	test $rc = 0 && test $ms -lt 9000 &&
	test ! -s out && test ! -s err
'

test_expect_success 'a marker written while waiting: exit 0 before the timeout' '
	mkdir job2 &&
	later 0.5 write_done job2/done.marker && writer=$! &&
	timed "$BIN/waitmarker" -i 30 -t 10 job2 2>err &&
	echo "exit $rc after $ms ms" &&
	wait $writer &&
	test $rc = 0 && test $ms -lt 9000 && test ! -s err
'

test_expect_success 'a marker renamed into place is seen' '
	mkdir job3 &&
	later 0.5 rename_into_place job3/done.marker "$DONE" && writer=$! &&
	timed "$BIN/waitmarker" -i 30 -t 10 job3 2>err &&
	echo "exit $rc after $ms ms" &&
	wait $writer &&
	test $rc = 0 && test $ms -lt 9000 && test ! -s err &&
	test ! -e job3/done.marker.tmp
'

# The writer leaves "completing" just before it completes the marker: a tool
# that took the half marker ends while that file is still missing.
complete_marker() {
	: >completing && printf ' "completed"}' >>"$1"
}

test_expect_success 'a half-written marker is waited for until it is complete' '
	mkdir job4 &&
	printf "{\"status\":" >job4/done.marker &&
	later 1 complete_marker job4/done.marker && writer=$! &&
	timed "$BIN/waitmarker" -i 0.1 -t 10 job4 2>err &&
	echo "exit $rc after $ms ms" &&
	test -e completing &&
	wait $writer &&
	test $rc = 0 && test ! -s err &&
	jq -e ".status == \"completed\"" job4/done.marker
'

test_expect_success 'JSON that is no object is not a marker: timeout, exit 3' '
	mkdir job5 &&
	echo "[\"completed\"]" >job5/done.marker &&
	test_must_fail 3 "$BIN/waitmarker" -i 0.1 -t 1 job5 2>err &&
	test_grep "^waitmarker: timed out after 1 s" err
'

test_expect_success 'error.marker: exit 1 with its message and step' '
	mkdir job6 &&
	echo "{\"status\": \"error\", \"error\": \"CUDA out of memory\", \"step\": \"intro\"}" \
		>job6/error.marker &&
	test_must_fail 1 "$BIN/waitmarker" -t 10 job6 2>err &&
	echo "waitmarker: Colab worker reported error: CUDA out of memory (step intro)" >expect &&
	test_cmp expect err &&
	echo "{\"status\": \"error\", \"error\": \"no voice\", \"step\": 3}" >job6/error.marker &&
	test_must_fail 1 "$BIN/waitmarker" -t 10 job6 2>err &&
	echo "waitmarker: Colab worker reported error: no voice (step 3)" >expect &&
	test_cmp expect err
'

test_expect_success 'an error.marker written while waiting ends the wait, exit 1' '
	mkdir job7 &&
	later 0.5 rename_into_place job7/error.marker \
		"{\"status\": \"error\", \"error\": \"disk full\", \"step\": \"outro\"}" &&
	writer=$! &&
	timed test_must_fail 1 "$BIN/waitmarker" -i 30 -t 10 job7 2>err &&
	echo "exit $rc after $ms ms" &&
	wait $writer &&
	test $rc = 0 && test $ms -lt 9000 &&
	echo "waitmarker: Colab worker reported error: disk full (step outro)" >expect &&
	test_cmp expect err
'

test_expect_success 'no marker: exit 3 at the timeout, the hint names the job folder' '
	mkdir job8 &&
	timed test_must_fail 3 "$BIN/waitmarker" -i 0.2 -t 1 job8 2>err &&
	echo "exit $rc after $ms ms" &&
	test $rc = 0 && test $ms -ge 1000 &&
	echo "waitmarker: timed out after 1 s waiting for job8/done.marker: is the Colab notebook running, and is Drive syncing job8?" >expect &&
	test_cmp expect err
'

test_expect_success 'a missing job folder is an I/O error, exit 4' '
	test_must_fail 4 "$BIN/waitmarker" -t 1 nojob 2>err &&
	echo "waitmarker: nojob: No such file or directory" >expect &&
	test_cmp expect err
'

test_expect_success 'bad -t or -i, or no folder: usage error, exit 2' '
	mkdir job9 &&
	for t in abc 0 -1 5s inf; do
		test_must_fail 2 "$BIN/waitmarker" -t "$t" job9 2>err &&
		echo "waitmarker: -t $t: not a positive number of seconds" >expect &&
		test_cmp expect err || exit 1
	done &&
	test_must_fail 2 "$BIN/waitmarker" -i "" job9 2>err &&
	echo "waitmarker: -i : not a positive number of seconds" >expect &&
	test_cmp expect err &&
	test_must_fail 2 "$BIN/waitmarker" -t 1 2>err &&
	test_grep "^usage: waitmarker \[-t timeout_s\] \[-i poll_interval_s\] jobdir" err &&
	echo x >file &&
	test_must_fail 2 "$BIN/waitmarker" -t 1 file 2>err &&
	echo "waitmarker: file: not a folder" >expect &&
	test_cmp expect err
'

# A write through a hard link in another folder changes the marker but raises
# no event in the job folder, as a write on the far side of a FUSE mount does:
# only polling can see it. The flag "blind" tells that the write was made.
blind_write() {
	: >blind && write_done side/done.marker
}

test_expect_success 'set up a marker that inotify on the job folder cannot see change' '
	mkdir job10 side &&
	: >job10/done.marker &&
	ln job10/done.marker side/done.marker
'

if command -v inotifywait >/dev/null; then
	test_expect_success 'control: writing through the link raises no event in the job folder' '
		later 0.5 blind_write && writer=$! &&
		test_must_fail 2 inotifywait -q -t 2 -e close_write,moved_to,create job10 &&
		wait $writer &&
		jq -e ".status == \"completed\"" job10/done.marker &&
		: >side/done.marker && rm blind
	'
else
	test_skip 'control: writing through the link raises no event in the job folder' \
		'no inotifywait'
fi

test_expect_success 'polling alone finds a marker inotify did not see' '
	later 0.5 blind_write && writer=$! &&
	timed "$BIN/waitmarker" -i 0.2 -t 10 job10 2>err &&
	echo "exit $rc after $ms ms" &&
	test -e blind &&
	wait $writer &&
	test $rc = 0 && test $ms -lt 9000 && test ! -s err
'

test_done
