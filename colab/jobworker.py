#!/usr/bin/env python3
"""jobworker - the worker side of the colab and colab-f5 narration backends.

usage: jobworker.py --jobs DIR [--engine kokoro|f5|espeak] [--once] [--poll S]
                    [--stale S] [--heartbeat S] [--pace S] [--voice-refs DIR]

Watches a jobs folder (on Colab: the Drive folder the build writes to) for
job folders holding a request.json, claims one (claim.json, created
exclusively, so a second worker leaves it alone), speaks each step into
audio/step-<id>.wav, then writes done.marker with a manifest of the files;
on failure error.marker with the message and the failing step. A WAV that
is already complete is not made again, so a worker restarted on a job it was
killed in resumes where it stopped. WAVs and markers are written to a
temporary name and renamed. progress.json says how far it got and carries a
heartbeat; a claim whose worker stopped beating (or, on the same machine,
whose process is gone) is taken over. Each watch run claims with a token of
its own: a worker stopped (Ctrl-C, the notebook's stop button) gives its
claim back, a new run in the same process takes over a claim an earlier run
left, and a worker whose claim was taken over, or whose job the build
abandoned, stops before it writes anything more into the job.

Engines: kokoro and f5 need their Python packages and a GPU (the notebooks
install them); espeak needs only the espeak-ng program and runs anywhere,
for tests and machines without a GPU. The protocol part uses the standard
library only.
"""

import argparse
import datetime
import hashlib
import json
import os
import re
import signal
import socket
import struct
import subprocess
import sys
import threading
import time
import uuid

# Matched whole (fullmatch): "$" alone would let a trailing newline through.
STEP_ID = re.compile(r"[A-Za-z0-9_][A-Za-z0-9._-]{0,63}")
# The PCM subtype GUID of WAVE_FORMAT_EXTENSIBLE, after its first two bytes.
PCM_GUID_TAIL = bytes([0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00,
                       0x00, 0xaa, 0x00, 0x38, 0x9b, 0x71])
KOKORO_LANGUAGES = {"a": "en-us", "b": "en-gb", "e": "es", "f": "fr-fr", "h": "hi",
                    "i": "it", "j": "ja", "p": "pt-br", "z": "cmn"}


class JobError(Exception):
    """A job that cannot be done: reported in error.marker."""

    def __init__(self, message, step=None):
        super().__init__(message)
        self.step = step


class LostClaim(Exception):
    """Another worker took the job over, or the build abandoned it: this
    worker must write nothing more into it."""


