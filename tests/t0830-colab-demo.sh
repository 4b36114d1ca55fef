#!/bin/bash
# The demo tour built with BACKEND=colab and with BACKEND=colab-f5, each
# through a jobs folder and a real worker (espeak engine), down to the MP4.
. "$(dirname "$0")/test-lib.sh"

. "$ROOT/tests/worker-lib.sh"

cp -r "$ROOT/specs/demo" "$ROOT/specs/demo.json" .
mkdir jobs f5-jobs
start_worker "$TMP/jobs"
start_worker "$TMP/f5-jobs"

# The jobs folders come from the seed's variables here, not from DRIVE=.
export COLAB_TTS_DRIVE_PATH=$TMP/jobs COLAB_F5_TTS_DRIVE_PATH=$TMP/f5-jobs

# build BACKEND SPEC OUT [MAKE ARGS]
build() {
	make -C "$ROOT" --no-print-directory -j2 BACKEND="$1" SPEC="$TMP/$2" OUT="$TMP/$3" \
		CACHE="$TMP/cache" COLAB_TIMEOUT=120 "${@:4}" >"$3.log" 2>&1 || { cat "$3.log"; return 1; }
}

# narrated OUT NAME: the MP4 has audio, video, chapters and subtitles and lasts longer than its
# seven narrations together
narrated() {
	ffprobe -v error -show_entries stream=codec_type -of csv=p=0 "$1/$2.mp4" | sort | tr "\n" " " >streams &&
	echo "audio data subtitle video " | tr -d "\n" >want && test_cmp want streams &&
	speech=$(for f in "$1"/wav/*.wav; do ffprobe -v error -show_entries format=duration -of csv=p=0 "$f"; done |
		awk "{ s += \$1 } END { print s }") &&
	length=$(ffprobe -v error -show_entries format=duration -of csv=p=0 "$1/$2.mp4") &&
	echo "narration $speech s, video $length s" &&
	awk "BEGIN { exit !($length > $speech && $speech > 30) }"
}

test_expect_success 'BACKEND=colab builds the demo: one job of seven steps, a narrated MP4' '
	build colab demo.json out-colab &&
	test "$(ls jobs | wc -l)" = 1 &&
	jq -e ".steps | length == 7" jobs/*/request.json &&
	jq -e ".engine == \"kokoro\" and .voice == \"af_heart\"" jobs/*/request.json &&
	narrated out-colab demo &&
	for id in $(jq -r ".steps[].id" demo.json); do
		cmp jobs/*/audio/step-$id.wav out-colab/wav/$id.wav || exit 1
	done
'

test_expect_success 'BACKEND=colab-f5 builds the demo, the reference voice sent with the job' '
	espeak-ng -w voice.wav "The morning light filtered through the curtains, casting warm golden patterns across the wooden floor. Outside, a gentle rain." &&
	jq ".settings += {f5_ref_audio: \"voice.wav\", f5_ref_text: \"The morning light filtered through the curtains.\", f5_seed: 7}" \
		demo.json >f5.json &&
	build colab-f5 f5.json out-f5 &&
	! grep "clones best" out-f5.log &&
	test "$(ls f5-jobs | wc -l)" = 1 && job=$(echo f5-jobs/*) &&
	jq -e ".ref_audio == \"voice.wav\" and .seed == 7 and .nfe_step == 32 and (.steps | length) == 7" \
		$job/request.json &&
	cmp voice.wav $job/voice.wav &&
	narrated out-f5 f5 &&
	test "$(ls cache/tts | wc -l)" = 14
'

test_expect_success 'the same tour again is made from the cache: no job, no recipe' '
	rm -rf out-f5/wav out-f5/.colab-wavs && build colab-f5 f5.json out-f5 tts &&
	test "$(ls f5-jobs | wc -l)" = 1 && test "$(ls out-f5/wav/*.wav | wc -l)" = 7 &&
	test "$(jq -r .cache out-f5/wav/*.wav.json | sort -u)" = hit
'

test_done
