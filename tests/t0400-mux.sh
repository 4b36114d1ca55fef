#!/bin/sh
# mux: clips joined by stream copy, narration placed sample-exact, bad input refused
. "$(dirname "$0")/test-lib.sh"

# make_clip ID START FRAMES NARRATION_START: a clip with stepcap's encoder
# parameters and its meta; moving content from START seconds on, so any
# re-encoding would show in the decoded frames
make_clip() {
	ffmpeg -v error -f lavfi -i "testsrc2=s=320x240:r=30" -ss "$2" -frames:v "$3" \
		-c:v libx264 -preset veryfast -crf 20 -pix_fmt yuv420p -g 60 "o/clip/$1.mp4" &&
	meta "$1" 30 "$3" "$4"
}

# meta ID FPS FRAMES NARRATION_START: a meta file as stepcap writes it
meta() {
	printf '{"fps":%d,"frames":%d,"narration_start_frame":%d,"width":320,"height":240,' \
		"$2" "$3" "$4" >"o/clip/$1.json" &&
	printf '"video_codec":"libx264","video_crf":20,"video_preset":"veryfast"}\n' >>"o/clip/$1.json"
}

# make_wav ID FREQ RATE SECONDS
make_wav() {
	ffmpeg -v error -f lavfi -i "sine=f=$2:r=$3" -t "$4" "o/wav/$1.wav"
}

# onset RAW FROM: index of the first sample at or after FROM louder than 300
# (the sines peak near 4100)
onset() {
	od -An -v --endian=little -td2 -w2 "$1" |
	awk -v from="$2" 'NR - 1 >= from && ($1 > 300 || $1 < -300) { print NR - 1; exit }'
}

# near GOT WANT TOLERANCE
near() {
	[ -n "$1" ] && [ "$1" -ge $(($2 - $3)) ] && [ "$1" -le $(($2 + $3)) ] ||
	{ echo "got '$1', want $2 +- $3" >&2; return 1; }
}

# video_hashes FILE: md5 of every decoded video frame, timestamps left out
video_hashes() {
	ffmpeg -v error -i "$1" -map 0:v -f framemd5 - | grep -v '^#' | awk -F, '{ print $NF }'
}

cat >mux.json <<'EOF'
{"meta": {"title": "Demo tour"},
 "steps": [{"id": "intro", "title": "Intro", "narration": "one"},
           {"id": "middle", "title": "Middle", "narration": "two"},
           {"id": "quiet", "title": "Quiet", "narration": ""},
           {"id": "end", "title": "End", "narration": "three"}],
 "output": {"audio_codec": "aac", "audio_bitrate": "128k"}}
EOF

test_expect_success 'set up clips, metas and WAVs at three sample rates' '
	mkdir -p o/clip o/wav &&
	make_clip intro 0 45 6 &&
	make_clip middle 2 60 15 &&
	make_clip quiet 5 20 0 &&
	make_clip end 7 31 0 &&
	make_wav intro 440 22050 1 &&
	make_wav middle 660 24000 0.5 &&
	make_wav end 880 48000 0.8
'

test_expect_success 'mux writes an MP4 with H.264 video and AAC audio' '
	"$BIN/mux" -d o -o final.mp4 mux.json &&
	for s in v a s; do
		ffprobe -v error -select_streams $s \
			-show_entries stream=codec_name,codec_type,pix_fmt,sample_rate,channels \
			-of csv=p=0 final.mp4
	done >streams &&
	printf "%s\n" "h264,video,yuv420p" "aac,audio,48000,1" "mov_text,subtitle" >expect &&
	test_cmp expect streams
'

test_expect_success 'the video is the clips stream-copied: every frame identical' '
	for id in intro middle quiet end; do video_hashes o/clip/$id.mp4; done >expect &&
	video_hashes final.mp4 >actual &&
	test $(wc -l <actual) = 156 &&
	test_cmp expect actual
'

# 156 frames at 30 fps in a 1/15360 time base: 512 ticks a frame, exactly,
# across the clip joins (the 20-frame clip is 0.6667 s, no whole millisecond)
test_expect_success 'video and audio both last total frames / fps, frames evenly spaced' '
	for s in v a; do
		ffprobe -v error -select_streams $s -show_entries stream=duration -of csv=p=0 final.mp4
	done >durations &&
	printf "%s\n" 5.200000 5.200000 >expect &&
	test_cmp expect durations &&
	ffprobe -v error -select_streams v -show_entries packet=pts -of csv=p=0 final.mp4 |
		sort -n | awk "\$1 != (NR - 1) * 512 { print; bad = 1 } END { exit bad }"
