#!/bin/bash
# BACKEND=colab end to end: make, the real tools and a real worker process on
# a jobs folder here. Only the steps whose audio is missing travel, in one
# job; failures and timeouts stop the build and keep earlier audio.
. "$(dirname "$0")/test-lib.sh"

. "$ROOT/tests/worker-lib.sh"

mkdir site jobs && ln -s jobs "Bob's jobs"  # a Drive path with a quote and a space
for p in a b c; do
	echo "<!doctype html><title>Page $p</title><h1>Page $p</h1>" >site/$p.html
done
cat >spec.json <<'JSON'
{
  "settings": {"viewport": {"width": 320, "height": 240}, "voice": "am_michael", "lead_in": 0.2, "tail": 0.3},
  "steps": [
    {"id": "a", "url": "site/a.html", "narration": "First page."},
    {"id": "b", "url": "site/b.html", "narration": "Second page."},
    {"id": "c", "url": "site/c.html", "narration": "Third page."}
  ]
}
JSON

# build [MAKE ARGS]: make this tour; "ran" lists the recipes that ran
build() {
	mark_jobs
	make -C "$ROOT" --no-print-directory SPEC="$TMP/spec.json" OUT="$TMP/out" \
		CACHE="$TMP/cache" BACKEND=colab DRIVE="$TMP/Bob's jobs" COLAB_TIMEOUT=30 "$@" >make.log 2>&1
	status=$?
	grep -E '^  (COLAB|CAP|MUX) ' make.log | awk '{print $1, $2}' | sed "s|$TMP/out/||" | sort >ran
	return $status
}

expect() {
	printf '%s\n' "$@" | sed '/^$/d' | sort >want
	test_cmp want ran
}

edit() {
	jq "$1" spec.json >spec.new && mv spec.new spec.json
}

# jobs_sent: how many job folders there are; last_job: the one sent since
# mark_jobs (build marks them as it starts). Told apart by name, not by
# mtime, which two folders can share and a worker can move.
jobs_sent() { ls jobs | wc -l; }
mark_jobs() { ls jobs >jobs.marked; }
last_job() {
	ls jobs | grep -vxF -f jobs.marked >jobs.new
	test "$(wc -l <jobs.new)" = 1 && echo "jobs/$(cat jobs.new)"
}

start_worker "$TMP/jobs"

test_expect_success 'a first build sends one job with every step and makes the video' '
	build || { cat make.log; false; } &&
	expect "COLAB wav" "CAP clip/a.mp4" "CAP clip/b.mp4" "CAP clip/c.mp4" "MUX spec.mp4" &&
	test "$(jobs_sent)" = 1 &&
	jq -r "[.steps[].id] | join(\" \")" "$(last_job)/request.json" >ids &&
	echo "a b c" >expect && test_cmp expect ids &&
	for id in a b c; do cmp "$(last_job)/audio/step-$id.wav" out/wav/$id.wav || exit 1; done &&
	test "$(ls cache/tts | wc -l)" = 3 && test ! -e out/colab-job.json &&
	ffprobe -v error -show_entries stream=codec_type -of csv=p=0 out/spec.mp4 | sort | tr "\n" " " >streams &&
	echo "audio data subtitle video " | tr -d "\n" >expect && test_cmp expect streams
'

test_expect_success 'a second build runs nothing and sends nothing' '
	sleep 1 && touch stamp &&
	build && expect && test "$(jobs_sent)" = 1 &&
	test -z "$(find out cache -newer stamp)"
'

test_expect_success 'editing one narration sends a one-step job, remakes that clip' '
	cp out/wav/b.wav b.before &&
	edit ".steps[1].narration = \"The second page, said differently.\"" &&
	{ build || { cat make.log; false; }; } && expect "COLAB wav" "CAP clip/b.mp4" "MUX spec.mp4" &&
	test "$(jobs_sent)" = 2 &&
	jq -c "[.steps[].id]" "$(last_job)/request.json" >ids && echo "[\"b\"]" >expect && test_cmp expect ids &&
	! cmp b.before out/wav/b.wav
'

test_expect_success 'reverting it sends nothing: the audio comes from the cache' '
	edit ".steps[1].narration = \"Second page.\"" &&
	build && expect "COLAB wav" "CAP clip/b.mp4" "MUX spec.mp4" &&
	test "$(jobs_sent)" = 2 && cmp b.before out/wav/b.wav &&
	test "$(jq -r .cache out/wav/b.wav.json)" = hit &&
	test "$(jq -r .cache out/wav/a.wav.json)" = made
'

