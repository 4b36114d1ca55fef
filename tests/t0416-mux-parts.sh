#!/bin/sh
# mux: each step's part of the audio track, as it stands and as
# normalised, is kept in outdir/audio/part under a digest of all that
# made it; an assembly builds again only the parts an edit changed, and
# makes of the others' kept samples the file a first assembly would make.
. "$(dirname "$0")/test-lib.sh"
. "$ROOT/tests/audio-lib.sh"

# Four steps of 451 frames at 30 fps, each narrated by espeak-ng at its
# own 22050 Hz, which mux resamples.
test_expect_success 'set up four 15 s steps, narrated' '
	mkdir -p o/clip o/wav &&
	ffmpeg -v error -f lavfi -i "testsrc2=s=160x120:r=30" -frames:v 451 \
		-c:v libx264 -preset veryfast -crf 20 -pix_fmt yuv420p -g 60 o/clip/s1.mp4 &&
	jq -n "{fps: 30, frames: 451, narration_start_frame: 15, width: 160, height: 120,
		video_codec: \"libx264\", video_crf: 20, video_preset: \"veryfast\"}" >o/clip/s1.json &&
	for i in 1 2 3 4; do
		if [ $i != 1 ]; then
			ln o/clip/s1.mp4 o/clip/s$i.mp4 && cp o/clip/s1.json o/clip/s$i.json || return 1
		fi
		espeak-ng -w o/wav/s$i.wav "Step $i. Here the page shows the numbers of part $i, \
one by one, while we read them out." || return 1
	done &&
	cat >loud.json <<-JSON
	{"spec_dir": "$TMP", "meta": {}, "output": {"loudnorm": true},
	 "steps": [{"id": "s1", "narration": "one"}, {"id": "s2", "narration": "two"},
	           {"id": "s3", "narration": "three"}, {"id": "s4", "narration": "four"}]}
	JSON
	sed "s/\"loudnorm\": true/\"loudnorm\": false/" loud.json >plain.json
'

# made_since: the cache's files written since the file "since" was
made_since() {
	find o/audio/part -type f -newer since | sort
}

# pcm_made_since: how many parts' samples were made since "since"
pcm_made_since() {
	made_since | grep -c "\.pcm\$"
}

# a cold assembly of what o holds now, in a folder of its own
cold() {
	rm -rf cold && mkdir cold && cp -R o/clip o/wav cold/ &&
	"$BIN/mux" -d cold -o cold.mp4 "$1"
}