'

test_expect_success 'the moov atom comes first (faststart)' '
	LC_ALL=C grep -obUa -e moov -e mdat final.mp4 | head -n 1 >first &&
	test_grep ":moov" first
'

# Offsets at 1600 samples per frame: intro 6, middle 45+15, end 45+60+20.
# The MP4 edit list hides the AAC encoder delay, so onsets land within a
# couple of samples; 48 samples (1 ms) is the bound.
test_expect_success 'each narration starts at its exact sample offset' '
	ffmpeg -v error -i final.mp4 -f s16le -ac 1 -ar 48000 - >audio.raw &&
	near "$(onset audio.raw 0)" 9600 48 &&
	near "$(onset audio.raw 72000)" 96000 48 &&
	near "$(onset audio.raw 168000)" 200000 48
'

test_expect_success 'a step without narration stays silent' '
	near "$(onset audio.raw 176000)" 200000 48
'

test_expect_success 'one chapter per step, titled, at the frame where the step starts' '
	ffprobe -v error -show_entries chapter=start_time,end_time:chapter_tags=title \
		-of csv=p=0 final.mp4 >chapters &&
	printf "%s\n" "0.000000,1.500000,Intro" "1.500000,3.500000,Middle" \
		"3.500000,4.167000,Quiet" "4.167000,5.200000,End" >expect &&
	test_cmp expect chapters &&
	ffprobe -v error -show_entries format_tags=title -of csv=p=0 final.mp4 >title &&
	echo "Demo tour" >expect && test_cmp expect title
'

test_expect_success 'a chapter list beside the video, video-site style' '
	printf "%s\n" "0:00 Intro" "0:01 Middle" "0:03 Quiet" "0:04 End" >expect &&
	test_cmp expect final.chapters.txt
'

# Narration starts: intro 0.2 s (1 s WAV), middle 1.5 + 0.5 (0.5 s), end
# 4.167 + 0 (0.8 s).
test_expect_success 'SRT and WebVTT beside the video, one cue per narration here' '
	cat >expect <<-EOF &&
	1
	00:00:00,200 --> 00:00:01,200
	one

	2
	00:00:02,000 --> 00:00:02,500
	two

	3
	00:00:04,167 --> 00:00:04,967
	three

	EOF
	test_cmp expect final.srt &&
	head -n 4 final.vtt >vtt &&
	printf "%s\n" WEBVTT "" "00:00:00.200 --> 00:00:01.200" one >expect &&
	test_cmp expect vtt
'

test_expect_success 'the MP4 carries the same cues as a subtitle track' '
	ffmpeg -v error -i final.mp4 -map 0:s:0 -f srt embedded.srt &&
	test_cmp final.srt embedded.srt
'

# only_results: o holds the inputs and the caches of the track's parts and
# of their encoded audio, nothing half-written
only_results() {
	ls -A o >left && printf "%s\n" audio clip wav >expect && test_cmp expect left &&
	{ ls -A o/audio | grep -v -E "^([0-9a-f]{64}\.aac|index|part)\$" || :; } >left &&
	test -d o/audio/part && { ls -A o/audio/part | grep -v -E "^[0-9a-f]{64}\.(blocks|pcm)\$" || :; } >>left &&
	test_cmp /dev/null left
}

test_expect_success 'no temporary file is left behind' '
	only_results &&
	ls -A >top &&
	! grep tmp top
'

# expect_refusal CODE MESSAGE: mux fails with CODE, says MESSAGE, and
# leaves the earlier final.mp4 alone
expect_refusal() {
	cp final.mp4 before.mp4 &&
	test_must_fail "$1" "$BIN/mux" -d o -o final.mp4 mux.json 2>err &&
	echo "$2" >expect &&
	test_cmp expect err &&
	cmp before.mp4 final.mp4 &&
	only_results
}

test_expect_success 'a missing meta is named, exit 4' '
	mv o/clip/middle.json middle.json &&
	expect_refusal 4 "mux: o/clip/middle.json: No such file or directory" &&
	mv middle.json o/clip/middle.json
