#!/bin/sh
# mux: the spec's output settings and meta durations (loudness, intro/outro,
# publishing path, codec settings, duration limits)
. "$(dirname "$0")/test-lib.sh"
. "$ROOT/tests/audio-lib.sh"

# make_clip ID FRAMES NARRATION_START [CRF PRESET [DIR]]: a clip as stepcap
# encodes it (crf 20, veryfast unless given) and its meta
make_clip() {
	ffmpeg -v error -f lavfi -i "testsrc2=s=320x240:r=30" -frames:v "$2" \
		-c:v libx264 -preset "${5:-veryfast}" -crf "${4:-20}" -pix_fmt yuv420p -g 60 \
		"${6:-o}/clip/$1.mp4" &&
	jq -n --argjson frames "$2" --argjson start "$3" --argjson crf "${4:-20}" \
		--arg preset "${5:-veryfast}" '{fps: 30, frames: $frames,
		narration_start_frame: $start, width: 320, height: 240,
		video_codec: "libx264", video_crf: $crf, video_preset: $preset}' \
		>"${6:-o}/clip/$1.json"
}

video_hashes() {
	ffmpeg -v error -i "$1" -map 0:v -f framemd5 - | grep -v '^#' | awk -F, '{ print $NF }'
}

# mux_json OUTPUT_JSON [META_JSON]: two steps, spec_dir here
mux_json() {
	cat >mux.json <<-JSON
	{"spec_dir": "$TMP/spec", "meta": ${2:-{\}},
	 "output": $1,
	 "steps": [{"id": "a", "title": "Open the app", "narration": "Welcome to the app. It keeps track of your time."},
	           {"id": "b", "title": "Sign up", "narration": "Sign up with your e-mail address, and you are done."}]}
	JSON
}

test_expect_success 'set up two narrated steps' '
	mkdir -p o/clip o/wav spec/media &&
	espeak-ng -w o/wav/a.wav "Welcome to the app. It keeps track of your time." &&
	espeak-ng -w o/wav/b.wav "Sign up with your e-mail address, and you are done." &&
	make_clip a 150 15 &&
	make_clip b 150 15
'

test_expect_success 'without loudnorm the narration keeps its level (far from -16)' '
	mux_json "{}" &&
	"$BIN/mux" -d o -o plain.mp4 mux.json &&
	level=$(lufs plain.mp4) &&
	! within "$level" -16 1
'

test_expect_success 'loudnorm: measured, then brought to -16 LUFS integrated, within 1 LU' '
	mux_json "{\"loudnorm\": true}" &&
	"$BIN/mux" -d o -o loud.mp4 mux.json &&
	within "$(lufs loud.mp4)" -16 1 &&
	ffprobe -v error -select_streams a -show_entries stream=sample_rate -of csv=p=0 loud.mp4 >rate &&
	echo 48000 >expect && test_cmp expect rate
'

test_expect_success 'loudnorm keeps the true peak at or under -1.5 dBTP (+0.5 for AAC)' '
	peak=$(true_peak loud.mp4) &&
	awk -v p="$peak" "BEGIN { exit !(p != \"\" && p <= -1.0) }"
'

test_expect_success 'loudnorm finds a true peak between samples, and keeps it under -1.5 dBTP' '
	# quiet speech-like tone, and once a second 2 ms at a quarter of the
	# rate, phased so every sample falls 3 dB under the peak between them:
	# limited to the ceiling by its samples, its true peak would be over
	mkdir -p tp/clip tp/wav &&
	tone="0.03*sin(2*PI*1000*t)" &&
	burst="lt(mod(t\,1)\,0.002)*0.9*sin(2*PI*12000*t+PI/4)" &&
	ffmpeg -v error -f lavfi -i "aevalsrc=$tone+$burst:s=48000:d=4" -c:a pcm_s16le tp/wav/a.wav &&
	make_clip a 150 15 20 veryfast tp &&
	cat >tp.json <<-JSON &&
	{"spec_dir": "$TMP/spec", "meta": {}, "output": {"loudnorm": true},
	 "steps": [{"id": "a", "title": "Peaks", "narration": "A tone."}]}
	JSON
	"$BIN/mux" -d tp -o tp.mp4 tp.json &&
	within "$(lufs tp.mp4)" -16 1 &&
	peak=$(true_peak tp.mp4) &&
	awk -v p="$peak" "BEGIN { exit !(p != \"\" && p <= -1.0) }"
'

test_expect_success 'loudnorm on a silent tour warns and leaves the audio alone' '
	mkdir -p q/clip &&
	cp o/clip/a.mp4 o/clip/a.json q/clip/ &&
	cat >q.json <<-JSON &&
	{"output": {"loudnorm": true}, "steps": [{"id": "a", "narration": ""}]}
	JSON
	"$BIN/mux" -d q -o quiet.mp4 q.json 2>err &&
	test_grep "^mux: output.loudnorm: .*silent.*; the audio is left as it is" err &&
	test -s quiet.mp4
'

