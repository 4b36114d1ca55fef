#!/bin/bash
# The sending half of the Colab backends: spec2req -r writes the request for
# the steps whose audio is missing (seed fields, F5 settings and reference
# voice), jobsend puts it in the jobs folder, or re-attaches to it.
. "$(dirname "$0")/test-lib.sh"

cat >spec.json <<'JSON'
{
  "settings": {"voice": "bf_emma", "speech_speed": 1.25, "language": "en-gb"},
  "steps": [
    {"id": "a", "url": "a.html", "narration": "First page."},
    {"id": "b", "url": "a.html", "narration": "Second $(page) `x`."},
    {"id": "c", "url": "a.html", "narration": "Third page."}
  ]
}
JSON

# request BACKEND: split spec.json and write the request into out/colab
request() {
	"$BIN/spec2req" -b "$1" -o out -r out/colab -c cache spec.json
}

test_expect_success 'kokoro: exactly the seed fields, plus our engine, for every step' '
	request colab 2>err && test ! -s err &&
	jq -S . out/colab/job/request.json >got &&
	cat >expect <<-\EOF &&
	{
	  "engine": "kokoro",
	  "language": "en-gb",
	  "speed": 1.25,
	  "steps": [
	    {
	      "id": "a",
	      "narration": "First page."
	    },
	    {
	      "id": "b",
	      "narration": "Second $(page) `x`."
	    },
	    {
	      "id": "c",
	      "narration": "Third page."
	    }
	  ],
	  "voice": "bf_emma"
	}
	EOF
	test_cmp expect got &&
	ls out/colab/job >files && echo request.json >expect && test_cmp expect files &&
	cut -d" " -f1 out/colab/misses | tr "\n" " " >ids && echo "a b c " | tr -d "\n" >expect &&
	test_cmp expect ids && test ! -s out/colab/hits
'

test_expect_success 'a step whose WAV is newer than its fragment does not travel' '
	mkdir -p out/wav && ffmpeg -v error -f lavfi -i sine=r=24000 -t 0.5 out/wav/a.wav &&
	request colab &&
	jq -r "[.steps[].id] | join(\" \")" out/colab/job/request.json >ids &&
	echo "b c" >expect && test_cmp expect ids
'

test_expect_success 'a step in the cache is a hit, not a job; none left: no job at all' '
	key_b=$(grep "^b " out/colab/misses | cut -d" " -f2) &&
	key_c=$(grep "^c " out/colab/misses | cut -d" " -f2) &&
	mkdir -p cache && cp out/wav/a.wav cache/$key_b.wav &&
	request colab &&
	echo "b $key_b" >expect && test_cmp expect out/colab/hits &&
	echo "c $key_c" >expect && test_cmp expect out/colab/misses &&
	cp out/wav/a.wav cache/$key_c.wav &&
	request colab &&
	test ! -s out/colab/misses && test ! -e out/colab/job
'

test_expect_success 'a damaged cache entry is a miss' '
	key_c=$(cut -d" " -f2 out/colab/hits | tail -n 1) &&
	echo "not a wav" >cache/$key_c.wav &&
	request colab && test_grep "^c $key_c$" out/colab/misses
'

test_expect_success 'the key depends on the engine: colab and local never share audio' '
	rm -rf out cache && request colab && cp out/colab/misses kokoro.keys &&
	sed -i "s/bf_emma/bf_alice/" spec.json && request colab &&
	! cmp kokoro.keys out/colab/misses &&
	sed -i "s/bf_alice/bf_emma/" spec.json && request colab &&
	test_cmp kokoro.keys out/colab/misses
'

# F5: a 7 s reference voice spoken by espeak-ng
test_expect_success 'set up an F5 spec and its reference voice' '
	mkdir voices &&
	espeak-ng -w "voices/my voice.wav" "The morning light filtered through the curtains, casting warm golden patterns across the wooden floor. Outside, a gentle rain." &&
	jq ".settings += {f5_ref_audio: \"voices/my voice.wav\", f5_ref_text: \"The morning light.\", f5_seed: 42}" \
		spec.json >f5.json && mv f5.json spec.json
'

test_expect_success 'f5: the seed fields, the voice copied in under a plain name' '
	rm -rf out cache &&
	request colab-f5 2>err && cat err &&
	jq -S "del(.steps)" out/colab/job/request.json >got &&
	jq -n --arg sha "$(sha256sum "voices/my voice.wav" | cut -d" " -f1)" "{
		engine: \"f5-tts\", nfe_step: 32, ref_audio: \"my_voice.wav\",
		ref_audio_sha256: \$sha, ref_text: \"The morning light.\", seed: 42, speed: 1.25}" >expect &&
	test_cmp expect got &&
	cmp "voices/my voice.wav" out/colab/job/my_voice.wav &&
	jq -e ".steps | length == 3" out/colab/job/request.json
