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

test_expect_success 'a damaged claim is taken over once it is stale, not left forever' '
	job d1 "$REQ" && : >jobs/d1/claim.json &&
	once --stale 60 && test ! -e jobs/d1/done.marker &&
	touch -d "2 minutes ago" jobs/d1/claim.json &&
	once --stale 60 && test -e jobs/d1/done.marker
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

test_expect_success 'a step id with a trailing newline is refused, like any other bad id' '
	job n1 "{\"voice\": \"af_heart\", \"steps\": [{\"id\": \"x\\n\", \"narration\": \"Hi.\"}]}" &&
	once &&
	jq -e ".step == 0 and (.error | startswith(\"steps[0].id: \"))" jobs/n1/error.marker &&
	test ! -e jobs/n1/audio
'

# WAVs the worker and the build must judge alike; the worker must never
# throw on one (a short fmt chunk once raised struct.error).
cat >wavs.py <<'PY'
import struct, sys

def riff(*chunks):
    body = b"WAVE" + b"".join(chunks)
    return b"RIFF" + struct.pack("<I", len(body)) + body

def chunk(tag, data, size=None):
    return tag + struct.pack("<I", len(data) if size is None else size) + data + b"\0" * (len(data) & 1)

def fmt(tag=1, channels=1, rate=22050, bits=16, block=None, extra=b""):
    block = channels * (bits // 8) if block is None else block
    return chunk(b"fmt ", struct.pack("<HHIIHH", tag, channels, rate, rate * block, block, bits) + extra)

guid_tail = bytes([0, 0, 0, 0, 0x10, 0, 0x80, 0, 0, 0xaa, 0, 0x38, 0x9b, 0x71])
ext = lambda sub: struct.pack("<HHI", 22, 16, 4) + struct.pack("<H", sub) + guid_tail
pcm = chunk(b"data", b"\1\0" * 100)
cases = {
    "pcm16": riff(fmt(), pcm),
    "pcm8": riff(fmt(bits=8), chunk(b"data", b"\x80" * 51)),
    "list-first": riff(chunk(b"LIST", b"odd"), fmt(), pcm),
    "extensible-pcm": riff(fmt(0xFFFE, extra=ext(1)), pcm),
    "extensible-float": riff(fmt(0xFFFE, bits=32, extra=ext(3)), chunk(b"data", b"\0" * 400)),
    "float": riff(fmt(3, bits=32), chunk(b"data", b"\0" * 400)),
    "bits12": riff(fmt(bits=12, block=2), pcm),
    "block-wrong": riff(fmt(block=4), pcm),
    "no-channels": riff(fmt(channels=0, block=2), pcm),
    "half-frame": riff(fmt(), chunk(b"data", b"\1\2\3")),
    "data-first": riff(pcm, fmt()),
    "no-data": riff(fmt()),
    "fmt-size-8": riff(chunk(b"fmt ", b"\1\0\1\0\x22\x56\0\0"), pcm),
    "fmt-cut-short": riff(chunk(b"fmt ", b"\1\0\1\0\x22\x56", size=16)),
    "data-past-end": riff(fmt(), chunk(b"data", b"\0" * 10, size=1000)),
    "riff-size-wrong": riff(fmt(), pcm)[:-10],
    "not-riff": b"<html>quota exceeded</html>",
    "empty": b"",
}
for name, data in cases.items():
    open("wav/%s.wav" % name, "wb").write(data)
PY

test_expect_success 'the worker accepts exactly the WAVs the build accepts, and never throws' '
	mkdir wav && python3 wavs.py &&
	for f in wav/*.wav; do
		if "$BIN/wavcopy" "$f" copy.wav 2>/dev/null; then echo "$f yes"; else echo "$f no"; fi
	done >c.verdicts &&
	python3 -c "import sys; sys.path.insert(0, \"$ROOT/colab\"); import jobworker
for f in sys.argv[1:]: print(f, \"yes\" if jobworker.wav_info(f) else \"no\")" wav/*.wav >py.verdicts &&
	test_cmp c.verdicts py.verdicts &&
	test "$(grep -c yes c.verdicts)" = 4
'

test_expect_success 'a leftover WAV with a short fmt chunk is made again, not an error' '
	job w1 "{\"voice\": \"af_heart\", \"steps\": [{\"id\": \"a\", \"narration\": \"Again.\"}]}" &&
	mkdir jobs/w1/audio && cp wav/fmt-cut-short.wav jobs/w1/audio/step-a.wav &&
	once && test ! -e jobs/w1/error.marker &&
	"$BIN/wavcopy" jobs/w1/audio/step-a.wav check.wav
'

# A worker inside this very process, as a notebook runs it.
cat >inproc.py <<'PY'
import json, os, sys, time
sys.path.insert(0, os.environ["ROOT"] + "/colab")
import jobworker

class Interrupted(jobworker.EspeakEngine):
    def synthesise(self, text, path, request, job_dir):
        raise KeyboardInterrupt()  # the notebook's stop button

class TakenOver(jobworker.EspeakEngine):
    """Slow enough that another worker took the job meanwhile."""
    def synthesise(self, text, path, request, job_dir):
        super().synthesise(text, path, request, job_dir)
        os.rename(os.path.join(job_dir, "claim.json"), os.path.join(job_dir, ".claim.old"))
        json.dump({"worker": "colab-2", "host": "elsewhere", "pid": 1, "token": "theirs",
                   "claimed_unix": time.time()}, open(os.path.join(job_dir, "claim.json"), "w"))

test = sys.argv[1]
log = []
worker = jobworker.Worker("jobs", jobworker.EspeakEngine(), poll=0.1, log=log.append)
if test == "interrupt":
    worker.engine = Interrupted()
    try:
        worker.watch(once=True)
        sys.exit("the interrupt did not reach the caller")
    except KeyboardInterrupt:
        pass
    assert not os.path.exists("jobs/i1/claim.json"), "the claim was not given back"
    # A claim this process left without giving it back (an earlier run of
    # the cell, killed before it could): the next run takes it over.
    json.dump({"worker": worker.name, "host": worker.host, "pid": os.getpid(),
               "token": "an-earlier-run", "claimed_unix": time.time()},
              open("jobs/i1/claim.json", "w"))
    worker.engine = jobworker.EspeakEngine()
    worker.watch(once=True)
    assert os.path.exists("jobs/i1/done.marker"), log
elif test == "takeover":
    worker.engine = TakenOver()
    worker.watch(once=True)
    assert any("no longer this worker" in m for m in log), log
print("\n".join(log))
PY

test_expect_success 'stopped in a notebook: the claim is given back, the next run does the job' '
	job i1 "$REQ" &&
	ROOT=$ROOT python3 inproc.py interrupt &&
	jq -e ".files | length == 2" jobs/i1/done.marker
'

test_expect_success 'a worker stopped with kill gives its claim back' '
	job i2 "$REQ"
	python3 "$WORKER" --jobs jobs --pace 30 2>w.log &
	worker=$!
	echo $worker >>pids &&
	for i in $(seq 600); do test -e jobs/i2/audio/step-intro.wav && break; sleep 0.1; done &&
	test -e jobs/i2/claim.json && kill $worker &&
	while kill -0 $worker 2>/dev/null; do sleep 0.1; done &&
	test ! -e jobs/i2/claim.json && test ! -e jobs/i2/done.marker &&
	test_grep "job i2: stopped, claim given back" w.log
'

test_expect_success 'taken over while speaking a step: the old worker renames nothing, writes no marker' '
	job t1 "$REQ" &&
	ROOT=$ROOT python3 inproc.py takeover &&
	test ! -e jobs/t1/audio/step-intro.wav && test ! -e jobs/t1/done.marker &&
	test ! -e jobs/t1/error.marker && ! ls -A jobs/t1/audio | grep tmp &&
	jq -e ".token == \"theirs\"" jobs/t1/claim.json
'

test_expect_success 'taken over between steps: the old worker stops at its next heartbeat' '
	job t2 "$REQ"
	python3 "$WORKER" --jobs jobs --pace 60 --heartbeat 0.2 2>w.log &
	worker=$!
	echo $worker >>pids &&
	for i in $(seq 600); do test -e jobs/t2/audio/step-intro.wav && break; sleep 0.1; done &&
	mv jobs/t2/claim.json jobs/t2/.claim.old &&
	echo "{\"worker\": \"colab-2\", \"host\": \"elsewhere\", \"pid\": 1, \"token\": \"theirs\", \"claimed_unix\": $(date +%s)}" >jobs/t2/claim.json &&
	for i in $(seq 500); do grep -q "job t2: no longer this worker" w.log && break; sleep 0.1; done &&
	test_grep "job t2: no longer this worker" w.log &&
	test ! -e jobs/t2/audio/step-s.2.wav && test ! -e jobs/t2/done.marker &&
	jq -e ".worker != \"colab-2\"" jobs/t2/progress.json >/dev/null &&
	cp jobs/t2/progress.json p.before && sleep 0.5 && cmp p.before jobs/t2/progress.json &&
	kill $worker
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