test_expect_success 'a WAV deleted by hand comes back, from the cache' '
	rm out/wav/c.wav && build && test "$(jobs_sent)" = 2 && test -s out/wav/c.wav
'

test_expect_success 'make tts makes the narration only, like the seed'"'"'s --dry-run' '
	rm -rf out && build tts &&
	expect "COLAB wav" && (cd out/wav && ls *.wav) | tr "\n" " " >wavs &&
	echo "a.wav b.wav c.wav " | tr -d "\n" >expect && test_cmp expect wavs && test ! -e out/clip
'

test_expect_success 'error.marker fails the build with its message; earlier audio is kept' '
	build && mkdir kept && cp out/wav/*.wav out/spec.mp4 kept/ &&
	edit ".settings.voice = \"zz_nobody\"" &&
	test_must_fail 2 build &&
	test_grep "^waitmarker: Colab worker reported error: espeak-ng: Error: The specified espeak-ng voice does not exist. (step a)$" make.log &&
	for f in a.wav b.wav c.wav spec.mp4; do cmp kept/$f out/${f%.mp4}.mp4 2>/dev/null || cmp kept/$f out/wav/$f || exit 1; done &&
	edit ".settings.voice = \"am_michael\"" && n=$(jobs_sent) &&
	build && test "$(jobs_sent)" = $n
'

test_expect_success 'no worker: exit 3 at COLAB_TIMEOUT, with the hint; the job is kept' '
	stop_worker && n=$(jobs_sent) &&
	edit ".steps[2].narration = \"Nobody will speak this.\"" &&
	test_must_fail 2 build COLAB_TIMEOUT=2 &&
	test "$(jobs_sent)" = $((n + 1)) &&
	test_grep "^waitmarker: timed out after 2 s waiting for $TMP/Bob.s jobs/.*/done.marker: is the Colab notebook running, and is Drive syncing $TMP/Bob.s jobs/" make.log &&
	test_grep "Error 3" make.log &&
	test_grep "^waitmarker: no worker has picked up $TMP/Bob.s jobs/" make.log &&
	test_grep "^colab: the job stays recorded in $TMP/out/colab-job.json and the next build re-attaches to it; to send a new one instead: make colab-abandon SPEC=$TMP/spec.json OUT=$TMP/out$" make.log &&
	jq -e ".job" out/colab-job.json
'

test_expect_success 'the build run again re-attaches to that job instead of sending another' '
	job=$(jq -r .job out/colab-job.json) && n=$(jobs_sent) &&
	start_worker "$TMP/jobs" && build && test "$(jobs_sent)" = $n &&
	test_grep "^jobsend: re-attaching to job $job, sent earlier and not collected yet$" make.log &&
	cmp jobs/$job/audio/step-c.wav out/wav/c.wav && test ! -e out/colab-job.json
'

test_expect_success 'a build interrupted while waiting re-attaches when run again' '
	stop_worker && n=$(jobs_sent) && mark_jobs &&
	edit ".steps[0].narration = \"Interrupted, then resumed.\""
	setsid make -C "$ROOT" --no-print-directory SPEC="$TMP/spec.json" OUT="$TMP/out" \
		CACHE="$TMP/cache" BACKEND=colab DRIVE="$TMP/Bob'"'"'s jobs" tts >int.log 2>&1 &
	maker=$!
	for i in $(seq 100); do test -e out/colab-job.json && break; sleep 0.1; done &&
	sleep 0.5 && kill -TERM -- -$maker && wait $maker; test -e out/colab-job.json &&
	test "$(jobs_sent)" = $((n + 1)) && ! test -e "$(last_job)/done.marker" &&
	start_worker "$TMP/jobs" && build && test "$(jobs_sent)" = $((n + 1)) &&
	test_grep "re-attaching to job" make.log && test -s out/spec.mp4
'

test_expect_success 'make colab-abandon gives a job up: no worker starts it, the next build sends anew' '
	stop_worker && n=$(jobs_sent) &&
	edit ".steps[2].narration = \"Given up, then sent again.\"" &&
	test_must_fail 2 build COLAB_TIMEOUT=1 && job=$(jq -r .job out/colab-job.json) &&
	make -C "$ROOT" --no-print-directory SPEC="$TMP/spec.json" OUT="$TMP/out" colab-abandon >abandon.log 2>&1 &&
	test_grep "^jobclean: job $job abandoned: the next build sends a new job$" abandon.log &&
	test ! -e out/colab-job.json && jq -e ".status == \"error\"" jobs/$job/error.marker &&
	start_worker "$TMP/jobs" && build && test "$(jobs_sent)" = $((n + 2)) &&
	test ! -e jobs/$job/claim.json && test ! -e jobs/$job/done.marker