'

test_expect_success 'f5: no f5_seed is a null seed; f5_nfe_step is passed on' '
	jq ".settings |= (del(.f5_seed) | .f5_nfe_step = 64)" spec.json >s2.json &&
	"$BIN/spec2req" -b colab-f5 -o out2 -r out2/colab -c cache s2.json &&
	jq -e ".seed == null and .nfe_step == 64" out2/colab/job/request.json
'

test_expect_success 'f5: the reference voice is part of the key' '
	cp out/colab/misses before &&
	jq ".settings.f5_ref_text = \"Other words.\"" spec.json >s3.json &&
	"$BIN/spec2req" -b colab-f5 -o out3 -r out3/colab -c cache s3.json &&
	! cmp before out3/colab/misses &&
	cp "voices/my voice.wav" voices/copy.wav && printf x >>voices/copy.wav &&
	jq ".settings.f5_ref_audio = \"voices/copy.wav\"" spec.json >s4.json &&
	"$BIN/spec2req" -b colab-f5 -o out4 -r out4/colab -c cache s4.json &&
	! cmp before out4/colab/misses
'

test_expect_success 'f5: a reference voice outside 6-12 s is a warning, once per build (not again with -r)' '
	espeak-ng -w voices/short.wav "Too short." &&
	jq ".settings.f5_ref_audio = \"voices/short.wav\"" spec.json >s5.json &&
	"$BIN/spec2req" -b colab-f5 -o out5 s5.json 2>err &&
	test_grep "^spec2req: s5.json: settings.f5_ref_audio: .*/voices/short.wav is [0-9.]* s long: F5-TTS clones best from 6-12 s of clear speech$" err &&
	test -s out5/step/a/tts.json &&
	"$BIN/spec2req" -b colab-f5 -o out5 -r out5/colab -c cache s5.json 2>err &&
	test ! -s err
'

test_expect_success 'f5: the fragment carries the F5 settings' '
	jq -e ".ref_text == \"The morning light.\" and .seed == 42 and .nfe_step == 32 and
		(.ref_audio | endswith(\"/voices/my voice.wav\")) and (.ref_audio_sha256 | length == 64)" \
		out/step/a/tts.json
'

# f5_refused MESSAGE JQ-EDIT: spec2req -b colab-f5 refuses the edited spec, exit 2
f5_refused() {
	jq "$2" spec.json >bad.json &&
	test_must_fail 2 "$BIN/spec2req" -b colab-f5 -o outbad bad.json 2>err &&
	echo "spec2req: bad.json: $1" >expect &&
	test_cmp expect err && test ! -e outbad
}

test_expect_success 'f5: missing settings and unusable voices are refused, exit 2, nothing written' '
	f5_refused "settings.f5_ref_audio: required for BACKEND=colab-f5: the voice to clone, a 6-12 s WAV, MP3, FLAC or OGG file" \
		"del(.settings.f5_ref_audio)" &&
	f5_refused "settings.f5_ref_text: required for BACKEND=colab-f5: the exact words spoken in f5_ref_audio" \
		"del(.settings.f5_ref_text)" &&
	f5_refused "settings.f5_ref_audio: \"voices/voice.txt\" is not a WAV, MP3, FLAC or OGG file (by its name)" \
		".settings.f5_ref_audio = \"voices/voice.txt\"" &&
	f5_refused "settings.f5_ref_audio: $TMP/voices/none.wav: No such file or directory" \
		".settings.f5_ref_audio = \"voices/none.wav\"" &&
	echo "<html>" >voices/fake.ogg &&
	f5_refused "settings.f5_ref_audio: $TMP/voices/fake.ogg: not audio ffprobe can read" \
		".settings.f5_ref_audio = \"voices/fake.ogg\"" &&
	f5_refused "settings.f5_nfe_step: 200 is out of range: use a value from 1 to 128" \
		".settings.f5_nfe_step = 200"
'

test_expect_success 'f5: a compressed voice with ffprobe not installed is exit 4, with the fix' '
	echo "<html>" >voices/fake.ogg &&
	jq ".settings.f5_ref_audio = \"voices/fake.ogg\"" spec.json >noprobe.json &&
	PATH=$TMP/nowhere test_must_fail 4 "$BIN/spec2req" -b colab-f5 -o outnp noprobe.json 2>err &&
	echo "spec2req: ffprobe: not installed: run '"'"'make deps'"'"'" >expect &&
	test_cmp expect err && test ! -e outnp
'

test_expect_success 'f5: "~/" is the home folder; other backends ignore the F5 settings' '
	mkdir -p home/refs && cp "voices/my voice.wav" home/refs/v.flac.wav &&
	jq ".settings.f5_ref_audio = \"~/refs/v.flac.wav\"" spec.json >s6.json &&
	HOME=$TMP/home "$BIN/spec2req" -b colab-f5 -o out6 s6.json &&
	jq -e ".ref_audio == \"$TMP/home/refs/v.flac.wav\"" out6/step/a/tts.json &&
	jq "del(.settings.f5_ref_text)" spec.json >s7.json &&
	"$BIN/spec2req" -b colab -o out7 s7.json && ! jq -e ".ref_text" out7/step/a/tts.json
'

test_expect_success '-r without -o, -c or a Colab backend is a usage error, exit 2' '
	test_must_fail 2 "$BIN/spec2req" -b local -o o -r r -c c spec.json 2>err &&
	echo "spec2req: -r needs -o, -c and a Colab backend (-b colab or -b colab-f5)" >expect &&
	test_cmp expect err &&
	test_must_fail 2 "$BIN/spec2req" -b colab -r r spec.json 2>err && test_cmp expect err &&
	test ! -e o && test ! -e r
'

# jobsend
test_expect_success 'jobsend: a new job folder; the voice and request.json copied' '
	mkdir jobs &&
	"$BIN/jobsend" -b colab-f5 -d jobs out/colab/job >where &&
	job=$(cat where) && test -d "$job" &&
	case "$job" in jobs/2[0-9]*-[0-9]*-[0-9]*-[0-9a-f]*) ;; *) false ;; esac &&
	cmp out/colab/job/request.json "$job/request.json" &&
	cmp out/colab/job/my_voice.wav "$job/my_voice.wav" &&
	! ls -A "$job" | grep tmp
