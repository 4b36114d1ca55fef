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

# Four steps of 601 frames at 30 fps, 80.13 s in all, so that the track
# (3846400 samples) ends off the AAC frame grid; each narration a 48 kHz
# WAV, so that mux lays its samples as they are, from frame 15 of its step.
test_expect_success 'set up four 20 s steps, narrated at 48 kHz' '
	mkdir -p o/clip o/wav &&
	ffmpeg -v error -f lavfi -i "testsrc2=s=160x120:r=30" -frames:v 601 \
		-c:v libx264 -preset veryfast -crf 20 -pix_fmt yuv420p -g 60 o/clip/s1.mp4 &&
	jq -n "{fps: 30, frames: 601, narration_start_frame: 15, width: 160, height: 120,
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
	test "$cut" -gt $((3846400 / 4)) && test "$cut" -lt $((3846400 * 3 / 4)) &&
	test $((cut % 1024)) = 0 &&
	test_grep "atrim=start_sample=$cut " ran &&
	test_grep "-f aac -i .* -c:a copy" ran
'

# snr_at_lags OUT: for each step, the decoded output against its WAV at
# the sample it was laid at, and 1 and 1024 samples off: SNR in dB
snr_at_lags() {
	ffmpeg -v error -y -i "$1" -map 0:a -f s16le -ac 1 out.raw &&
	for i in 1 2 3 4; do
		ffmpeg -v error -y -i o/wav/s$i.wav -f s16le s$i.raw || return 1
	done &&
	python3 - <<-PY
	import array, math
	out = array.array("h"); out.frombytes(open("out.raw", "rb").read())
	for i in range(1, 5):
	    wav = array.array("h"); wav.frombytes(open("s%d.raw" % i, "rb").read())
	    at = ((i - 1) * 601 + 15) * 1600
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

test_expect_success 'the audio lasts as long as the video, not to the end of its last frame' '
	ffprobe -v error -show_entries stream=codec_type,duration -of csv=p=0 tour.mp4 >durations &&
	cat durations &&
	test_grep "^video,80.133333" durations &&
	awk -F, "\$1 == \"audio\" { d = \$2 - 80.133333; found = 1 }
		END { exit !(found && d < 0.001 && d > -0.001) }" durations
'

test_expect_success 'a half that fails to encode: exit 1, nothing written, nothing left' '
	rm -f ran &&
	FAIL_HALF=1 PATH=$TMP/logged:$PATH test_must_fail 1 "$BIN/mux" -d o -o failed.mp4 mux.json 2>err &&
	test_grep "^mux: ffmpeg failed to encode the audio (exit 1)" err &&
	test ! -e failed.mp4 && ls -A o >left && printf "%s\n" clip wav >expect && test_cmp expect left
'

# an ffmpeg whose raw AAC has one frame more than its priming accounts for
mkdir extra
cat >extra/ffmpeg <<EOF
#!/bin/sh
case " \$* " in
*" -f adts "*)
	$(command -v ffmpeg) "\$@" || exit
	for out; do :; done
	python3 -c "import sys
d = open(sys.argv[1], 'rb').read()
n = (d[3] & 3) << 11 | d[4] << 3 | d[5] >> 5
open(sys.argv[1], 'ab').write(d[:n])" "\$out" ;;
*) exec $(command -v ffmpeg) "\$@" ;;
esac
EOF
chmod +x extra/ffmpeg

test_expect_success 'an encoder that primes otherwise: a warning, and one run encodes the audio' '
	PATH=$TMP/extra:$PATH "$BIN/mux" -d o -o other.mp4 mux.json 2>err &&
	test_grep "^mux: ffmpeg.s AAC encoder wrote [0-9]* frames for [0-9]* samples, not [0-9]*; the audio is encoded again, in one run" err &&
	snr_at_lags other.mp4 >snr && cat snr &&
	awk "{ if (\$4 < 25 || \$4 < \$3 + 10 || \$4 < \$5 + 10) bad = 1 } END { exit bad }" snr
'

test_expect_success 'errors in both halves: the first step'"'"'s is told, as one pass would tell it' '
	mv o/wav/s2.wav s2.wav && cp o/wav/s3.wav s3.wav &&
	head -c 1000 s3.wav >o/wav/s3.wav &&
	{ test_must_fail 4 "$BIN/mux" -d o -o failed.mp4 mux.json 2>err; refused=$?; } &&
	mv s2.wav o/wav/s2.wav && mv s3.wav o/wav/s3.wav && test $refused = 0 &&
	echo "mux: o/wav/s2.wav: No such file or directory" >expect && test_cmp expect err &&
	test ! -e failed.mp4
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