def timestamp():
    return datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def write_atomic(path, data):
    """Write data to a temporary name beside path, then rename: a reader on
    the other side of Drive sees the old file or the new one, never half."""
    folder, name = os.path.split(path)
    tmp = os.path.join(folder, ".%s.tmp.%d" % (name, os.getpid()))
    with open(tmp, "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


def write_json(path, value):
    write_atomic(path, (json.dumps(value, indent=2) + "\n").encode())


def read_json(path):
    with open(path, "rb") as f:
        return json.loads(f.read().decode())


def wav_info(path):
    """(duration, sample_rate) of a complete integer-PCM WAV, else None: a
    file cut short (a worker killed while writing it, a copy still arriving)
    is not complete. Accepts exactly what the build's check (tools/lib/wav.c)
    accepts, so a WAV this worker lists in done.marker is never refused."""
    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError:
        return None
    if len(data) < 12 or data[:4] != b"RIFF" or data[8:12] != b"WAVE":
        return None
    if struct.unpack_from("<I", data, 4)[0] + 8 != len(data):
        return None
    pos, fmt = 12, None
    while pos + 8 <= len(data):
        chunk, size = data[pos:pos + 4], struct.unpack_from("<I", data, pos + 4)[0]
        body = data[pos + 8:pos + 8 + size]
        if pos + 8 + size > len(data):
            return None
        if chunk == b"fmt ":
            if size < 16:
                return None
            tag, channels, rate, _, block, bits = struct.unpack_from("<HHIIHH", body)
            if (tag == 0xFFFE and size >= 40 and body[26:40] == PCM_GUID_TAIL
                    and struct.unpack_from("<H", body, 24)[0] == 1):
                tag = 1
            if tag != 1 or not channels or not rate or bits not in (8, 16, 24, 32):
                return None
            if block != channels * (bits // 8):
                return None
            fmt = (rate, block)
        elif chunk == b"data":
            if fmt is None or size % fmt[1]:
                return None
            return (size // fmt[1]) / fmt[0], fmt[0]
        pos += 8 + size + (size & 1)
    return None


def write_wav16(path, samples, rate):
    """Float samples in [-1, 1] (a numpy array) as a 16-bit mono WAV."""
    import numpy as np
    pcm = (np.clip(np.asarray(samples, dtype=np.float32), -1.0, 1.0) * 32767).astype("<i2")
    data = pcm.tobytes()
    header = b"RIFF" + struct.pack("<I", 36 + len(data)) + b"WAVEfmt " + struct.pack(
        "<IHHIIHH", 16, 1, 1, rate, rate * 2, 2, 16) + b"data" + struct.pack("<I", len(data))
    with open(path, "wb") as f:
        f.write(header + data)


class EspeakEngine:
    """espeak-ng through its command line: no GPU, no Python packages."""
    name = "espeak"

    def accepts(self, request):
        return True

    def warm_up(self):
        subprocess.run(["espeak-ng", "--version"], check=True, capture_output=True)

    def voice(self, request):
        kokoro = re.match(r"^([a-z])([fm])_", str(request.get("voice", "")))
        if kokoro and kokoro.group(1) in KOKORO_LANGUAGES:
            return KOKORO_LANGUAGES[kokoro.group(1)] + ("+f3" if kokoro.group(2) == "f" else "+m3")
        return request.get("voice") or request.get("language") or "en-us"

    def synthesise(self, text, path, request, job_dir):
        words_per_minute = str(max(80, min(450, round(175 * float(request.get("speed", 1.0))))))
        # The text goes in on stdin: never an argument espeak-ng could read as an option.
        run = subprocess.run(["espeak-ng", "-v", self.voice(request), "-s", words_per_minute,
                              "-w", path, "--stdin"], input=text.encode(),
                             capture_output=True)
        if run.returncode != 0:
            raise RuntimeError("espeak-ng: " + (run.stderr.decode(errors="replace").strip()
                                                or "exit %d" % run.returncode))


class KokoroEngine:
    """Kokoro-82M (pip install kokoro): the seed's colab backend."""
    name = "kokoro"
    rate = 24000

    def __init__(self):
        self.pipelines = {}

    def accepts(self, request):
        return "ref_audio" not in request

    def pipeline(self, voice):
        from kokoro import KPipeline
        code = voice[:1] if voice[:1] in KOKORO_LANGUAGES else "a"
        if code not in self.pipelines:
            self.pipelines[code] = KPipeline(lang_code=code)
        return self.pipelines[code]

    def warm_up(self):
        self.synthesise_samples("Warming up.", "af_heart", 1.0)

    def synthesise_samples(self, text, voice, speed):
        import numpy as np
        chunks = []
        for _, _, audio in self.pipeline(voice)(text, voice=voice, speed=speed):
            chunks.append(audio.numpy() if hasattr(audio, "numpy") else np.asarray(audio))
        if not chunks:
            raise RuntimeError("kokoro produced no audio")
        return np.concatenate(chunks)

    def synthesise(self, text, path, request, job_dir):
        voice = request.get("voice") or "af_heart"
        samples = self.synthesise_samples(text, voice, float(request.get("speed", 1.0)))
        write_wav16(path, samples, self.rate)


class F5Engine:
    """F5-TTS (pip install f5-tts): clones the voice of the job's reference audio."""
    name = "f5"

    def __init__(self, voice_refs=None):
        self.model = None
        self.voice_refs = voice_refs

    def accepts(self, request):
        return "ref_audio" in request

    def load(self):
        if self.model is None:
            from f5_tts.api import F5TTS
            self.model = F5TTS()
        return self.model

    def warm_up(self):
        self.load()

    def synthesise(self, text, path, request, job_dir):
        ref = reference_audio(request, job_dir, self.voice_refs)
        seed = request.get("seed")
        samples, rate, _ = self.load().infer(
            ref_file=ref, ref_text=request.get("ref_text", ""), gen_text=text,
            nfe_step=int(request.get("nfe_step", 32)), speed=float(request.get("speed", 1.0)),
            seed=None if seed is None else int(seed))
        write_wav16(path, samples, rate)


def reference_audio(request, job_dir, voice_refs=None):
    """The reference voice's path: inside the job folder, or a plain name
    in the voice-refs folder. A name leaving the job folder is refused."""
    ref = request.get("ref_audio")
    if not isinstance(ref, str) or not ref:
        raise JobError("ref_audio: missing: F5-TTS needs the reference voice")
    root = os.path.realpath(job_dir)
    path = os.path.realpath(os.path.join(root, ref))
    if os.path.isabs(ref) or os.path.commonpath([root, path]) != root:
        raise JobError('ref_audio "%s" leaves the job folder: name a file inside it' % ref)
    if os.path.isfile(path):
        return path
    if voice_refs and "/" not in ref and os.path.isfile(os.path.join(voice_refs, ref)):
        return os.path.join(voice_refs, ref)
    raise JobError('ref_audio "%s": no such file in the job folder' % ref)


def reference_arriving(request, job_dir, voice_refs=None):
    """Whether the reference voice a request names is still on its way:
    Drive may deliver the small request.json before the large reference,
    or the reference half-synced. Its sha256, when the request gives one,
    tells a whole file from a partial or stale one."""
    if not isinstance(request, dict) or "ref_audio" not in request:
        return False
    try:
        path = reference_audio(request, job_dir, voice_refs)
    except JobError as e:
        return "no such file" in str(e)
    want = request.get("ref_audio_sha256")
    if not isinstance(want, str):
        return False
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest() != want


def make_engine(name, voice_refs=None):
    if name == "espeak":
        return EspeakEngine()
    if name == "kokoro":
        return KokoroEngine()
    if name == "f5":
        return F5Engine(voice_refs)
    raise ValueError("unknown engine %r: use kokoro, f5 or espeak" % name)


def check_request(request, job_dir, engine, voice_refs=None):
    """The request's steps, checked; JobError names the first problem."""
    if not isinstance(request, dict) or not isinstance(request.get("steps"), list):
        raise JobError("request.json: steps: missing or not a list")
    if not engine.accepts(request):
        wanted = "f5" if "ref_audio" in request else "kokoro"
        raise JobError("this worker runs %s, the job asks for %s: run the other notebook"
                       % (engine.name, wanted))
    steps, seen = [], set()
    for i, step in enumerate(request["steps"]):
        step_id = step.get("id") if isinstance(step, dict) else None
        if not isinstance(step_id, str) or not STEP_ID.fullmatch(step_id):
            raise JobError("steps[%d].id: %r is not a step id ([A-Za-z0-9._-], no leading "
                           "'.' or '-')" % (i, step_id), step=i)
        if step_id in seen:
            raise JobError("steps[%d].id: %s appears twice" % (i, step_id), step=step_id)
        seen.add(step_id)
        text = step.get("narration")
        if not isinstance(text, str) or not text.strip():
            raise JobError("steps[%d].narration: missing or blank" % i, step=step_id)
        steps.append((step_id, text))
    if "ref_audio" in request:
        reference_audio(request, job_dir, voice_refs)
    return steps


class Worker:
    def __init__(self, jobs, engine, poll=2.0, stale=120.0, heartbeat=5.0, pace=0.0,
                 voice_refs=None, log=print):
        self.jobs = jobs
        self.engine = engine
        self.poll = poll
        self.stale = stale
        self.heartbeat = heartbeat
        self.pace = pace
        self.voice_refs = voice_refs
        self.log = log
        self.host = socket.gethostname()
        self.name = "%s:%d" % (self.host, os.getpid())
        self.token = uuid.uuid4().hex

    # --- claiming -----------------------------------------------------
    def claim_is_stale(self, job_dir):
        path = os.path.join(job_dir, "claim.json")
        try:
            claim = read_json(path)
        except FileNotFoundError:
            return False  # given back meanwhile: the next look claims it
        except (OSError, ValueError):
            claim = None
        if not isinstance(claim, dict):
            # Still being written, or damaged (a sync cut short): stale
            # once it has stayed so for as long as a heartbeat may lapse.
            try:
                return time.time() - os.path.getmtime(path) > self.stale
            except OSError:
                return False
        if claim.get("host") == self.host and claim.get("pid") == os.getpid():
            # This process, asking for the job, is not at it: the claim is
            # left by an earlier run (a notebook cell stopped and run again)
            # or by this run after it lost sight of it. One watch loop per
            # process.
            return True
        beat = claim.get("claimed_unix", 0)
        try:
            progress = read_json(os.path.join(job_dir, "progress.json"))
            if progress.get("worker") == claim.get("worker"):
                beat = max(beat, progress.get("heartbeat_unix", 0))
        except (OSError, ValueError, AttributeError):
            pass
        return time.time() - beat > self.stale

    def claim(self, job_dir):
        path = os.path.join(job_dir, "claim.json")
        info = {"worker": self.name, "host": self.host, "pid": os.getpid(), "token": self.token,
                "engine": self.engine.name, "claimed": timestamp(), "claimed_unix": time.time()}
        for attempt in range(2):
            try:
                fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
            except FileExistsError:
                if attempt or not self.claim_is_stale(job_dir):
                    return False
                # Move the dead worker's claim aside; of two workers taking
                # over at once, only one rename finds it (and should the
                # other move the winner's fresh claim, the winner's next
                # ownership check stops it: see owns).
                try:
                    os.rename(path, os.path.join(job_dir, ".claim.stale.%d.%d"
                                                 % (os.getpid(), time.time_ns())))
                except FileNotFoundError:
                    return False
                continue
            with os.fdopen(fd, "w") as f:
                json.dump(info, f)
            return True
        return False

    def owns(self, job_dir):
        """Whether the job is still this run's: its claim carries our token
        and the build has not abandoned it (error.marker). Checked before
        every write into the job, so a worker that was taken over while it
        was slow (a stalled Colab session) cannot mix its files with its
        successor's. A claim that cannot be read for a moment (a successor
        writing it, Drive syncing it) is read again before giving up."""
        for attempt in range(5):
            try:
                claim = read_json(os.path.join(job_dir, "claim.json"))
                break
            except FileNotFoundError:
                return False
            except (OSError, ValueError):
                time.sleep(0.2)
        else:
            return False
        return (isinstance(claim, dict) and claim.get("token") == self.token
                and not os.path.exists(os.path.join(job_dir, "error.marker")))

    def fence(self, job_dir):
        if not self.owns(job_dir):
            raise LostClaim()

    def release(self, job_dir):
        """Give the claim back, if it is still ours, so the next run (or
        another worker) takes the job at once."""
        if self.owns(job_dir):
            try:
                os.unlink(os.path.join(job_dir, "claim.json"))
            except FileNotFoundError:
                pass

    # --- one job ------------------------------------------------------
    def pending_jobs(self):
        try:
            names = sorted(os.listdir(self.jobs))
        except FileNotFoundError:
            return []
        for name in names:
            job_dir = os.path.join(self.jobs, name)
            if name.startswith(".") or not os.path.isfile(os.path.join(job_dir, "request.json")):
                continue
            if any(os.path.exists(os.path.join(job_dir, m)) for m in ("done.marker", "error.marker")):
                continue
            yield job_dir

    def write_progress(self, job_dir, state):
        state = dict(state, worker=self.name, heartbeat=timestamp(), heartbeat_unix=time.time())
        write_json(os.path.join(job_dir, "progress.json"), state)

    def run_job(self, job_dir):
        try:
            request = read_json(os.path.join(job_dir, "request.json"))
        except (OSError, ValueError):
            return False  # still arriving over Drive: look again later
        waited = time.time() - os.path.getmtime(os.path.join(job_dir, "request.json"))
        if (self.engine.accepts(request) and waited < self.stale
                and reference_arriving(request, job_dir, self.voice_refs)):
            return False  # the reference voice too; past the grace, the job fails naming it
        if not self.claim(job_dir):
            return False
        self.log("job %s: claimed" % os.path.basename(job_dir))
        state = {"status": "working", "done": 0, "total": 0, "current": None,
                 "synthesis_seconds": 0.0}
        lock = threading.Lock()
        stop = threading.Event()
        lost = threading.Event()

        def beat():
            while not stop.wait(self.heartbeat):
                with lock:
                    if not self.owns(job_dir):
                        lost.set()
                        return
                    self.write_progress(job_dir, state)

        def progress():
            with lock:
                self.fence(job_dir)
                self.write_progress(job_dir, state)

        beater = threading.Thread(target=beat, daemon=True)
        beater.start()
        step_id = None
        tmp = None
        try:
            steps = check_request(request, job_dir, self.engine, self.voice_refs)
            audio = os.path.join(job_dir, "audio")
            os.makedirs(audio, exist_ok=True)
            state["total"] = len(steps)
            state["done"] = sum(1 for s, _ in steps
                                if wav_info(os.path.join(audio, "step-%s.wav" % s)))
            progress()
            resumed = state["done"]
            for step_id, text in steps:
                final = os.path.join(audio, "step-%s.wav" % step_id)
                if wav_info(final):
                    continue  # made before this worker was restarted
                state["current"] = step_id
                progress()
                tmp = os.path.join(audio, ".step-%s.wav.tmp.%d" % (step_id, os.getpid()))
                started = time.monotonic()
                self.engine.synthesise(text, tmp, request, job_dir)
                spent = time.monotonic() - started
                if not wav_info(tmp):
                    raise RuntimeError("the engine wrote no complete WAV")
                self.fence(job_dir)
                os.replace(tmp, final)
                tmp = None
                state["done"] += 1
                state["synthesis_seconds"] += spent
                progress()
                if self.pace and lost.wait(self.pace):
                    raise LostClaim()
            step_id = None
            files = []
            for s, _ in steps:
                path = os.path.join(audio, "step-%s.wav" % s)
                with open(path, "rb") as f:
                    data = f.read()
                duration, rate = wav_info(path)
                files.append({"name": "audio/step-%s.wav" % s, "bytes": len(data),
                              "sha256": hashlib.sha256(data).hexdigest(),
                              "duration": round(duration, 6), "sample_rate": rate})
            state.update(status="completed", current=None)
            progress()
            with lock:
                self.fence(job_dir)
                write_json(os.path.join(job_dir, "done.marker"), {
                    "status": "completed",
                    "total_duration": round(sum(f["duration"] for f in files), 3),
                    "steps_generated": len(files) - resumed,
                    "timestamp": timestamp(),
                    "engine": self.engine.name,
                    "worker": self.name,
                    "synthesis_seconds": round(state["synthesis_seconds"], 3),
                    "files": files,
                })
            self.log("job %s: done, %d steps" % (os.path.basename(job_dir), len(files)))
        except LostClaim:
            self.log("job %s: no longer this worker's (taken over, or abandoned by the build): "
                     "left alone" % os.path.basename(job_dir))
        except Exception as e:  # every failure is the build's to hear about
            step = e.step if isinstance(e, JobError) else step_id
            with lock:
                if self.owns(job_dir):
                    state.update(status="error", current=step)
                    self.write_progress(job_dir, state)
                    write_json(os.path.join(job_dir, "error.marker"), {
                        "status": "error", "error": str(e), "step": step,
                        "timestamp": timestamp()})
            self.log("job %s: error: %s" % (os.path.basename(job_dir), e))
        except BaseException:
            # Stopped (KeyboardInterrupt, SystemExit): give the job back so
            # the next run, or another worker, takes it without waiting.
            stop.set()
            beater.join()
            self.release(job_dir)
            self.log("job %s: stopped, claim given back" % os.path.basename(job_dir))
            raise
        finally:
            stop.set()
            beater.join()
            if tmp:
                try:
                    os.unlink(tmp)
                except FileNotFoundError:
                    pass
        return True

    def watch(self, once=False):
        """Take jobs as they come; with once, stop when none is left. Each
        run claims with a token of its own, so a run started again in the
        same process takes over what an earlier one left."""
        self.token = uuid.uuid4().hex
        self.log("watching %s with engine %s" % (self.jobs, self.engine.name))
        while True:
            took = False
            for job_dir in self.pending_jobs():
                took = self.run_job(job_dir) or took
            if once and not took:
                return
            if not took:
                time.sleep(self.poll)


def main(argv=None):
    parser = argparse.ArgumentParser(description="Speak the narration jobs in a jobs folder.")
    parser.add_argument("--jobs", required=True, help="the jobs folder to watch")
    parser.add_argument("--engine", default="espeak", choices=["kokoro", "f5", "espeak"])
    parser.add_argument("--once", action="store_true", help="stop when no job is left")
    parser.add_argument("--poll", type=float, default=2.0, help="seconds between looks")
    parser.add_argument("--stale", type=float, default=120.0,
                        help="seconds without a heartbeat before another worker's claim is taken "
                             "over, and that a job waits for its reference voice to arrive")
    parser.add_argument("--heartbeat", type=float, default=5.0, help="seconds between heartbeats")
    parser.add_argument("--pace", type=float, default=0.0,
                        help="pause after each step (to watch progress)")
    parser.add_argument("--voice-refs", help="folder of reference voices named by ref_audio")
    args = parser.parse_args(argv)
    if not os.path.isdir(args.jobs):
        parser.error("%s: no such folder: mount Drive first (or make it)" % args.jobs)
    engine = make_engine(args.engine, args.voice_refs)
    worker = Worker(args.jobs, engine, poll=args.poll, stale=args.stale,
                    heartbeat=args.heartbeat, pace=args.pace, voice_refs=args.voice_refs,
                    log=lambda m: print("jobworker: " + m, file=sys.stderr, flush=True))
    # Stopped by kill (or make worker's terminal closing): the same as
    # Ctrl-C, so the claim of the job in hand is given back.
    signal.signal(signal.SIGTERM, stopped)
    try:
        worker.watch(once=args.once)
    except KeyboardInterrupt:
        return 130
    return 0


def stopped(signum, frame):
    raise KeyboardInterrupt()


if __name__ == "__main__":
    sys.exit(main())
