#!/bin/sh
# mux: a track of a minute or more is encoded in two halves at once, one
# per core, cut in a silence on the AAC frame grid, and the halves' frames
# joined: the audio must decode sample-exact on both sides of the cut.
. "$(dirname "$0")/test-lib.sh"
. "$ROOT/tests/audio-lib.sh"

# an ffmpeg that logs each run's arguments (ran), and fails the run
# encoding a half when FAIL_HALF is set
mkdir logged
printf '#!/bin/sh\necho "$*" >>%s/ran\ncase " $* " in *" -f adts "*) [ -z "$FAIL_HALF" ] || exit 1 ;; esac\nexec %s "$@"\n' \
	"$TMP" "$(command -v ffmpeg)" >logged/ffmpeg
chmod +x logged/ffmpeg

# Four steps of 20 s at 30 fps, 80 s in all; each narration a 48 kHz WAV,
# so that mux lays its samples as they are, from frame 15 of its step.
test_expect_success 'set up four 20 s steps, narrated at 48 kHz' '
	mkdir -p o/clip o/wav &&
	ffmpeg -v error -f lavfi -i "testsrc2=s=160x120:r=30" -frames:v 600 \
		-c:v libx264 -preset veryfast -crf 20 -pix_fmt yuv420p -g 60 o/clip/s1.mp4 &&
	jq -n "{fps: 30, frames: 600, narration_start_frame: 15, width: 160, height: 120,
		video_codec: \"libx264\", video_crf: 20, video_preset: \"veryfast\"}" >o/clip/s1.json &&
	for i in 1 2 3 4; do
		if [ $i != 1 ]; then
			ln o/clip/s1.mp4 o/clip/s$i.mp4 && cp o/clip/s1.json o/clip/s$i.json || return 1
		fi
		espeak-ng -w speech.wav "Step $i. Here the page shows the numbers of part $i, \
one by one, while we read them out." &&
		ffmpeg -v error -y -i speech.wav -ar 48000 -c:a pcm_s16le o/wav/s$i.wav || return 1
	done &&
	cat >mux.json <<-JSON
	{"spec_dir": "$TMP", "meta": {}, "output": {"loudnorm": false},
	 "steps": [{"id": "s1", "narration": "one"}, {"id": "s2", "narration": "two"},
	           {"id": "s3", "narration": "three"}, {"id": "s4", "narration": "four"}]}
	JSON
'

test_expect_success 'two ffmpeg runs encode the halves, cut on the frame grid, then one joins' '
	PATH=$TMP/logged:$PATH "$BIN/mux" -d o -o tour.mp4 mux.json &&
	grep -c -- "-f adts" ran >count && echo 2 >expect && test_cmp expect count &&
	cut=$(sed -n "s/.*atrim=end_sample=\([0-9]*\).*/\1/p" ran) &&
	test "$cut" -gt 960000 && test "$cut" -lt 2880000 && test $((cut % 1024)) = 0 &&
	test_grep "atrim=start_sample=$cut " ran &&
	test_grep "-f aac -i .* -c:a copy" ran
'

# snr_at_lags OUT: for each step, the decoded output against its WAV at
# the sample it was laid at, and 1 and 1024 samples off: SNR in dB
snr_at_lags() {
	ffmpeg -v error -i "$1" -map 0:a -f s16le -ac 1 out.raw &&
	for i in 1 2 3 4; do
		ffmpeg -v error -y -i o/wav/s$i.wav -f s16le s$i.raw || return 1
	done &&
	python3 - <<-PY
	import array, math
	out = array.array("h"); out.frombytes(open("out.raw", "rb").read())
	for i in range(1, 5):
	    wav = array.array("h"); wav.frombytes(open("s%d.raw" % i, "rb").read())
	    at = ((i - 1) * 600 + 15) * 1600
	    snr = []
	    for lag in (-1024, -1, 0, 1, 1024):
	        s = n = 0
	        for k in range(len(wav)):
	            d = wav[k] - out[at + lag + k]
	            s += wav[k] * wav[k]; n += d * d
	        snr.append(10 * math.log10(s / max(n, 1)))
	    print("s%d %s" % (i, " ".join("%.1f" % x for x in snr)))
	PY
}

test_expect_success 'every narration decodes where it was laid, on both sides of the cut' '
	snr_at_lags tour.mp4 >snr && cat snr &&
	awk "{ if (\$4 < 25 || \$4 < \$3 + 10 || \$4 < \$5 + 10 || \$4 < \$2 + 10 || \$4 < \$6 + 10) bad = 1 }
		END { exit bad }" snr
'

test_expect_success 'the audio lasts as long as the video' '
	ffprobe -v error -show_entries stream=codec_type,duration -of csv=p=0 tour.mp4 >durations &&
	test_grep "^video,80.000000" durations && test_grep "^audio,80.000000" durations
'

test_expect_success 'a half that fails to encode: exit 1, nothing written, nothing left' '
	rm -f ran &&
	FAIL_HALF=1 PATH=$TMP/logged:$PATH test_must_fail 1 "$BIN/mux" -d o -o failed.mp4 mux.json 2>err &&
	test_grep "^mux: ffmpeg failed to encode the audio (exit 1)" err &&
	test ! -e failed.mp4 && ls -A o >left && printf "%s\n" clip wav >expect && test_cmp expect left
'

test_expect_success 'a true peak over the target stops both halves; they start again, under it' '
	# as in t0410: a quiet tone with bursts whose peaks fall between samples
	tone="0.03*sin(2*PI*1000*t)" &&
	burst="lt(mod(t\,1)\,0.002)*0.9*sin(2*PI*12000*t+PI/4)" &&
	ffmpeg -v error -y -f lavfi -i "aevalsrc=$tone+$burst:s=48000:d=4" -c:a pcm_s16le o/wav/s2.wav &&
	sed "s/\"loudnorm\": false/\"loudnorm\": true/" mux.json >loud.json &&
	rm -f ran &&
	PATH=$TMP/logged:$PATH "$BIN/mux" -d o -o loud.mp4 loud.json &&
	grep -c -- "-f adts" ran >count && echo 4 >expect && test_cmp expect count &&
	within "$(lufs loud.mp4)" -16 1 &&
	peak=$(true_peak loud.mp4) &&
	awk -v p="$peak" "BEGIN { exit !(p != \"\" && p <= -1.0) }"
'

test_done