test_expect_success 'intro and outro: brought to the tour format, joined, chaptered' '
	ffmpeg -v error -f lavfi -i "testsrc=s=640x480:r=25" -f lavfi -i "sine=f=300:r=44100" \
		-t 1 -c:v libx264 -c:a aac -shortest spec/media/intro.mp4 &&
	ffmpeg -v error -f lavfi -i "color=c=blue:s=320x180:r=24" -t 0.5 -c:v libx264 \
		-pix_fmt yuv444p outro.mkv &&
	mux_json "{\"intro_clip\": \"media/intro.mp4\", \"outro_clip\": \"$TMP/outro.mkv\"}" &&
	"$BIN/mux" -d o -o edges.mp4 mux.json &&
	ffprobe -v error -select_streams v -count_packets \
		-show_entries stream=width,height,r_frame_rate,pix_fmt,nb_read_packets \
		-of csv=p=0 edges.mp4 >video &&
	echo "320,240,yuv420p,30/1,345" >expect && test_cmp expect video &&
	ffprobe -v error -show_entries chapter=start_time:chapter_tags=title -of csv=p=0 \
		edges.mp4 >chapters &&
	printf "%s\n" "0.000000,Intro" "1.000000,Open the app" "6.000000,Sign up" \
		"11.000000,Outro" >expect && test_cmp expect chapters
'

test_expect_success 'the steps inside it are still the clips, stream-copied' '
	{ video_hashes o/clip/a.mp4; video_hashes o/clip/b.mp4; } >expect &&
	video_hashes edges.mp4 | sed -n "31,330p" >actual &&
	test_cmp expect actual &&
	ffmpeg -v error -i edges.mp4 -f null - 2>decode && test ! -s decode
'

test_expect_success 'the intro keeps its sound; narration and subtitles move after it' '
	ffmpeg -v error -i edges.mp4 -t 0.9 -af volumedetect -f null - 2>&1 |
		awk "/mean_volume/ { exit !(\$5 > -40) }" &&
	head -n 2 edges.srt | tail -n 1 >first &&
	echo "00:00:01,500 --> 00:00:02,767" >expect && test_cmp expect first
'

test_expect_success 'the converted intro is kept: the next assembly does not encode it again' '
	test -s o/edge/intro.mp4 && test -s o/edge/intro.wav &&
	cp -p o/edge/intro.mp4 kept.mp4 &&
	touch -d "2000-01-01" o/edge/intro.mp4 &&
	"$BIN/mux" -d o -o again.mp4 mux.json &&
	test "$(stat -c %Y o/edge/intro.mp4)" = "$(date -d 2000-01-01 +%s)" &&
	video_hashes edges.mp4 >expect && video_hashes again.mp4 >actual && test_cmp expect actual &&
	ffmpeg -v error -i again.mp4 -t 0.9 -af volumedetect -f null - 2>&1 |
		awk "/mean_volume/ { exit !(\$5 > -40) }"
'

test_expect_success 'a replaced intro is converted again' '
	cp -p spec/media/intro.mp4 intro.orig &&
	ffmpeg -v error -y -f lavfi -i "color=c=red:s=320x240:r=30" -t 0.5 -c:v libx264 \
		spec/media/intro.mp4 &&
	"$BIN/mux" -d o -o red.mp4 mux.json &&
	ffprobe -v error -show_entries chapter=start_time:chapter_tags=title -of csv=p=0 \
		red.mp4 | sed -n 2p >second &&
	echo "0.500000,Open the app" >expect && test_cmp expect second &&
	cp -p intro.orig spec/media/intro.mp4
'

test_expect_success 'output.path: the results also written there, relative to the spec' '
	mux_json "{\"path\": \"published/tour.mp4\"}" &&
	"$BIN/mux" -d o -o final.mp4 mux.json &&
	cmp final.mp4 spec/published/tour.mp4 &&
	cmp final.srt spec/published/tour.srt &&
	cmp final.vtt spec/published/tour.vtt &&
	cmp final.chapters.txt spec/published/tour.chapters.txt &&
	ls -A spec/published >left && ! grep tmp left
'

test_expect_success 'output.path with ~ goes under HOME' '
	mux_json "{\"path\": \"~/videos/tour.mp4\"}" &&
	HOME=$TMP/home "$BIN/mux" -d o -o final.mp4 mux.json &&
	cmp final.mp4 home/videos/tour.mp4
'

test_expect_success 'clips captured with the output settings are joined by stream copy' '
	mkdir -p c/clip &&
	cp o/wav/a.wav o/wav/b.wav c/ && mkdir -p c/wav && mv c/a.wav c/b.wav c/wav/ &&
	make_clip a 150 15 35 ultrafast c &&
	make_clip b 150 15 35 ultrafast c &&
	mux_json "{\"video_crf\": 35, \"video_preset\": \"ultrafast\", \"intro_clip\": \"media/intro.mp4\"}" &&
	"$BIN/mux" -d c -o crf.mp4 mux.json 2>err &&
	test ! -s err &&
	{ video_hashes c/clip/a.mp4; video_hashes c/clip/b.mp4; } >expect &&
	video_hashes crf.mp4 | sed -n "31,330p" >actual && test_cmp expect actual &&
	ffmpeg -v error -i crf.mp4 -f null - 2>decode && test ! -s decode
