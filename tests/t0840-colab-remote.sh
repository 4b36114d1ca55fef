#!/bin/bash
# REMOTE=name:path: the jobs folder reached with rclone commands, no mount,
# against a real `rclone serve webdav` on 127.0.0.1 whose served folder a
# real worker watches. The server caches listings for 1 s, the lag a Drive
# mount shows in real use.
. "$(dirname "$0")/test-lib.sh"

. "$ROOT/tests/worker-lib.sh"

mkdir -p served/jobs site
echo "<!doctype html><title>Page</title><h1>Page</h1>" >site/a.html
cat >spec.json <<'JSON'
{
  "settings": {"viewport": {"width": 320, "height": 240}, "voice": "af_heart", "lead_in": 0.2, "tail": 0.3},
  "steps": [
    {"id": "one", "url": "site/a.html", "narration": "Sent through a remote."},
    {"id": "two", "url": "site/a.html", "narration": "Without any mount."}
  ]
}
JSON

export RCLONE_CONFIG=$TMP/rclone.conf
rclone serve webdav --addr 127.0.0.1:0 --dir-cache-time 1s served 2>serve.log &
echo $! >>pids
for i in $(seq 100); do
	url=$(grep -o 'http://127.0.0.1:[0-9]*/' serve.log | head -n 1)
	[ -n "$url" ] && break
	sleep 0.1
done
printf '[tw]\ntype = webdav\nurl = %s\nvendor = other\n' "$url" >rclone.conf

build() {
	make -C "$ROOT" --no-print-directory SPEC="$TMP/spec.json" OUT="$TMP/out" \
		CACHE="$TMP/cache" BACKEND=colab REMOTE=tw:jobs COLAB_TIMEOUT=30 "$@" >make.log 2>&1 ||
		{ cat make.log; return 1; }
}

jobs_sent() { ls served/jobs | wc -l; }
last_job() { echo "served/jobs/$(ls -t served/jobs | head -n 1)"; }

test_expect_success 'the server is up and the remote lists its folder' '
	test -n "$url" && rclone lsjson tw:jobs >list && test_cmp list - <<-\EOF
	[
	]
	EOF
'

start_worker "$TMP/served/jobs"

test_expect_success 'REMOTE=: the job goes through rclone, the worker speaks it, the tour is made' '
	build && test "$(jobs_sent)" = 1 &&
	cmp "$(last_job)/audio/step-one.wav" out/wav/one.wav &&
	cmp "$(last_job)/audio/step-two.wav" out/wav/two.wav &&
	test -s out/spec.mp4 && test ! -e out/colab-job.json &&
	! ls -A "$(last_job)" | grep partial &&
	jq -e ".files | length == 2" out/colab/manifest.json
'

test_expect_success 'REMOTE=: one edited narration is a one-step job' '
	jq ".steps[1].narration = \"Still without a mount.\"" spec.json >s && mv s spec.json &&
	cp out/wav/one.wav one.before &&
	build && test "$(jobs_sent)" = 2 &&
	jq -c "[.steps[].id]" "$(last_job)/request.json" >ids && echo "[\"two\"]" >expect && test_cmp expect ids &&
	cmp "$(last_job)/audio/step-two.wav" out/wav/two.wav && cmp one.before out/wav/one.wav
'

test_expect_success 'REMOTE=: a WAV cut short on the remote is fetched again until whole' '
	stop_worker &&
	jq ".steps[0].narration = \"Delivered in two parts.\"" spec.json >s && mv s spec.json &&
	build tts COLAB_TIMEOUT=1 2>/dev/null; job=$(last_job) &&
	espeak-ng -w whole.wav "Delivered in two parts." &&
	mkdir -p $job/audio && head -c 4000 whole.wav >$job/audio/step-one.wav &&
	jq -n --argjson bytes "$(wc -c <whole.wav)" --arg sha "$(sha256sum whole.wav | cut -d" " -f1)" \
		"{status: \"completed\", files: [{name: \"audio/step-one.wav\", bytes: \$bytes, sha256: \$sha}]}" \
		>$job/done.marker &&
	(sleep 3 && cp whole.wav $job/audio/step-one.wav) &
	build tts && cmp whole.wav out/wav/one.wav &&
	test_grep "re-attaching" make.log
'

test_expect_success 'REMOTE=: an error.marker on the remote fails the build with its message' '
	start_worker "$TMP/served/jobs" &&
	jq ".settings.voice = \"zz_nobody\"" spec.json >s && mv s spec.json &&
	! build tts >/dev/null &&
	test_grep "^waitmarker: Colab worker reported error: espeak-ng: Error: The specified espeak-ng voice does not exist. (step one)$" make.log
'

test_expect_success 'REMOTE=: an unreachable remote stops the build naming rclone'"'"'s failure' '
	jq ".settings.voice = \"af_bella\"" spec.json >s && mv s spec.json &&
	printf "[gone]\ntype = webdav\nurl = http://127.0.0.1:9/\n" >>rclone.conf &&
	! RCLONE_RETRIES=1 RCLONE_LOW_LEVEL_RETRIES=1 make -C "$ROOT" --no-print-directory SPEC="$TMP/spec.json" OUT="$TMP/out2" \
		CACHE="$TMP/cache" BACKEND=colab REMOTE=gone:jobs COLAB_TIMEOUT=2 tts >make.log 2>&1 &&
	test_grep "^jobsend: rclone copyto .*/request.json gone:jobs/.*/.request.json.partial failed (exit [0-9]*)$" make.log
'

test_expect_success 'waitmarker on an unreachable remote: exit 3 naming rclone'"'"'s failure' '
	RCLONE_RETRIES=1 RCLONE_LOW_LEVEL_RETRIES=1 \
		test_must_fail 3 "$BIN/waitmarker" -q -i 0.5 -t 2 -s st gone:jobs/x 2>err &&
	test_grep "^waitmarker: timed out after 2 s waiting for gone:jobs/x/done.marker: rclone lsjson gone:jobs/x failed (exit [0-9]*)$" err
'

test_expect_success 'waitmarker on a remote needs a stage folder: exit 2' '
	test_must_fail 2 "$BIN/waitmarker" -t 2 tw:jobs/x 2>err &&
	echo "waitmarker: tw:jobs/x: a remote job needs -s stagedir, the local folder it is read into" >expect &&
	test_cmp expect err
'

test_done