'

test_expect_success 'a missing clip is named, exit 4' '
	mv o/clip/end.mp4 end.mp4 &&
	expect_refusal 4 "mux: o/clip/end.mp4: No such file or directory" &&
	mv end.mp4 o/clip/end.mp4
'

test_expect_success 'a missing narration WAV is named, exit 4' '
	mv o/wav/intro.wav intro.wav &&
	expect_refusal 4 "mux: o/wav/intro.wav: No such file or directory" &&
	mv intro.wav o/wav/intro.wav
'

# mux reads clips from their meta files and WAVs itself: ffmpeg is the one
# program it needs without an intro or outro.
test_expect_success 'ffmpeg missing from PATH is a system error, exit 4' '
	cp final.mp4 before.mp4 &&
	PATH=$TMP/nowhere test_must_fail 4 "$BIN/mux" -d o -o final.mp4 mux.json 2>err &&
	test_grep "^mux: ffmpeg: not installed: run .make deps.$" err &&
	cmp before.mp4 final.mp4 &&
	only_results
'

test_expect_success 'a truncated WAV is bad media, exit 1' '
	cp o/wav/middle.wav middle.wav &&
	head -c 5000 middle.wav >o/wav/middle.wav &&
	expect_refusal 1 "mux: o/wav/middle.wav: not a complete PCM WAV: RIFF size does not match the file size (truncated or still being written)" &&
	mv middle.wav o/wav/middle.wav
'

test_expect_success 'a clip encoded with other settings than the output asks, exit 1' '
	cp mux.json good.json &&
	jq ".output.video_crf = 23" good.json >mux.json &&
	expect_refusal 1 "mux: o/clip/intro.mp4: encoded as libx264 crf 20 preset veryfast, the output asks for libx264 crf 23 preset veryfast: capture it again (make does, its fragment changed)" &&
	mv good.json mux.json
'

test_expect_success 'a meta from an older capture, without the encoder settings, exit 2' '
	cp o/clip/intro.json intro.json &&
	echo "{\"fps\":30,\"frames\":45,\"narration_start_frame\":6,\"width\":320,\"height\":240}" >o/clip/intro.json &&
	expect_refusal 2 "mux: o/clip/intro.json: video_codec: missing or not a string (a clip from an older capture: remake it)" &&
	mv intro.json o/clip/intro.json
'

test_expect_success 'a narration start past the clip end is invalid, exit 2' '
	cp o/clip/end.json end.json &&
	meta end 30 31 32 &&
	expect_refusal 2 "mux: o/clip/end.json: narration_start_frame: must be a whole number from 0 to 31" &&
	mv end.json o/clip/end.json
'

test_expect_success 'clips at different frame rates are invalid, exit 2' '
	cp o/clip/quiet.json quiet.json &&
	meta quiet 25 20 0 &&
	expect_refusal 2 "mux: o/clip/quiet.json: fps: 25 differs from the first clip'"'"'s 30" &&
	mv quiet.json o/clip/quiet.json
'

test_expect_success 'an id that could leave the folder is refused, exit 2' '
	cp mux.json good.json &&
	sed "s/\"id\": \"middle\"/\"id\": \"..\/middle\"/" good.json >mux.json &&
	expect_refusal 2 "mux: mux.json: steps[1].id: \"../middle\" starts with '"'"'.'"'"' or '"'"'-'"'"'" &&
	mv good.json mux.json
'

test_expect_success 'narration longer than its clip is cut there, with a warning' '
	cp o/wav/end.wav end.wav &&
	rm o/wav/end.wav &&
	make_wav end 880 48000 1.5 &&
	"$BIN/mux" -d o -o long.mp4 mux.json 2>err &&
	echo "mux: end: narration runs 0.467 s past the end of its clip; cut" >expect &&
	test_cmp expect err &&
	mv end.wav o/wav/end.wav
'

test_expect_success 'usage: -h on stdout with exit 0, no arguments exit 2' '
	"$BIN/mux" -h >out &&
	test_grep "^usage: mux -d outdir -o final.mp4 mux.json" out &&
	test_must_fail 2 "$BIN/mux" 2>err &&
	test_grep "^usage: mux" err
'

test_done