test_expect_success 'a first assembly keeps each part, and its samples normalised' '
	"$BIN/mux" -d o -o tour.mp4 loud.json &&
	within "$(lufs tour.mp4)" -16 1 &&
	ls o/audio/part/*.pcm >pcm && test $(wc -l <pcm) = 4 &&
	for f in $(cat pcm); do
		test $(stat -c %s "$f") = $((451 * 1600 * 2)) || return 1
	done
'

test_expect_success 'unchanged, no part is built again, and the file is the same' '
	touch since &&
	"$BIN/mux" -d o -o again.mp4 loud.json &&
	made_since >made && test_cmp /dev/null made &&
	cmp tour.mp4 again.mp4
'

# A narration said a little otherwise moves the loudness by hundredths of
# a LU, and keeps the gain: the other parts' samples serve as they are.
test_expect_success 'one narration changed: only its part is built again, into the same file' '
	espeak-ng -w o/wav/s3.wav "Step 3. Here the page shows the numbers of part 3, \
one by one, while we read them all out." &&
	touch since &&
	"$BIN/mux" -d o -o edited.mp4 loud.json &&
	test "$(pcm_made_since)" = 1 &&
	within "$(lufs edited.mp4)" -16 1 &&
	cold loud.json && cmp edited.mp4 cold.mp4 &&
	ls o/audio/part | sort >kept && ls cold/audio/part | sort >want && test_cmp want kept
'

test_expect_success 'damaged samples in the cache are built again, into the same file' '
	entry=$(ls o/audio/part/*.pcm | head -n 1) &&
	printf "\\377" | dd of="$entry" bs=1 seek=3000 conv=notrunc 2>/dev/null &&
	touch since &&
	"$BIN/mux" -d o -o mended.mp4 loud.json &&
	made_since >made && test_grep "^$entry\$" made &&
	cmp edited.mp4 mended.mp4 &&
	touch since &&
	"$BIN/mux" -d o -o mended.mp4 loud.json &&
	made_since >made && test_cmp /dev/null made
'

test_expect_success 'blocks cut short, or samples, are measured or built again' '
	for f in $(ls o/audio/part/*.blocks | head -n 3); do
		head -c 100 "$f" >cut && cat cut >"$f" || return 1
	done &&
	entry=$(ls o/audio/part/*.pcm | tail -n 1) &&
	head -c 5000 "$entry" >cut && cat cut >"$entry" &&
	"$BIN/mux" -d o -o mended.mp4 loud.json &&
	cmp edited.mp4 mended.mp4 &&
	touch since &&
	"$BIN/mux" -d o -o mended.mp4 loud.json &&
	made_since >made && test_cmp /dev/null made
'

# Well-formed, but not what was measured: numbers changed in place, and a
# count far past what the file holds.
test_expect_success 'blocks damaged in place are measured again' '
	set -- $(ls o/audio/part/*.blocks) &&
	awk "NR > 2 && /^[0-9]/ { \$0 = \$0 * 30 } { print }" "$1" >damaged &&
	! cmp -s damaged "$1" && cat damaged >"$1" &&
	{ head -n 1 "$2" && echo 100000000 && echo 0; } >damaged && cat damaged >"$2" &&
	touch since &&
	(ulimit -v 700000 && "$BIN/mux" -d o -o mended.mp4 loud.json) &&
	cmp edited.mp4 mended.mp4 &&
	made_since >made && test_grep "^$1\$" made && test_grep "^$2\$" made
'

test_expect_success 'parts another build of mux made are not used' '
	cp "$BIN/mux" mux2 && printf "\\n" >>mux2 &&
	touch since &&
	./mux2 -d o -o rebuilt.mp4 loud.json &&
	test "$(pcm_made_since)" = 4 &&
	cmp edited.mp4 rebuilt.mp4
'

test_expect_success 'without loudnorm the parts serve again too' '
	"$BIN/mux" -d o -o plain.mp4 plain.json &&
	touch since &&
	"$BIN/mux" -d o -o plain2.mp4 plain.json &&
	made_since >made && test_cmp /dev/null made &&
	cmp plain.mp4 plain2.mp4 &&
	ls o/audio/part/*.pcm | wc -l >count && echo 4 >expect && test_cmp expect count
'

test_expect_success 'the cache keeps what the last assembly used, and what a live run writes' '
	: >o/audio/part/.gone.pcm.tmp.999999999 &&
	: >o/audio/part/.live.pcm.tmp.$$ &&
	: >o/audio/part/notes.txt &&
	"$BIN/mux" -d o -o tour.mp4 loud.json &&
	test -d o/audio/part && { ls -A o/audio/part | grep -v -E "^[0-9a-f]{64}\\.(blocks|pcm)\$" || :; } >left &&
	printf "%s\n" .live.pcm.tmp.$$ notes.txt >expect && test_cmp expect left &&
	ls o/audio/part/*.pcm | wc -l >count && echo 4 >expect && test_cmp expect count
'

# Steps alike are one part, which both threads may make at once: the
# second step of each half narrated as the first, and two steps without
# narration of one length.
test_expect_success 'steps alike share their part, made at once on both threads' '
	rm -rf alike && mkdir -p alike/clip alike/wav &&
	for i in 1 2 3 4 5 6; do
		ln o/clip/s1.mp4 alike/clip/s$i.mp4 && cp o/clip/s1.json alike/clip/s$i.json || return 1
	done &&
	cp o/wav/s1.wav alike/wav/s1.wav && cp o/wav/s1.wav alike/wav/s4.wav &&
	cp o/wav/s2.wav alike/wav/s2.wav && cp o/wav/s2.wav alike/wav/s5.wav &&
	cat >alike.json <<-JSON &&
	{"spec_dir": "$TMP", "meta": {}, "output": {"loudnorm": true},
	 "steps": [{"id": "s1", "narration": "one"}, {"id": "s2", "narration": "two"},
	           {"id": "s3", "narration": ""}, {"id": "s4", "narration": "one"},
	           {"id": "s5", "narration": "two"}, {"id": "s6", "narration": ""}]}
	JSON
	"$BIN/mux" -d alike -o alike.mp4 alike.json &&
	ls alike/audio/part/*.pcm | wc -l >count && echo 3 >expect && test_cmp expect count &&
	test -d alike/audio/part && { ls -A alike/audio/part | grep -v -E "^[0-9a-f]{64}\.(blocks|pcm)\$" || :; } >left &&
	test_cmp /dev/null left &&
	within "$(lufs alike.mp4)" -16 1
'

test_expect_success 'a cache folder that cannot be made is named, exit 4' '
	rm -rf o/audio/part && : >o/audio/part &&
	test_must_fail 4 "$BIN/mux" -d o -o none.mp4 loud.json 2>err &&
	echo "mux: o/audio/part: not a folder: remove it" >expect && test_cmp expect err &&
	test ! -e none.mp4 &&
	rm o/audio/part
'

test_done
