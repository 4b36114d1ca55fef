#!/bin/sh
# mux: the AAC track is cut in its silences, on the frame grid, into
# segments each encoded by an encoder of its own, kept in outdir/audio
# under their samples' digest and joined: the audio must decode
# sample-exact across every join, and an edit encodes only the segments
# it changed, into the same file a first assembly would make.
. "$(dirname "$0")/test-lib.sh"
. "$ROOT/tests/audio-lib.sh"

# an ffmpeg that logs each run's arguments (ran), and fails the runs
# encoding segments, once they have written them, when FAIL_ENCODE is set
mkdir logged
cat >logged/ffmpeg <<EOF
#!/bin/sh
echo "\$*" >>$TMP/ran
case " \$* " in
*" -f adts "*) [ -z "\$FAIL_ENCODE" ] || { $(command -v ffmpeg) "\$@"; exit 1; } ;;
esac
exec $(command -v ffmpeg) "\$@"
EOF
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

# encoded: how many segments the runs logged in ran encoded
encoded() {
	grep -o -- "-f adts" ran | wc -l
}

test_expect_success 'the segments are cut on the frame grid, encoded on both cores, joined' '
	PATH=$TMP/logged:$PATH "$BIN/mux" -d o -o tour.mp4 mux.json &&
	grep -c -- "-f adts" ran >runs && echo 2 >expect && test_cmp expect runs &&
	n=$(encoded) && test "$n" -ge 4 &&
	grep -o "atrim=start_sample=[0-9]*" ran | cut -d= -f3 >starts &&
	test $(wc -l <starts) = "$n" &&
	awk "\$1 % 1024 { exit 1 }" starts &&
	ls o/audio/*.aac >entries && test $(wc -l <entries) = "$n" &&
	test_grep "-f aac -i .* -c:a copy" ran
'

# snr_at_lags OUT [DIR STEPS FRAMES LAGS]: for each of the STEPS steps
# (4) of FRAMES frames (601) in DIR (o), the decoded output against its
# WAV at the sample it was laid at, and LAGS samples off ("-1024 -1 0 1
# 1024"): SNR in dB, one line per step
snr_at_lags() {
	ffmpeg -v error -y -i "$1" -map 0:a -f s16le -ac 1 out.raw &&
	for i in $(seq ${3:-4}); do
		ffmpeg -v error -y -i ${2:-o}/wav/s$i.wav -f s16le s$i.raw || return 1
	done &&
	python3 - ${3:-4} ${4:-601} ${5:--1024 -1 0 1 1024} <<-PY
	import array, math, sys
	steps, frames, lags = int(sys.argv[1]), int(sys.argv[2]), [int(x) for x in sys.argv[3:]]
	out = array.array("h"); out.frombytes(open("out.raw", "rb").read())
	for i in range(1, steps + 1):
	    wav = array.array("h"); wav.frombytes(open("s%d.raw" % i, "rb").read())
	    at = ((i - 1) * frames + 15) * 1600
	    snr = []
	    for lag in lags:
	        s = n = 0
	        for k in range(len(wav)):
	            d = wav[k] - out[at + lag + k]
	            s += wav[k] * wav[k]; n += d * d
	        snr.append(10 * math.log10(s / max(n, 1)))
	    print("s%d %s" % (i, " ".join("%.1f" % x for x in snr)))
	PY
}

test_expect_success 'every narration decodes where it was laid, across every join' '
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

test_expect_success 'unchanged, nothing is encoded again, and the file is the same' '
	rm -f ran &&
	PATH=$TMP/logged:$PATH "$BIN/mux" -d o -o again.mp4 mux.json &&
	test "$(encoded)" = 0 && cmp tour.mp4 again.mp4
'

# a cold assembly of what o holds now, in a folder of its own
cold() {
	rm -rf cold && mkdir cold && cp -R o/clip o/wav cold/ &&
	"$BIN/mux" -d cold -o cold.mp4 "$1"
}

test_expect_success 'one narration changed: only its segments are encoded, into the same file' '
	espeak-ng -w speech.wav "Step three, in other words than before." &&
	ffmpeg -v error -y -i speech.wav -ar 48000 -c:a pcm_s16le o/wav/s3.wav &&
	rm -f ran &&
	PATH=$TMP/logged:$PATH "$BIN/mux" -d o -o edited.mp4 mux.json &&
	n=$(encoded) && echo "encoded $n" && test "$n" -ge 1 && test "$n" -le 2 &&
	cold mux.json && cmp edited.mp4 cold.mp4 &&
	ls o/audio/*.aac | wc -l >kept && ls cold/audio/*.aac | wc -l >want && test_cmp want kept
'

test_expect_success 'normalised, an edit keeps the gain, and the other segments with it' '
	sed "s/\"loudnorm\": false/\"loudnorm\": true/" mux.json >loud.json &&
	"$BIN/mux" -d o -o loud.mp4 loud.json &&
	within "$(lufs loud.mp4)" -16 1 &&
	espeak-ng -w speech.wav "Step three, once more in words of its own." &&
	ffmpeg -v error -y -i speech.wav -ar 48000 -c:a pcm_s16le o/wav/s3.wav &&
	rm -f ran &&
	PATH=$TMP/logged:$PATH "$BIN/mux" -d o -o loud2.mp4 loud.json &&
	n=$(encoded) && echo "encoded $n" && test "$n" -ge 1 && test "$n" -le 2 &&
	within "$(lufs loud2.mp4)" -16 1 &&
	cold loud.json && cmp loud2.mp4 cold.mp4
'

test_expect_success 'a damaged entry in the cache is encoded again' '
	entry=$(ls -S o/audio/*.aac | head -n 1) &&
	printf "\\377" | dd of="$entry" bs=1 seek=3000 conv=notrunc 2>/dev/null &&
	rm -f ran &&
	PATH=$TMP/logged:$PATH "$BIN/mux" -d o -o mended.mp4 loud.json &&
	test "$(encoded)" = 1 && cmp loud2.mp4 mended.mp4
'

test_expect_success 'an encoder that fails: exit 1, nothing written, nothing half-written left' '
	rm -rf o/audio ran &&
	FAIL_ENCODE=1 PATH=$TMP/logged:$PATH test_must_fail 1 "$BIN/mux" -d o -o failed.mp4 mux.json 2>err &&
	test_grep "^mux: ffmpeg failed to encode the audio (exit 1)" err &&
	test ! -e failed.mp4 && ls -A o >left && printf "%s\n" audio clip wav >expect &&
	test_cmp expect left && ls -A o/audio >left && echo part >expect && test_cmp expect left &&
	test -d o/audio/part && { ls -A o/audio/part | grep -v -E "^[0-9a-f]{64}\.(blocks|pcm)\$" || :; } >left &&
	test_cmp /dev/null left
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
	rm -rf o/audio &&
	PATH=$TMP/extra:$PATH "$BIN/mux" -d o -o other.mp4 mux.json 2>err &&
	test_grep "^mux: ffmpeg.s AAC encoder wrote [0-9]* frames for [0-9]* samples, not [0-9]*; the audio is encoded again, in one run" err &&
	snr_at_lags other.mp4 >snr && cat snr &&
	awk "{ if (\$4 < 25 || \$4 < \$3 + 10 || \$4 < \$5 + 10) bad = 1 } END { exit bad }" snr
'

test_expect_success 'errors in both halves of the track: the first step'"'"'s is told, as one pass would tell it' '
	mv o/wav/s2.wav s2.wav && cp o/wav/s3.wav s3.wav &&
	head -c 1000 s3.wav >o/wav/s3.wav &&
	{ test_must_fail 4 "$BIN/mux" -d o -o failed.mp4 mux.json 2>err; refused=$?; } &&
	mv s2.wav o/wav/s2.wav && mv s3.wav o/wav/s3.wav && test $refused = 0 &&
	echo "mux: o/wav/s2.wav: No such file or directory" >expect && test_cmp expect err &&
	test ! -e failed.mp4
'

test_expect_success 'a true peak over the target stops the encoders; they start again, under it' '
	# as in t0410: a quiet tone with bursts whose peaks fall between samples
	tone="0.03*sin(2*PI*1000*t)" &&
	burst="lt(mod(t\,1)\,0.002)*0.9*sin(2*PI*12000*t+PI/4)" &&
	ffmpeg -v error -y -f lavfi -i "aevalsrc=$tone+$burst:s=48000:d=4" -c:a pcm_s16le o/wav/s2.wav &&
	sed "s/\"loudnorm\": false/\"loudnorm\": true/" mux.json >loud.json &&
	rm -f ran &&
	PATH=$TMP/logged:$PATH "$BIN/mux" -d o -o peak.mp4 loud.json &&
	grep -c -- "-f adts" ran >count && echo 4 >expect && test_cmp expect count &&
	within "$(lufs peak.mp4)" -16 1 &&
	peak=$(true_peak peak.mp4) &&
	awk -v p="$peak" "BEGIN { exit !(p != \"\" && p <= -1.0) }" &&
	{ ls -A o/audio | grep -v -E "^([0-9a-f]{64}\.aac|index|part)\$" || :; } >left &&
	test -d o/audio/part && { ls -A o/audio/part | grep -v -E "^[0-9a-f]{64}\.(blocks|pcm)\$" || :; } >>left &&
	test_cmp /dev/null left &&
	cold loud.json && cmp peak.mp4 cold.mp4
'

# A tour long enough for more runs than cores: 34 steps of 12 s, a
# segment or so each, narrated in words of their own, so that no two
# segments are alike.
test_expect_success 'a long tour: each run starts when one ends, and every join holds' '
	mkdir -p long/clip long/wav &&
	ffmpeg -v error -f lavfi -i "testsrc2=s=160x120:r=30" -frames:v 360 \
		-c:v libx264 -preset veryfast -crf 20 -pix_fmt yuv420p -g 60 long/clip/s1.mp4 &&
	jq ".frames = 360" o/clip/s1.json >long/clip/s1.json &&
	steps= &&
	for i in $(seq 34); do
		if [ $i != 1 ]; then
			ln long/clip/s1.mp4 long/clip/s$i.mp4 && cp long/clip/s1.json long/clip/s$i.json || return 1
		fi
		espeak-ng -w speech.wav "Part $i. The page shows what part $i holds." &&
		ffmpeg -v error -y -i speech.wav -ar 48000 -c:a pcm_s16le long/wav/s$i.wav &&
		steps="$steps${steps:+,}{\"id\": \"s$i\", \"narration\": \"$i\"}" || return 1
	done &&
	echo "{\"spec_dir\": \"$TMP\", \"meta\": {}, \"output\": {}, \"steps\": [$steps]}" >long.json &&
	rm -f ran &&
	PATH=$TMP/logged:$PATH "$BIN/mux" -d long -o long.mp4 long.json &&
	n=$(encoded) && runs=$(grep -c -- "-f adts" ran) && echo "$n segments, $runs runs" &&
	test "$runs" -ge 3 && test "$n" -ge 33 &&
	snr_at_lags long.mp4 long 34 360 0 >snr &&
	awk "\$2 < 25 { print; bad = 1 } END { exit bad }" snr
'

test_done
