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
# ended before the deadline. The marker says it made nothing, so it is
# complete on its own.
DONE='{"status": "completed", "total_duration": 0, "steps_generated": 0}'

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
	: >completing && printf ' "completed", "steps_generated": 0}' >>"$1"
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

test_expect_success 'no marker: exit 3 at the timeout, the hint names the job folder, no worker is named' '
	mkdir job8 &&
	timed test_must_fail 3 "$BIN/waitmarker" -i 0.2 -t 1 job8 2>err &&
	echo "exit $rc after $ms ms" &&
	test $rc = 0 && test $ms -ge 1000 &&
	cat >expect <<-\EOF &&
	waitmarker: no worker has picked up job8 after 0.3 s: is the Colab notebook running?
	waitmarker: timed out after 1 s waiting for job8/done.marker: is the Colab notebook running, and is Drive syncing job8?
	EOF
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
	test_grep "^usage: waitmarker \[-q\] \[-t timeout_s\] \[-i poll_interval_s\] \[-n request.json\] \[-o manifest.json\] \[-s stagedir\] job$" err &&
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

# A job of two steps, as our worker leaves it: WAVs, then a marker whose
# manifest lists them. The WAVs are made once in "made/".
test_expect_success 'set up two WAVs and a request for them' '
	mkdir made &&
	ffmpeg -v error -f lavfi -i sine=f=440:r=24000 -t 1 made/step-a.wav &&
	ffmpeg -v error -f lavfi -i sine=f=550:r=24000 -t 1.5 made/step-b.wav &&
	echo "{\"voice\": \"af_heart\", \"steps\": [{\"id\": \"a\", \"narration\": \"A.\"}, {\"id\": \"b\", \"narration\": \"B.\"}]}" >request.json
'

# manifest_of: our done.marker for made/step-a.wav and made/step-b.wav
manifest_of() {
	for id in a b; do
		jq -n --arg name "audio/step-$id.wav" --argjson bytes "$(wc -c <made/step-$id.wav)" \
			--arg sha "$(sha256sum made/step-$id.wav | cut -d" " -f1)" \
			"{name: \$name, bytes: \$bytes, sha256: \$sha}"
	done | jq -s "{status: \"completed\", steps_generated: 2, files: .}"
}

# deliver JOB: the WAVs arrive, each renamed into place
deliver() {
	mkdir -p "$1/audio" &&
	for id in a b; do
		cp made/step-$id.wav "$1/audio/.x" && mv "$1/audio/.x" "$1/audio/step-$id.wav"
	done
}

test_expect_success 'marker before the WAVs: waits for them, then writes the manifest, exit 0' '
	mkdir job11 &&
	manifest_of >job11/done.marker &&
	later 0.5 deliver job11 && writer=$! &&
	"$BIN/waitmarker" -q -i 30 -t 10 -n request.json -o got.json job11 2>err &&
	wait $writer && test ! -s err &&
	jq -r ".files[] | [.name, .bytes, .sample_rate] | @tsv" got.json >files &&
	printf "audio/step-a.wav\t%s\t24000\naudio/step-b.wav\t%s\t24000\n" \
		"$(wc -c <made/step-a.wav)" "$(wc -c <made/step-b.wav)" >expect &&
	test_cmp expect files &&
	jq -e ".files[1].duration == 1.5" got.json
'

# complete JOB: the truncated step-b.wav gets its missing tail
complete_wav() {
	: >completing && tail -c +30001 made/step-b.wav >>"$1/audio/step-b.wav"
}

test_expect_success 'a truncated WAV under its final name is not accepted until it is whole' '
	mkdir -p job12/audio && cp made/step-a.wav job12/audio/ &&
	head -c 30000 made/step-b.wav >job12/audio/step-b.wav &&
	manifest_of >job12/done.marker &&
	later 1 complete_wav job12 && writer=$! &&
	"$BIN/waitmarker" -q -i 0.1 -t 10 -n request.json -o got.json job12 2>err &&
	test -e completing && wait $writer &&
	cmp made/step-b.wav job12/audio/step-b.wav
'