'

test_expect_success 'jobsend: every send is a new job, ids unique' '
	for i in 1 2 3 4 5; do "$BIN/jobsend" -d jobs out/colab/job || exit 1; done >where &&
	test "$(sort -u where | wc -l)" = 5 && test "$(ls jobs | wc -l)" = 6
'

test_expect_success 'jobsend -p: the same request again re-attaches to the pending job' '
	rm -rf jobs && mkdir jobs &&
	"$BIN/jobsend" -d jobs -p out/colab-job.json out/colab/job >first 2>err && test ! -s err &&
	jq -e ".job and .jobs == \"jobs\" and (.request_sha256 | length == 64)" out/colab-job.json &&
	"$BIN/jobsend" -d jobs -p out/colab-job.json out/colab/job >second 2>err &&
	test_cmp first second && test "$(ls jobs | wc -l)" = 1 &&
	echo "jobsend: re-attaching to job $(basename "$(cat first)"), sent earlier and not collected yet" >expect &&
	test_cmp expect err
'

test_expect_success 'jobsend -p: another request, a failed or vanished job: a new job' '
	jq ".steps |= .[:1]" out/colab/job/request.json >r && mkdir other && mv r other/request.json &&
	"$BIN/jobsend" -d jobs -p out/colab-job.json other >third && ! cmp first third &&
	"$BIN/jobsend" -d jobs -p out/colab-job.json out/colab/job >fourth && ! cmp first fourth &&
	echo "{\"status\": \"error\", \"error\": \"x\"}" >"$(cat fourth)/error.marker" &&
	"$BIN/jobsend" -d jobs -p out/colab-job.json out/colab/job >fifth && ! cmp fourth fifth &&
	rm -r "$(cat fifth)" &&
	"$BIN/jobsend" -d jobs -p out/colab-job.json out/colab/job >sixth && ! cmp fifth sixth &&
	test "$(ls jobs | wc -l)" = 4
'

test_expect_success 'jobsend: the jobs folder from the environment, then the seed defaults' '
	mkdir envjobs &&
	COLAB_TTS_DRIVE_PATH=$TMP/envjobs "$BIN/jobsend" out/colab/job >where &&
	test_grep "^$TMP/envjobs/" where &&
	COLAB_F5_TTS_DRIVE_PATH=$TMP/envjobs "$BIN/jobsend" -b colab-f5 out/colab/job >where &&
	test_grep "^$TMP/envjobs/" where &&
	mkdir -p home/gdrive/autonomous-recording/f5-tts-jobs &&
	HOME=$TMP/home "$BIN/jobsend" -b colab-f5 out/colab/job >where &&
	test_grep "^$TMP/home/gdrive/autonomous-recording/f5-tts-jobs/" where &&
	mkdir -p "home/Library/CloudStorage/GoogleDrive-me@example.com/My Drive/autonomous-recording/tts-jobs" &&
	HOME=$TMP/home "$BIN/jobsend" -b colab out/colab/job >where &&
	test_grep "GoogleDrive-me@example.com/My Drive/autonomous-recording/tts-jobs/" where
