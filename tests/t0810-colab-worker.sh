#!/bin/bash
# The worker (colab/jobworker.py) with its espeak engine, on job folders
# written here: claims, resumption, atomic WAVs, markers, refusals.
. "$(dirname "$0")/test-lib.sh"

WORKER=$ROOT/colab/jobworker.py
: >pids
test_at_end 'kill $(cat "$TMP/pids") 2>/dev/null || :'

# job NAME REQUEST-JSON: a job folder the way jobsend leaves it
job() {
	mkdir -p "jobs/$1" && printf '%s\n' "$2" >"jobs/$1/request.json"
}

# once: one worker pass over jobs/, then exit
once() {
	python3 "$WORKER" --jobs jobs --once "$@"
}

REQ='{"voice": "am_michael", "speed": 1.0, "language": "en-us", "steps": [
	{"id": "intro", "narration": "Welcome to the tour."},
	{"id": "s.2", "narration": "Then, the second step."}]}'

test_expect_success 'a job is spoken: WAVs, progress, then done.marker with a manifest' '
	job j1 "$REQ" &&
	once 2>log &&
	ls jobs/j1/audio >files && printf "step-intro.wav\nstep-s.2.wav\n" >expect && test_cmp expect files &&
	for id in intro s.2; do "$BIN/wavcopy" jobs/j1/audio/step-$id.wav check.wav || exit 1; done &&
	jq -e ".status == \"completed\" and .steps_generated == 2 and .engine == \"espeak\" and
		.total_duration > 1 and (.timestamp | test(\"^20..-..-..T..:..:..Z$\")) and
		.synthesis_seconds > 0" jobs/j1/done.marker &&
	for id in intro s.2; do
		f=jobs/j1/audio/step-$id.wav
		jq -e --arg n audio/step-$id.wav --arg sha "$(sha256sum $f | cut -d" " -f1)" \
			--argjson bytes "$(wc -c <$f)" \
			".files[] | select(.name == \$n) | .sha256 == \$sha and .bytes == \$bytes and
			 .sample_rate == 22050 and .duration > 0.5" jobs/j1/done.marker || exit 1
	done &&
	jq -e ".done == 2 and .total == 2 and .status == \"completed\" and .heartbeat_unix > 0" \
		jobs/j1/progress.json &&
	"$BIN/waitmarker" -q -t 5 -n jobs/j1/request.json jobs/j1 &&
	! ls -A jobs/j1 jobs/j1/audio | grep tmp
'

test_expect_success 'a finished job is left alone' '
	cp jobs/j1/done.marker before && sleep 1 &&
	once && cmp before jobs/j1/done.marker
'

test_expect_success 'a job claimed by a live worker is left alone' '
	job j2 "$REQ"
	sleep 60 &
	alive=$!
	echo $alive >>pids &&
	echo "{\"worker\": \"other\", \"host\": \"$(hostname)\", \"pid\": $alive, \"claimed_unix\": $(date +%s)}" >jobs/j2/claim.json &&
	once && test ! -e jobs/j2/audio && test ! -e jobs/j2/done.marker
'

test_expect_success 'a claim from another machine is taken over once its heartbeat is stale' '
	echo "{\"worker\": \"colab-1\", \"host\": \"elsewhere\", \"pid\": 1, \"claimed_unix\": $(( $(date +%s) - 30 ))}" >jobs/j2/claim.json &&
	once --stale 60 && test ! -e jobs/j2/done.marker &&
	once --stale 10 && test -e jobs/j2/done.marker &&
	jq -e ".host != \"elsewhere\"" jobs/j2/claim.json && ls -A jobs/j2 | grep -q "^.claim.stale"
'

test_expect_success 'two workers at once: each job is spoken by one of them' '
	for i in 1 2 3 4; do job k$i "$REQ" || exit 1; done &&
	once 2>w1.log &
	a=$!
	once 2>w2.log &
	b=$!
	wait $a && wait $b &&
	for i in 1 2 3 4; do test -e jobs/k$i/done.marker || exit 1; done &&
	test "$(cat w1.log w2.log | grep -c ": claimed")" = 4
'

test_expect_success 'a worker killed mid-job resumes where it stopped when restarted' '
	job j3 "{\"voice\": \"af_heart\", \"steps\": [{\"id\": \"a\", \"narration\": \"One.\"},
		{\"id\": \"b\", \"narration\": \"Two.\"}, {\"id\": \"c\", \"narration\": \"Three.\"}]}" &&
	python3 "$WORKER" --jobs jobs --pace 30 2>w.log &
	echo $! >>pids &&
	for i in $(seq 100); do test -e jobs/j3/audio/step-a.wav && break; sleep 0.1; done &&
	worker=$(jq .pid jobs/j3/claim.json) && kill $worker &&
	while kill -0 $worker 2>/dev/null; do sleep 0.1; done &&
	test -e jobs/j3/audio/step-a.wav &&
	test ! -e jobs/j3/audio/step-b.wav && test ! -e jobs/j3/done.marker &&
	cp jobs/j3/audio/step-a.wav a.before && touch -d "2000-01-01" jobs/j3/audio/step-a.wav &&
	once 2>log &&
	jq -e ".steps_generated == 2 and (.files | length) == 3" jobs/j3/done.marker &&
	cmp a.before jobs/j3/audio/step-a.wav &&
	test "$(stat -c %Y jobs/j3/audio/step-a.wav)" = "$(date -d 2000-01-01 +%s)"
'

test_expect_success 'a truncated WAV left by a killed worker is made again' '
	job j4 "$REQ" && mkdir jobs/j4/audio &&
	espeak-ng -w full.wav "Welcome to the tour." && head -c 5000 full.wav >jobs/j4/audio/step-intro.wav &&
	once && "$BIN/wavcopy" jobs/j4/audio/step-intro.wav check.wav &&
	jq -e ".steps_generated == 2" jobs/j4/done.marker
'

# failed JOB MESSAGE STEP: the job ended in error.marker with MESSAGE and STEP
failed() {
	jq -e --arg m "$2" --argjson s "$3" \
		".status == \"error\" and .error == \$m and .step == \$s" "jobs/$1/error.marker" ||
		{ cat "jobs/$1/error.marker"; return 1; }
	test ! -e "jobs/$1/done.marker"
}

test_expect_success 'an engine failure: error.marker with the message and the step' '
	job e1 "{\"voice\": \"zz_nobody\", \"steps\": [{\"id\": \"x\", \"narration\": \"Hello.\"}]}" &&
	once &&
	failed e1 "espeak-ng: Error: The specified espeak-ng voice does not exist." "\"x\"" &&
	test_must_fail 1 "$BIN/waitmarker" -t 5 jobs/e1 2>err &&
	echo "waitmarker: Colab worker reported error: espeak-ng: Error: The specified espeak-ng voice does not exist. (step x)" >expect &&
	test_cmp expect err
'

test_expect_success 'request paths leaving the job folder are refused' '
	mkdir -p jobs/outside && echo secret >jobs/secret.wav &&
	job e2 "{\"ref_audio\": \"../secret.wav\", \"ref_text\": \"t\", \"steps\": [{\"id\": \"x\", \"narration\": \"Hi.\"}]}" &&
	job e3 "{\"ref_audio\": \"/etc/passwd\", \"ref_text\": \"t\", \"steps\": [{\"id\": \"x\", \"narration\": \"Hi.\"}]}" &&
	job e4 "{\"voice\": \"af_heart\", \"steps\": [{\"id\": \"../../x\", \"narration\": \"Hi.\"}]}" &&
	once &&
	failed e2 "ref_audio \"../secret.wav\" leaves the job folder: name a file inside it" null &&
	failed e3 "ref_audio \"/etc/passwd\" leaves the job folder: name a file inside it" null &&
	failed e4 "steps[0].id: '"'"'../../x'"'"' is not a step id ([A-Za-z0-9._-], no leading '"'"'.'"'"' or '"'"'-'"'"')" 0 &&
	test ! -e x && test ! -e jobs/x
'

test_expect_success 'an F5 job: the reference voice is looked for in the job folder' '
	job f1 "{\"ref_audio\": \"voice.wav\", \"ref_text\": \"t\", \"speed\": 1.0, \"seed\": null, \"nfe_step\": 32, \"steps\": [{\"id\": \"x\", \"narration\": \"Hi.\"}]}" &&
	job f2 "{\"ref_audio\": \"voice.wav\", \"ref_text\": \"t\", \"steps\": [{\"id\": \"x\", \"narration\": \"Hi.\"}]}" &&
	cp full.wav jobs/f1/voice.wav &&
	once && test -e jobs/f1/done.marker &&
	test ! -e jobs/f2/error.marker && test ! -e jobs/f2/claim.json &&
	once --stale 0 &&
	failed f2 "ref_audio \"voice.wav\": no such file in the job folder" null
'

test_expect_success 'an F5 job waits while its reference voice arrives: missing or not yet whole' '
	sha=$(sha256sum full.wav | cut -d" " -f1) &&
	job f3 "{\"ref_audio\": \"voice.wav\", \"ref_audio_sha256\": \"$sha\", \"ref_text\": \"t\", \"steps\": [{\"id\": \"x\", \"narration\": \"Hi.\"}]}" &&
	once && test ! -e jobs/f3/done.marker && test ! -e jobs/f3/error.marker &&
	head -c 100 full.wav >jobs/f3/voice.wav &&
	once && test ! -e jobs/f3/done.marker && test ! -e jobs/f3/error.marker &&
	cp full.wav jobs/f3/voice.wav &&
	once && test -e jobs/f3/done.marker
'

test_expect_success 'a worker for the other engine refuses the job, saying which notebook' '
	job e5 "$REQ" &&
	once --engine f5 && failed e5 "this worker runs f5, the job asks for kokoro: run the other notebook" null &&
	job e6 "{\"ref_audio\": \"v.wav\", \"ref_text\": \"t\", \"steps\": [{\"id\": \"x\", \"narration\": \"Hi.\"}]}" &&
	once --engine kokoro && failed e6 "this worker runs kokoro, the job asks for f5: run the other notebook" null
'

test_expect_success 'a request still arriving (not JSON yet) is left for later' '
	mkdir jobs/late && printf "{\"steps\": [" >jobs/late/request.json &&
	once && test ! -e jobs/late/claim.json && test ! -e jobs/late/error.marker
'

# Checks what Colab needs of a notebook (nbformat 4: cells with their keys,
# code cells with outputs), that the code is Python once the shell lines
# ("!pip") are set aside, and the shape the seed's setup describes.
cat >checknb.py <<'PY'
import ast, json, sys
path, jobs, engine = sys.argv[1:]
nb = json.load(open(path))
assert nb["nbformat"] == 4 and nb["nbformat_minor"] >= 4, "nbformat 4"
assert nb["metadata"]["kernelspec"]["name"] == "python3"
assert nb["metadata"]["colab"]["gpuType"] == "T4" and nb["metadata"]["accelerator"] == "GPU"
ids = set()
for cell in nb["cells"]:
    assert cell["cell_type"] in ("markdown", "code"), cell["cell_type"]
    assert isinstance(cell["source"], list) and isinstance(cell["metadata"], dict)
    assert cell["id"] not in ids
    ids.add(cell["id"])
    if cell["cell_type"] == "code":
        assert cell["outputs"] == [] and cell["execution_count"] is None
        ast.parse("".join(l for l in cell["source"] if not l.lstrip().startswith(("!", "%"))))
code = ["".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code"]
text = "\n".join(code)
assert "pip install" in text, "an install cell"
assert 'drive.mount("/content/drive")' in text, "mounts Drive"
assert '"%s"' % jobs in text, "the seed's jobs folder"
assert "HF_HOME" in text and "models" in text, "model cached on Drive"
assert "import jobworker" in text, "runs the worker module"
assert 'make_engine("%s"' % engine in text and "warm_up()" in text, "warm-up"
assert ".watch()" in code[-1], "the last cell starts the watcher"
PY

test_expect_success 'both notebooks are valid nbformat 4 and run the worker module' '
	python3 checknb.py "$ROOT/colab/tts_worker.ipynb" tts-jobs kokoro &&
	python3 checknb.py "$ROOT/colab/f5_tts_worker.ipynb" f5-tts-jobs f5
'

test_expect_success 'make worker runs it in the foreground, on any path; it needs DRIVE' '
	rm -rf jobs/late && job m1 "$REQ" &&
	ln -s jobs "Bob'"'"'s jobs" &&
	make -C "$ROOT" --no-print-directory worker DRIVE="$TMP/Bob'"'"'s jobs" WORKER_FLAGS=--once 2>log &&
	test -e jobs/m1/done.marker &&
	test_must_fail 2 make -C "$ROOT" --no-print-directory worker COLAB_TTS_DRIVE_PATH= 2>err &&
	test_grep "make worker needs DRIVE=path, the jobs folder to watch" err
'

test_done