'

test_expect_success 'the intro is encoded with the output settings too' '
	ffmpeg -v error -i crf.mp4 -map 0:v -frames:v 30 -c copy -f h264 - | strings |
		grep -o "crf=35.0" >crf && test -s crf &&
	ffmpeg -v error -i edges.mp4 -map 0:v -frames:v 30 -c copy -f h264 - | strings |
		grep -o "crf=20.0" >crf && test -s crf
'

test_expect_success 'meta.target_duration_seconds far off: a warning, still built' '
	mux_json "{}" "{\"target_duration_seconds\": 60}" &&
	"$BIN/mux" -d o -o target.mp4 mux.json 2>err &&
	echo "mux: the tour lasts 10.0 s, 83% shorter than meta.target_duration_seconds 60" >expect &&
	test_cmp expect err && test -s target.mp4
'

test_expect_success 'meta.target_duration_seconds close enough: no warning' '
	mux_json "{}" "{\"target_duration_seconds\": 11}" &&
	"$BIN/mux" -d o -o target.mp4 mux.json 2>err &&
	test ! -s err
'

test_expect_success 'over meta.max_duration_seconds: exit 1, both numbers and the longest steps' '
	mux_json "{\"intro_clip\": \"media/intro.mp4\"}" "{\"max_duration_seconds\": 9.5}" &&
	test_must_fail 1 "$BIN/mux" -d o -o long.mp4 mux.json 2>err &&
	echo "mux: the tour lasts 11.0 s, over meta.max_duration_seconds 9.5: shorten the narration or raise the limit; longest steps: a 5.0 s, b 5.0 s" >expect &&
	test_cmp expect err &&
	test ! -e long.mp4 && ls -A o >left && printf "%s\n" audio clip edge wav >expect && test_cmp expect left
'

test_expect_success 'a missing intro is named, exit 4, nothing written' '
	mux_json "{\"intro_clip\": \"media/nope.mp4\"}" &&
	test_must_fail 4 "$BIN/mux" -d o -o nope.mp4 mux.json 2>err &&
	echo "mux: output.intro_clip: $TMP/spec/media/nope.mp4: No such file or directory" >expect &&
	test_cmp expect err && test ! -e nope.mp4
'

test_expect_success 'an intro that is not a video is bad media, exit 1' '
	echo "not a video" >spec/media/bad.mp4 &&
	mux_json "{\"outro_clip\": \"media/bad.mp4\"}" &&
	test_must_fail 1 "$BIN/mux" -d o -o bad.mp4 mux.json 2>err &&
	test_grep "^mux: output.outro_clip: $TMP/spec/media/bad.mp4: ffmpeg cannot read its video" err &&
	test ! -e bad.mp4 && ls -A o >left && printf "%s\n" audio clip edge wav >expect && test_cmp expect left
'

# an ffmpeg that cannot write the MP4 of a raw H.264 stream: the end of
# an intro's conversion, as clips with repeat frames are made
mkdir badmux
printf '#!/bin/sh\ncase " $* " in *" -f h264 -i - "*) echo "no room" >&2; exit 1 ;; esac\nexec %s "$@"\n' \
	"$(command -v ffmpeg)" >badmux/ffmpeg
chmod +x badmux/ffmpeg

test_expect_success 'an intro whose MP4 cannot be written: exit 4, said, nothing kept' '
	mux_json "{\"intro_clip\": \"media/intro.mp4\"}" &&
	rm -f o/edge/intro.mp4 &&
	PATH=$TMP/badmux:$PATH test_must_fail 4 "$BIN/mux" -d o -o badmux.mp4 mux.json 2>err &&
	test_grep "^mux: ffmpeg: the muxer stopped taking the stream, writing .*intro.*: Broken pipe$" err &&
	test ! -e badmux.mp4 && test ! -e o/edge/intro.mp4 &&
	test -z "$(ls -A o/edge | grep tmp)"
'

test_expect_success 'wrongly typed output settings are a bad fragment, exit 2' '
	mux_json "{\"loudnorm\": \"yes\"}" &&
	test_must_fail 2 "$BIN/mux" -d o -o x.mp4 mux.json 2>err &&
	echo "mux: mux.json: output.loudnorm: must be true or false" >expect && test_cmp expect err &&
	mux_json "{\"video_crf\": 20.5}" &&
	test_must_fail 2 "$BIN/mux" -d o -o x.mp4 mux.json 2>err &&
	echo "mux: mux.json: output.video_crf: must be a whole number from 0 to 63" >expect &&
	test_cmp expect err &&
	mux_json "{\"path\": \"~bob/x.mp4\"}" &&
	test_must_fail 2 "$BIN/mux" -d o -o x.mp4 mux.json 2>err &&
	echo "mux: mux.json: output.path: \"~bob/x.mp4\": write \"~/...\" (with HOME set) or a path relative to the spec" >expect &&
	test_cmp expect err && test ! -e x.mp4
'

test_done