'

test_expect_success 'jobsend: no jobs folder: says what it tried and how to mount Drive, exit 4' '
	mkdir empty &&
	HOME=$TMP/empty test_must_fail 4 "$BIN/jobsend" out/colab/job 2>err &&
	test_grep "^jobsend: no jobs folder: DRIVE is not set, nor is \$COLAB_TTS_DRIVE_PATH, and none of $TMP/empty/gdrive/autonomous-recording/tts-jobs, " err &&
	test_grep "rclone mount gdrive: ~/gdrive --vfs-cache-mode writes --dir-cache-time 5s --poll-interval 5s" err &&
	test_grep "DRIVE=path" err && test_grep "REMOTE=gdrive:path" err &&
	test_must_fail 4 "$BIN/jobsend" -d "$TMP/nowhere" out/colab/job 2>err &&
	test_grep "^jobsend: DRIVE=$TMP/nowhere: no such folder: mount Google Drive first" err &&
	test ! -e nowhere
'

test_expect_success 'jobsend: a stage without request.json or a bad remote: exit 2' '
	mkdir nostage &&
	test_must_fail 2 "$BIN/jobsend" -d jobs nostage 2>err &&
	echo "jobsend: nostage/request.json: No such file or directory" >expect && test_cmp expect err &&
	test_must_fail 2 "$BIN/jobsend" -r nocolon out/colab/job 2>err &&
	echo "jobsend: -r nocolon: not an rclone remote: write it as name:path" >expect && test_cmp expect err &&
	test_must_fail 2 "$BIN/jobsend" -b local -d jobs out/colab/job 2>err &&
	echo "jobsend: -b local: not a Colab backend: use colab or colab-f5" >expect && test_cmp expect err
'

# A stand-in for rclone that interrupts jobsend, its parent, just as it
# publishes request.json, when the file "interrupt" is there; else the real one.
mkdir fakebin
cat >fakebin/rclone <<SH
#!/bin/sh
case "\$*" in
*moveto*/request.json)
	if [ -e "$TMP/interrupt" ]; then rm "$TMP/interrupt"; kill -INT \$PPID; exit 130; fi ;;
esac
exec $(command -v rclone) "\$@"
SH
chmod +x fakebin/rclone

test_expect_success 'jobsend -p: the job is recorded before it is published; a cut-off send is finished' '
	mkdir rjobs && : >interrupt &&
	! PATH=$TMP/fakebin:$PATH "$BIN/jobsend" -r ":local:$TMP/rjobs" -p cut.json out/colab/job >first &&
	test ! -e interrupt && test ! -s first &&
	job=$(jq -r .job cut.json) && test -e "rjobs/$job/my_voice.wav" &&
	test ! -e "rjobs/$job/request.json" &&
	PATH=$TMP/fakebin:$PATH "$BIN/jobsend" -r ":local:$TMP/rjobs" -p cut.json out/colab/job >second 2>err &&
	echo ":local:$TMP/rjobs/$job" >expect && test_cmp expect second &&
	echo "jobsend: finishing job $job, whose sending was cut short" >expect && test_cmp expect err &&
	cmp out/colab/job/request.json "rjobs/$job/request.json" && test "$(ls rjobs)" = "$job" &&
	PATH=$TMP/fakebin:$PATH "$BIN/jobsend" -r ":local:$TMP/rjobs" -p cut.json out/colab/job >third 2>err &&
	test_cmp second third && test_grep "re-attaching to job $job" err
'

test_expect_success 'jobsend: rclone missing or failing is a system error, exit 4' '
	mkdir nobin &&
	PATH=$TMP/nobin test_must_fail 4 "$BIN/jobsend" -r "remote:jobs" out/colab/job 2>err &&
	test_grep "^jobsend: cannot run rclone (is it installed? make deps)$" err &&
	RCLONE_CONFIG=/dev/null test_must_fail 4 "$BIN/jobsend" -r "nosuchremote:jobs" out/colab/job 2>err &&
	test_grep "^jobsend: rclone copyto .* failed (exit [0-9]*)$" err
'

test_done