test_expect_success 'a WAV that never becomes whole: exit 3 naming it and why' '
	mkdir -p job13/audio && cp made/step-a.wav job13/audio/ &&
	head -c 30000 made/step-b.wav >job13/audio/step-b.wav &&
	manifest_of >job13/done.marker &&
	test_must_fail 3 "$BIN/waitmarker" -q -i 0.2 -t 1 -n request.json job13 2>err &&
	echo "waitmarker: timed out after 1 s: job13/done.marker is there, but audio/step-b.wav: RIFF size does not match the file size (truncated or still being written): is Drive still syncing job13?" >expect &&
	test_cmp expect err
'

test_expect_success 'a whole WAV with other content than the manifest says is not accepted' '
	mkdir -p job14/audio && cp made/step-a.wav job14/audio/step-a.wav &&
	cp made/step-a.wav job14/audio/step-b.wav &&
	manifest_of >job14/done.marker &&
	test_must_fail 3 "$BIN/waitmarker" -q -i 0.2 -t 1 -n request.json job14 2>err &&
	test_grep "but audio/step-b.wav: [0-9]* bytes, the manifest says [0-9]*:" err
'

test_expect_success 'a marker without manifest (a seed worker): whole WAVs are accepted' '
	mkdir job15 &&
	echo "{\"status\": \"completed\", \"steps_generated\": 2}" >job15/done.marker &&
	later 0.5 deliver job15 && writer=$! &&
	"$BIN/waitmarker" -q -i 0.2 -t 10 -n request.json -o got.json job15 2>err &&
	wait $writer && test ! -s err &&
	jq -e "[.files[].name] == [\"audio/step-a.wav\", \"audio/step-b.wav\"]" got.json &&
	jq -e ".files[0].sha256 == \"$(sha256sum made/step-a.wav | cut -d" " -f1)\"" got.json
'

test_expect_success 'without -n, a seed marker waits for as many WAVs as it says it made' '
	mkdir job15b &&
	echo "{\"status\": \"completed\", \"steps_generated\": 2}" >job15b/done.marker &&
	test_must_fail 3 "$BIN/waitmarker" -q -i 0.2 -t 1 job15b 2>err &&
	test_grep "done.marker is there, but 0 of 2 WAVs" err &&
	mkdir job15b/audio && cp made/step-a.wav job15b/audio/step-a.wav &&
	test_must_fail 3 "$BIN/waitmarker" -q -i 0.2 -t 1 job15b 2>err &&
	test_grep "done.marker is there, but 1 of 2 WAVs" err &&
	later 0.5 deliver job15b && writer=$! &&
	"$BIN/waitmarker" -q -i 0.2 -t 10 -o got.json job15b && wait $writer &&
	jq -e ".files | length == 2" got.json
'

test_expect_success 'a manifest missing a requested step can never be right: exit 1' '
	mkdir job16 && deliver job16 &&
	manifest_of | jq "del(.files[1])" >job16/done.marker &&
	test_must_fail 1 "$BIN/waitmarker" -q -t 5 -n request.json job16 2>err &&
	echo "waitmarker: job16: done.marker does not list audio/step-b.wav" >expect &&
	test_cmp expect err
'

test_expect_success 'a manifest naming a file outside the job folder: exit 1' '
	mkdir job17 && deliver job17 &&
	manifest_of | jq ".files[0].name = \"../../etc/passwd\"" >job17/done.marker &&
	test_must_fail 1 "$BIN/waitmarker" -q -t 5 job17 2>err &&
	echo "waitmarker: job17: done.marker lists \"../../etc/passwd\", which is no file inside the job folder" >expect &&
	test_cmp expect err
'