'

# A worker whose every marker lists a WAV without its sha256: a job that can
# never be accepted.
cat >badworker.sh <<'SH'
#!/bin/bash
while sleep 0.1; do
	for req in "$1"/*/request.json; do
		job=${req%/request.json}
		[ -e "$req" ] && [ ! -e "$job/done.marker" ] && [ ! -e "$job/error.marker" ] || continue
		jq "{status: \"completed\", files: [.steps[] | {name: \"audio/step-\(.id).wav\", bytes: 1}]}" \
			"$req" >"$job/.done" && mv "$job/.done" "$job/done.marker"
	done
done
SH

test_expect_success 'a job that failed for good is not re-attached to: the next build sends anew' '
	stop_worker && n=$(jobs_sent)
	bash badworker.sh "$TMP/jobs" &
	bad=$!
	echo $bad >>pids &&
	edit ".steps[2].narration = \"Failed for good, then sent again.\"" &&
	test_must_fail 2 build && kill $bad &&
	test_grep "lacks sha256" make.log &&
	test_grep "^colab: that job failed for good: the next build sends a new one$" make.log &&
	test ! -e out/colab-job.json && test "$(jobs_sent)" = $((n + 1)) &&
	start_worker "$TMP/jobs" && build && test "$(jobs_sent)" = $((n + 2))
'

test_expect_success 'a worker killed mid-job and restarted finishes it, not redoing done steps' '
	stop_worker && start_worker "$TMP/jobs" --pace 30 && n=$(jobs_sent) &&
	edit ".steps[0].narration = \"Killed once.\" | .steps[1].narration = \"Then resumed.\" | .steps[2].narration = \"All done.\""
	build COLAB_TIMEOUT=60 &
	builder=$!
	for i in $(seq 100); do test "$(jobs_sent)" = $((n + 1)) && test -e "$(last_job)/audio/step-a.wav" && break; sleep 0.1; done &&
	job=$(last_job) && before=$(stat -c %.9Y $job/audio/step-a.wav) &&
	stop_worker && test ! -e $job/audio/step-b.wav &&
	start_worker "$TMP/jobs" &&
	wait $builder &&
	jq -e ".steps_generated == 2 and (.files | length) == 3" $job/done.marker &&
	test "$(stat -c %.9Y $job/audio/step-a.wav)" = "$before" &&
	for id in a b c; do cmp $job/audio/step-$id.wav out/wav/$id.wav || exit 1; done
'

# The worker written for the seed, as a shell script: it reads only the
# seed's request fields, writes done.marker BEFORE the WAVs (as Drive may
# deliver them), and each WAV first cut short under its final name.
cat >seedworker.sh <<'SH'
#!/bin/bash
jobs=$1
while sleep 0.2; do
	for req in "$jobs"/*/request.json; do
		job=${req%/request.json}
		[ -e "$req" ] && [ ! -e "$job/seen" ] || continue
		touch "$job/seen"
		mkdir -p "$job/audio" "$job/made"
		echo "{\"status\": \"completed\", \"total_duration\": 1.0, \"steps_generated\": $(jq '.steps | length' "$req"), \"timestamp\": \"2025-01-15T10:30:00Z\"}" >"$job/done.marker"
		for id in $(jq -r '.steps[].id' "$req"); do
			jq -r --arg id "$id" '.steps[] | select(.id == $id) | .narration' "$req" |
				espeak-ng -v en-us -s "$(jq '.speed * 175 | floor' "$req")" -w "$job/made/$id.wav" --stdin
			head -c 3000 "$job/made/$id.wav" >"$job/audio/step-$id.wav"
		done
		sleep 1.5
		for id in $(jq -r '.steps[].id' "$req"); do
			cat "$job/made/$id.wav" >"$job/audio/step-$id.wav"
		done
	done
done
SH

test_expect_success 'a worker written for the seed: marker first, WAVs cut short, then whole' '
	stop_worker
	bash seedworker.sh "$TMP/jobs" &
	echo $! >>pids
	edit ".steps[1].narration = \"Spoken by the old worker.\" | .steps[2].narration = \"And this one too.\"" &&
	build && job=$(last_job) &&
	jq -c "[.steps[].id]" $job/request.json >ids && echo "[\"b\",\"c\"]" >expect && test_cmp expect ids &&
	cmp $job/made/b.wav out/wav/b.wav && cmp $job/made/c.wav out/wav/c.wav &&
	test_grep "2/2 steps" make.log
'

test_done