test_expect_success 'a listed WAV that is whole but not PCM is a failure at once, exit 1' '
	mkdir -p job17b/audio && deliver job17b &&
	ffmpeg -v error -y -f lavfi -i sine=f=440:r=24000 -t 1 -c:a pcm_f32le job17b/audio/step-b.wav &&
	manifest_of | jq --argjson bytes "$(wc -c <job17b/audio/step-b.wav)" \
		--arg sha "$(sha256sum job17b/audio/step-b.wav | cut -d" " -f1)" \
		".files[1].bytes = \$bytes | .files[1].sha256 = \$sha" >job17b/done.marker &&
	timed test_must_fail 1 "$BIN/waitmarker" -q -i 30 -t 60 -n request.json job17b 2>err &&
	test $ms -lt 30000 &&
	echo "waitmarker: job17b: audio/step-b.wav: the bytes the manifest lists are no usable WAV: not integer PCM" >expect &&
	test_cmp expect err
'

test_expect_success 'a manifest entry without bytes or sha256 is a failure at once, exit 1' '
	mkdir job17c && deliver job17c &&
	manifest_of | jq "del(.files[0].sha256)" >job17c/done.marker &&
	timed test_must_fail 1 "$BIN/waitmarker" -q -i 30 -t 60 -n request.json job17c 2>err &&
	test $ms -lt 30000 &&
	echo "waitmarker: job17c: done.marker'"'"'s entry for audio/step-a.wav lacks sha256" >expect &&
	test_cmp expect err
'

# work JOB: a worker that claims the job and reports one step, then both
work() {
	echo "{}" >"$1/claim.json" &&
	echo "{\"done\": 1, \"total\": 2}" >"$1/progress.json.t" && mv "$1/progress.json.t" "$1/progress.json" &&
	sleep 0.5 && deliver "$1" && manifest_of >"$1/done.marker"
}

test_expect_success 'progress: steps done of total and the time, one plain line per change' '
	mkdir job18 &&
	later 0.3 work job18 && writer=$! &&
	"$BIN/waitmarker" -i 5 -t 10 -n request.json job18 2>err &&
	wait $writer &&
	sed "s/[0-9]:[0-9][0-9]/M:SS/g" err >got &&
	cat >expect <<-\EOF &&
	waitmarker: job18: 0/2 steps, M:SS elapsed
	waitmarker: job18: 1/2 steps, M:SS elapsed, about M:SS left
	waitmarker: job18: 2/2 steps, M:SS elapsed
	EOF
	test_cmp expect got
'

test_expect_success 'progress on a terminal: one line redrawn, with a bar' '
	mkdir job19 &&
	later 0.3 work job19 && writer=$! &&
	script -qec "\"$BIN/waitmarker\" -i 5 -t 10 -n request.json job19" /dev/null >tty.log &&
	wait $writer &&
	test_grep "\[##########----------\] 1/2 steps" tty.log &&
	test_grep "\[####################\] 2/2 steps" tty.log &&
	test "$(grep -c "" tty.log)" = 1
'

test_expect_success 'progress: a worker whose heartbeat stopped a minute ago is named' '
	mkdir job20 && echo "{}" >job20/claim.json &&
	echo "{\"done\": 1, \"total\": 2, \"heartbeat_unix\": $(( $(date +%s) - 125 ))}" >job20/progress.json &&
	test_must_fail 3 "$BIN/waitmarker" -i 5 -t 1 -n request.json job20 2>err &&
	test_grep "^waitmarker: job20: 1/2 steps, 0:00 elapsed, about 0:00 left, no heartbeat from the worker for 2:0[5-6]$" err
'

test_expect_success 'a remote job without rclone installed: a system error, exit 4' '
	mkdir nobin &&
	PATH=$TMP/nobin test_must_fail 4 "$BIN/waitmarker" -t 5 -s stage remote:jobs/x 2>err &&
	test_grep "^waitmarker: cannot run rclone (is it installed? make deps)$" err
'

test_expect_success 'a request that is missing or no request is invalid input, exit 2' '
	mkdir job21 &&
	test_must_fail 2 "$BIN/waitmarker" -t 1 -n norequest.json job21 2>err &&
	echo "waitmarker: norequest.json: No such file or directory" >expect && test_cmp expect err &&
	echo "{\"steps\": [{\"id\": \"../x\"}]}" >bad.json &&
	test_must_fail 2 "$BIN/waitmarker" -t 1 -n bad.json job21 2>err &&
	test_grep "^waitmarker: bad.json: steps\[0\].id: \"../x\" " err
'

test_done
