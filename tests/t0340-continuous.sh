#!/bin/bash
# Continuous tours through make: one page across the steps, its state kept,
# one clip per step, the clips remade together; pre_setup commands run once
# before capture, shown first, and a failing one stops the build.
. "$(dirname "$0")/test-lib.sh"
. "$ROOT/tests/capture-lib.sh"

mkdir site
cp "$PAGES/widgets.html" site/
echo '<!doctype html><title>other</title><body style="margin:0;background:#000">' >site/other.html

# spec MODE [PRE_SETUP]: a three-step tour; steps one and two click the
# counter on one page, step three goes to another page
spec() {
	cat >tour.json <<JSON
{
  "settings": {"viewport": {"width": 320, "height": 240}, "voice": "am_michael",
               "lead_in": 0.2, "tail": 0.3, "mode": "$1", "cursor": false},
  "steps": [
    {"id": "one", "url": "site/widgets.html", "narration": "${ONE:-One.}",
     "actions": [{"type": "click_selector", "selector": "#count"}]},
    {"id": "two", "url": "site/widgets.html", "narration": "${NARRATION:-Two.}",
     "actions": [{"type": "pause", "duration": ${PAUSE:-0.2}},
                 {"type": "click_selector", "selector": "#count"}],
     "assertions": [{"type": "title_contains", "value": "count=2"}]},
    {"id": "three", "url": "site/other.html", "narration": "Three.", "actions": []}
  ]${2:+, \"pre_setup\": $2}
}
JSON
}

build() {
	make -C "$ROOT" --no-print-directory SPEC="$TMP/tour.json" OUT="$TMP/out" \
		CACHE="$TMP/cache" "$@" >make.log 2>&1
}

# mtime CLIP: its modification time, to the nanosecond
mtime() {
	stat -c %y "$1"
}

if ! have_browser; then
	test_skip "continuous tours" "no chromium-headless-shell"
	test_done
	exit
fi

test_expect_success 'spec2req tells make the tour is continuous' '
	spec continuous "[\"echo first >$TMP/ran\", \"echo second >>$TMP/ran\"]" &&
	$BIN/spec2req -o out tour.json &&
	test_grep "^CAPTURE_MODE := continuous$" out/steps.mk &&
	test "$(jq -c .commands out/pre_setup.json)" = "[\"echo first >$TMP/ran\",\"echo second >>$TMP/ran\"]" &&
	rm -rf out
'

test_expect_success 'a continuous tour is captured in one run, pre_setup first' '
	build clips || { cat make.log; false; } &&
	test "$(grep -c "^  CAP " make.log)" = 1 &&
	test_grep "^  CAP    $TMP/out/clip/\*\.mp4$" make.log &&
	test_grep "^pre_setup\[0\]: echo first >$TMP/ran$" make.log &&
	test_grep "^pre_setup\[1\]: echo second >>$TMP/ran$" make.log &&
	test "$(cat ran)" = "$(printf "first\nsecond")" &&
	# the setup ran before the capture
	test "$(grep -n -e "^pre_setup\[1\]" -e "^  CAP " make.log | cut -d: -f1 | tr "\n" " ")" \
		= "$(grep -n "^pre_setup\[1\]" make.log | cut -d: -f1) $(grep -n "^  CAP " make.log | cut -d: -f1) " &&
	for id in one two three; do
		test -s out/clip/$id.mp4 && test "$(meta out/clip/$id.json mode)" = continuous || return 1
	done
'

test_expect_success 'the page and its state carry over from step to step' '
	# step one: red, then the click turns the counter green
	is red "$(rgb out/clip/one.mp4 0 260 170)" &&
	is green "$(rgb out/clip/one.mp4 -1 260 170)" &&
	# step two opens on the same page, still green; its click makes blue
	is green "$(rgb out/clip/two.mp4 0 260 170)" &&
	is blue "$(rgb out/clip/two.mp4 -1 260 170)" &&
	# step three goes to its own URL
	is black "$(rgb out/clip/three.mp4 0 260 170)"
'

test_expect_success 'each clip holds exactly the frames its timing gives' '
	for id in one two three; do
		m=out/clip/$id.json &&
		want=$(jq -r "[((.narration_seconds + 0.5) * 30 + 0.5 | floor),
			(.action_frames + 9)] | max" $m) &&
		test "$(meta $m frames)" = "$want" &&
		test "$(frames out/clip/$id.mp4)" = "$want" || return 1
	done
'

test_expect_success 'the same step captured alone starts from a fresh page' '
	$BIN/stepcap -o alone.mp4 out/step/two/cap.json 2>err;
	test $? = 1 &&
	test_grep "expected the title to contain \"count=2\", but it is \"widgets count=1\"" err
'

test_expect_success 'nothing changed: nothing is captured again' '
	build clips &&
	! grep -q -e "^  CAP " -e "^  SETUP " -e "^pre_setup" make.log
'

test_expect_success 'the spec saved unchanged: split again, nothing kept, recorded or assembled' '
	build && before=$(mtime out/clip/one.mp4) && video=$(mtime out/tour.mp4) &&
	touch tour.json &&
	build && test_grep "^  SPLIT " make.log &&
	! grep -q -e "^  CAP " -e "^  KEEP " -e "^  MUX " -e "^  REPORT " make.log &&
	test "$(mtime out/clip/one.mp4)" = "$before" &&
	test "$(mtime out/tour.mp4)" = "$video"
'

test_expect_success 'one narration edited: that WAV, and every continuous clip together, from a fresh pre_setup' '
	before=$(mtime out/clip/one.mp4) &&
	echo stale >ran &&
	NARRATION="Two, now said at quite some greater length than before." \
		spec continuous "[\"echo first >$TMP/ran\", \"echo second >>$TMP/ran\"]" &&
	build clips &&
	test "$(grep -c "^  TTS " make.log)" = 1 &&
	test_grep "^  TTS .*/wav/two.wav" make.log &&
	test "$(grep -c "^  CAP " make.log)" = 1 &&
	test "$(mtime out/clip/one.mp4)" != "$before" &&
	test "$(grep -c "^pre_setup\[0\]" make.log)" = 1 &&
	test "$(cat ran)" = "$(printf "first\nsecond")"
'

test_expect_success 'a narration edited that the actions outlast: the clips are kept, nothing recorded' '
	PAUSE=3 spec continuous "[\"echo first >$TMP/ran\"]" &&
	build clips && test_grep "^  CAP " make.log &&
	for id in one two three; do cp out/clip/$id.mp4 $id.before || exit 1; done &&
	echo untouched >ran &&
	PAUSE=3 NARRATION="Two, said again." spec continuous "[\"echo first >$TMP/ran\"]" &&
	build clips || { cat make.log; false; } &&
	test_grep "^  TTS .*/wav/two.wav" make.log &&
	test_grep "^  KEEP   $TMP/out/clip/\*\.mp4$" make.log &&
	! grep -q -e "^  CAP " -e "^  SETUP " make.log && test "$(cat ran)" = untouched &&
	for id in one two three; do cmp $id.before out/clip/$id.mp4 || exit 1; done &&
	awk -v a="$(jq .narration_seconds out/clip/two.json)" \
		-v b="$(ffprobe -v error -show_entries format=duration -of csv=p=0 out/wav/two.wav)" \
		"BEGIN { d = a - b; exit !(d < 0.001 && d > -0.001) }" &&
	build clips && ! grep -q -e "^  KEEP " -e "^  CAP " make.log
'

# near A B: two patches of one picture, each from a stream coded its own
# way (kept, or held from its own keyframe): no byte more than 16 apart
near() {
	test "$(wc -c <"$1")" = "$(wc -c <"$2")" &&
	paste <(od -An -v -tu1 -w1 "$1") <(od -An -v -tu1 -w1 "$2") |
	awk '{ d = $1 - $2; if (d > 16 || d < -16) bad++ } END { exit bad > 0 }'
}

# framesum_column CLIP: each frame's checksum alone, one a line
framesum_column() {
	framesums "$1" | awk -F, '{ print $NF }'
}

test_expect_success 'a narration edited where the page is still: its ending held longer, nothing recorded' '
	long="Two, said slowly, at some length, while the page stays as it is." &&
	NARRATION=$long spec continuous "[\"echo first >$TMP/ran\"]" &&
	build clips && test_grep "^  CAP " make.log &&
	test -s out/clip/two.last.png &&
	still=$(jq .still_from out/clip/two.json) && old=$(jq .frames out/clip/two.json) &&
	test $((old - still)) -ge 30 &&
	for id in one two three; do cp out/clip/$id.mp4 $id.before || exit 1; done &&
	echo untouched >ran &&
	NARRATION="$long And then a little more is said." spec continuous "[\"echo first >$TMP/ran\"]" &&
	build clips || { cat make.log; false; } &&
	test_grep "^  KEEP   $TMP/out/clip/\*\.mp4$" make.log &&
	test_grep "^stepcap: step two: its still ending held [0-9.]* s longer, not recorded again$" make.log &&
	! grep -q -e "^  CAP " -e "^  SETUP " make.log && test "$(cat ran)" = untouched &&
	cmp one.before out/clip/one.mp4 && cmp three.before out/clip/three.mp4 &&
	new=$(jq .frames out/clip/two.json) && test "$new" -gt "$old" &&
	test "$(frames out/clip/two.mp4)" = "$new" &&
	test "$(jq .clip_bytes out/clip/two.json)" = "$(stat -c %s out/clip/two.mp4)" &&
	# the frames recorded are kept as they were, and the picture held
	framesum_column two.before >old.sums && framesum_column out/clip/two.mp4 >new.sums &&
	test "$(head -n $old new.sums)" = "$(cat old.sums)" &&
	patch two.before -1 0 0 320 240 >old.last && patch out/clip/two.mp4 -1 0 0 320 240 >new.last &&
	near old.last new.last &&
	is blue "$(rgb out/clip/two.mp4 -1 260 170)" &&
	# as long as a recording now makes it, and alike to the last frame
	rm -rf fresh && mkdir -p fresh/wav && cp out/wav/*.wav fresh/wav/ &&
	$BIN/stepcap -d fresh out/step/one/cap.json out/step/two/cap.json out/step/three/cap.json &&
	test "$(jq .frames fresh/clip/two.json)" = "$new" &&
	patch fresh/clip/two.mp4 -1 0 0 320 240 >fresh.last && near fresh.last new.last &&
	build clips && ! grep -q -e "^  KEEP " -e "^  CAP " make.log
'

test_expect_success 'and held shorter, to a frame after its last change, beside a clip kept before and held now' '
	cp out/clip/two.mp4 two.before &&
	old=$(jq .frames out/clip/two.json) &&
	ONE="One, and a few words more." NARRATION="Two, said a little more briefly, but still at some length." \
		spec continuous "[\"echo first >$TMP/ran\"]" &&
	build clips || { cat make.log; false; } &&
	test_grep "^stepcap: step two: its still ending held [0-9.]* s shorter, not recorded again$" make.log &&
	test_grep "^stepcap: step one: its still ending held [0-9.]* s longer, not recorded again$" make.log &&
	! grep -q "^  CAP " make.log &&
	new=$(jq .frames out/clip/two.json) && test "$new" -lt "$old" &&
	test "$(frames out/clip/two.mp4)" = "$new" &&
	framesum_column two.before | head -n $new >old.sums &&
	framesum_column out/clip/two.mp4 >new.sums &&
	test_cmp old.sums new.sums
'

test_expect_success 'stepcap -k holds an ending only where the page was still, with the picture and clip it recorded' '
	caps="out/step/one/cap.json out/step/two/cap.json out/step/three/cap.json" &&
	NARRATION="Two, now said at far, far greater length than any time before, so that it is held." \
		spec continuous "[\"echo first >$TMP/ran\"]" &&
	build "$TMP/out/wav/two.wav" &&
	cp out/clip/two.json two.meta &&
	jq ".still_from = .frames - 29" two.meta >out/clip/two.json &&
	test "$($BIN/stepcap -k -d out $caps)" = record &&
	jq ".clip_bytes += 1" two.meta >out/clip/two.json &&
	test "$($BIN/stepcap -k -d out $caps)" = record &&
	cp out/clip/three.json three.meta &&
	jq ".clip_bytes += 1" three.meta >out/clip/three.json &&
	test "$($BIN/stepcap -k -d out $caps)" = record &&
	cp three.meta out/clip/three.json &&
	jq "del(.still_from)" two.meta >out/clip/two.json &&
	test "$($BIN/stepcap -k -d out $caps)" = record &&
	cp two.meta out/clip/two.json &&
	mv out/clip/two.last.png two.png &&
	test "$($BIN/stepcap -k -d out $caps)" = record &&
	cp out/clip/three.last.png out/clip/two.last.png &&
	test "$($BIN/stepcap -k -d out $caps)" = record &&
	# a picture ffmpeg cannot read, as if recorded so: no clip replaced,
	# nothing left behind
	cp out/clip/two.mp4 two.clip &&
	echo "not a picture" >out/clip/two.last.png &&
	jq ".last_png_sha256 = \"$(sha256sum <out/clip/two.last.png | cut -d" " -f1)\"" \
		two.meta >out/clip/two.json &&
	test_must_fail 1 $BIN/stepcap -k -d out $caps >said 2>err &&
	test ! -s said && cmp two.clip out/clip/two.mp4 &&
	test -z "$(ls -A out/clip | grep -e "\.tmp\." -e "^\.retime")" &&
	cp two.png out/clip/two.last.png && cp two.meta out/clip/two.json &&
	test "$($BIN/stepcap -k -d out $caps 2>err)" = kept &&
	test_grep "step two: its still ending held" err &&
	spec continuous "[\"echo first >$TMP/ran\"]" && build clips
'

# A field typed into: the tour ends on the caret's blink, which goes on as
# the narration is held longer, in phase, as a recording would have it.
cp "$PAGES/caret.html" site/field.html

# field_tour NARRATION: step one types into the field (and does $AFTER),
# step two waits
field_tour() {
	cat >field.json <<JSON
{
  "settings": {"viewport": {"width": 320, "height": 240}, "voice": "am_michael",
               "lead_in": 0.2, "tail": 0.3, "mode": "continuous", "cursor": false},
  "steps": [
    {"id": "type", "url": "site/field.html", "narration": "$1",
     "actions": [{"type": "click_selector", "selector": "#f"},
                 {"type": "type_text", "text": "ab", "delay": 30}${AFTER:+, $AFTER}]},
    {"id": "wait", "url": "site/field.html", "narration": "And on.",
     "actions": [{"type": "pause", "duration": 0.5}]}
  ]
}
JSON
	make -C "$ROOT" --no-print-directory SPEC="$TMP/field.json" OUT="$TMP/fout" \
		CACHE="$TMP/cache" clips >make.log 2>&1
}

test_expect_success 'an ending where only the caret blinks: held longer, the blink going on in phase' '
	field_tour "Typed, and now a few words said about it." &&
	test "$(jq .blink fout/clip/type.json)" = true && test -s fout/clip/type.blink.png &&
	cp fout/clip/wait.mp4 wait.before &&
	field_tour "Typed, and now a few words said about it, and a few words more." ||
		{ cat make.log; false; } &&
	test_grep "^stepcap: step type: its still ending held [0-9.]* s longer, not recorded again$" make.log &&
	! grep -q "^  CAP " make.log && cmp wait.before fout/clip/wait.mp4 &&
	caret_states fout/clip/type.mp4 >held.states &&
	grep -Eq "#{15}[.]{15}#{15}[.]{15}" held.states &&
	rm -rf fresh && mkdir -p fresh/wav && cp fout/wav/*.wav fresh/wav/ &&
	$BIN/stepcap -d fresh fout/step/type/cap.json fout/step/wait/cap.json &&
	caret_states fresh/clip/type.mp4 >fresh.states &&
	cat held.states && echo && cat fresh.states && echo &&
	test_cmp fresh.states held.states &&
	test "$(jq .frames fresh/clip/type.json)" = "$(jq .frames fout/clip/type.json)" &&
	# the step after starts its own blink: as recorded now, frame for frame
	test_cmp <(framesums fresh/clip/wait.mp4) <(framesums fout/clip/wait.mp4)
'

# silence SECONDS: the typing step's narration, that long
silence() {
	ffmpeg -v error -y -f lavfi -i anullsrc=r=24000:cl=mono -t "$1" -c:a pcm_s16le \
		fout/wav/type.wav
}

test_expect_success 'cut short by more than a blink, then held longer: the blink still in phase' '
	caps="fout/step/type/cap.json fout/step/wait/cap.json" &&
	silence 5 && $BIN/stepcap -d fout $caps &&
	test "$(jq .blink fout/clip/type.json)" = true &&
	silence 3 && test "$($BIN/stepcap -k -d fout $caps 2>err)" = kept &&
	test_grep "held [0-9.]* s shorter" err &&
	silence 4 && test "$($BIN/stepcap -k -d fout $caps 2>err)" = kept &&
	test_grep "held [0-9.]* s longer" err &&
	caret_states fout/clip/type.mp4 >held.states &&
	rm -rf fresh && mkdir -p fresh/wav && cp fout/wav/*.wav fresh/wav/ &&
	$BIN/stepcap -d fresh $caps &&
	caret_states fresh/clip/type.mp4 >fresh.states &&
	test_cmp fresh.states held.states
'

test_expect_success 'stepcap -k stopped by a signal while it holds an ending: nothing left behind' '
	caps="fout/step/type/cap.json fout/step/wait/cap.json" &&
	silence 4 && $BIN/stepcap -d fout $caps && cp fout/clip/type.mp4 type.before &&
	silence 900 && { $BIN/stepcap -k -d fout $caps >said 2>err & pid=$!; } &&
	for i in $(seq 600); do
		ls -A fout/clip | grep -q "^\.retime" && break
		sleep 0.05
	done &&
	kill -TERM $pid && status=0 && { wait $pid || status=$?; } &&
	test "$status" = 143 && test ! -s said && test "$(cat err)" = "stepcap: interrupted" &&
	cmp type.before fout/clip/type.mp4 &&
	test -z "$(ls -A fout/clip | grep -e "\.tmp\." -e "^\.retime")"
'

test_expect_success 'and by Ctrl-C, which stops its ffmpeg too: the clip is not blamed' '
	caps="fout/step/type/cap.json fout/step/wait/cap.json" &&
	# its own process group, as a terminal gives a command
	{ setsid $BIN/stepcap -k -d fout $caps >said 2>err & pid=$!; } &&
	for i in $(seq 600); do
		pgrep -g $pid -x ffmpeg >/dev/null && break
		sleep 0.05
	done &&
	kill -INT -- -$pid && status=0 && { wait $pid || status=$?; } &&
	test "$status" = 130 && test ! -s said && test "$(cat err)" = "stepcap: interrupted" &&
	cmp type.before fout/clip/type.mp4 &&
	test -z "$(ls -A fout/clip | grep -e "\.tmp\." -e "^\.retime")"
'

test_expect_success 'a field that loses the focus on a blink frame ends still, not blinking' '
	AFTER="{\"type\": \"pause\", \"duration\": 1.9},
		{\"type\": \"eval\", \"expression\": \"document.activeElement.blur()\"}" &&
	AFTER=$AFTER field_tour "Typed." || { cat make.log; false; } &&
	test "$(jq .blink fout/clip/type.json)" = false &&
	test "$(jq .still_from fout/clip/type.json)" = "$(jq .last_change fout/clip/type.json)" &&
	caret_states fout/clip/type.mp4 | grep -Eq "[.]{9}$"
'

test_expect_success 'fragments touched, as make watch does for a saved asset: recorded' '
	touch out/step/*/cap.json &&
	build clips && test_grep "^  CAP " make.log && ! grep -q "^  KEEP " make.log
'

test_expect_success 'one that outlasts them, or anything else changed: the clips are recorded' '
	PAUSE=3 NARRATION="Two, now said at quite some greater length than the pause in this step, which it outlasts." \
		spec continuous "[\"echo first >$TMP/ran\"]" &&
	frames=$(jq .frames out/clip/two.json) &&
	build clips && test_grep "^  CAP " make.log && ! grep -q "^  KEEP " make.log &&
	test "$(jq .frames out/clip/two.json)" -gt "$frames" &&
	PAUSE=3 NARRATION="Two." spec continuous "[\"echo changed >$TMP/ran\"]" &&
	build clips && test_grep "^  CAP " make.log && test "$(cat ran)" = changed
'

test_expect_success 'stepcap -k: kept only while every clip, meta file, step before, page and -n file is as recorded' '
	caps="out/step/one/cap.json out/step/two/cap.json out/step/three/cap.json" &&
	test "$($BIN/stepcap -k -d out $caps)" = kept &&
	test "$($BIN/stepcap -k -d out out/step/one/cap.json out/step/three/cap.json)" = record &&
	cp out/clip/three.json three.meta &&
	jq ".input = \"$(printf %064d 0)\"" three.meta >out/clip/three.json &&
	test "$($BIN/stepcap -k -d out $caps)" = record &&
	head -c 20 three.meta >out/clip/three.json &&
	test "$($BIN/stepcap -k -d out $caps)" = record &&
	cp three.meta out/clip/three.json &&
	test "$($BIN/stepcap -k -d out $caps)" = kept &&
	mv out/clip/one.mp4 one.mp4 &&
	test "$($BIN/stepcap -k -d out $caps)" = record &&
	mv one.mp4 out/clip/one.mp4 &&
	test "$($BIN/stepcap -k -d out $caps)" = kept &&
	soon=@$(($(date +%s) + 60)) &&
	touch -d $soon later &&
	test "$($BIN/stepcap -k -n tour.json -d out $caps)" = kept &&
	test "$($BIN/stepcap -k -n tour.json -n later -d out $caps)" = record &&
	test "$($BIN/stepcap -k -n missing -d out $caps)" = record &&
	touch -d $soon site/widgets.html &&
	test "$($BIN/stepcap -k -d out $caps)" = record &&
	touch -d @$(($(date +%s) - 60)) site/widgets.html &&
	test_must_fail 2 $BIN/stepcap -k -o x.mp4 out/step/one/cap.json &&
	test_must_fail 2 $BIN/stepcap -n later -d out $caps
'

# edit FILTER: the tour as jq's FILTER leaves it
edit() {
	jq "$1" tour.json >edited.json && mv edited.json tour.json
}

test_expect_success 'the last step removed: the clips before it are kept' '
	spec continuous && edit "del(.steps[1].assertions)" && build clips &&
	edit "del(.steps[2])" &&
	build clips && test_grep "^  KEEP " make.log && ! grep -q "^  CAP " make.log
'

test_expect_success 'the first step removed: the steps after it are recorded again, from the new state' '
	edit "del(.steps[0])" &&
	build clips && test_grep "^  CAP " make.log && ! grep -q "^  KEEP " make.log &&
	spec continuous
'

test_expect_success 'a failed capture through make keeps every earlier clip' '
	spec continuous &&
	build clips &&
	ls out/clip >before &&
	sed "s/count=2/count=7/" tour.json >broken.json && mv broken.json tour.json &&
	test_must_fail 2 build clips &&
	test_grep "two: assertions" make.log &&
	ls out/clip >after &&
	test_cmp before after &&
	spec continuous
'

test_expect_success 'pre_setup commands never reach a command line' '
	spec continuous "[\"echo changed >$TMP/ran\"]" &&
	build clips V=1 &&
	test "$(cat ran)" = changed &&
	test "$(grep -c "echo changed" make.log)" = 1 &&
	test_grep "^pre_setup\[0\]: echo changed" make.log
'

test_expect_success 'a failing pre_setup command stops the build with its output' '
	spec continuous "[\"echo fine\", \"echo oops >&2; exit 3\", \"echo never >$TMP/never\"]" &&
	rm -f out/clip/* &&
	test_must_fail 2 build clips &&
	test_grep "^oops$" make.log &&
	test_grep "^presetup: pre_setup\[1\] failed (exit 3): echo oops >&2; exit 3$" make.log &&
	test ! -e never &&
	test -z "$(ls out/clip)" &&
	! grep -q "^  CAP " make.log
'

test_expect_success 'independent mode: one capture per step, each on a fresh page' '
	spec independent &&
	# alone, step two counts only its own click
	jq "del(.steps[1].assertions)" tour.json >t && mv t tour.json &&
	build clips &&
	test "$(grep -c "^  CAP " make.log)" = 3 &&
	test_grep "^CAPTURE_MODE := independent$" out/steps.mk &&
	is red "$(rgb out/clip/two.mp4 0 260 170)" &&
	is green "$(rgb out/clip/two.mp4 -1 260 170)"
'

test_expect_success 'presetup: usage, and a bad fragment is refused' '
	$BIN/presetup -h >out.txt && test_grep "^usage: presetup " out.txt &&
	test_must_fail 2 $BIN/presetup -Z 2>err && test_grep "^usage: presetup " err &&
	echo "{\"commands\": [1]}" >bad.json &&
	test_must_fail 2 $BIN/presetup bad.json 2>err &&
	test_grep "^presetup: bad.json: commands\[0\]: not a string$" err &&
	echo "{\"commands\": [\"true\"]}" >good.json &&
	PATH=$TMP/nowhere test_must_fail 4 $BIN/presetup good.json >out.txt 2>err &&
	echo "presetup: sh: not installed: run '"'"'make deps'"'"'" >expect &&
	test_cmp expect err
'

test_expect_success 'stepcap -d refuses independent steps given together' '
	spec independent && $BIN/spec2req -o ind tour.json &&
	mkdir -p ind/wav && for id in one two; do cp out/wav/$id.wav ind/wav/; done &&
	test_must_fail 2 $BIN/stepcap -d ind ind/step/one/cap.json ind/step/two/cap.json 2>err &&
	test_grep "^stepcap: steps\[one\]\.mode: \"independent\": only continuous steps are recorded together" err
'

test_expect_success 'stepcap -d: the cursor keeps its place across a navigation' '
	spec continuous && jq ".settings.cursor = true" tour.json >t && mv t tour.json &&
	$BIN/spec2req -o cur tour.json &&
	mkdir -p cur/wav && cp out/wav/*.wav cur/wav/ &&
	$BIN/stepcap -d cur cur/step/one/cap.json cur/step/two/cap.json cur/step/three/cap.json &&
	# the pointer rests on the counter (centre 260,170) at the end of step
	# two, and is still drawn there (white outline, dark fill) over the
	# black page as step three opens
	is dark "$(rgb cur/clip/two.mp4 -1 262 178)" &&
	is black "$(rgb cur/clip/three.mp4 0 100 100)" &&
	c=$(rgb cur/clip/three.mp4 0 258 176) &&
	echo "$c" | awk "{ exit !(\$1 > 60 && \$2 > 60 && \$3 > 60) }"
'

test_expect_success 'stepcap -d: a failing step replaces no clip and is named in the failure files' '
	cp cur/clip/one.mp4 one.before &&
	jq ".steps[1].assertions[0].value = \"count=9\"" tour.json >t && mv t tour.json &&
	$BIN/spec2req -o cur tour.json &&
	test_must_fail 1 $BIN/stepcap -d cur cur/step/one/cap.json cur/step/two/cap.json \
		cur/step/three/cap.json 2>err &&
	test_grep "^stepcap: step two: assertions\[0\] (title_contains): expected the title to contain \"count=9\"" err &&
	test -s cur/fail/two-attempt-1.png && test -s cur/fail/two-attempt-1.txt &&
	test ! -e cur/fail/one-attempt-1.png &&
	cmp one.before cur/clip/one.mp4 &&
	test -z "$(ls -A cur/clip | grep "\.tmp\.")"
'

test_expect_success 'stepcap -d: a step that only changes the #fragment stays on the page' '
	jq ".settings.cursor = false | .steps[1].url = \"site/widgets.html#count\" | del(.steps[2])
	    | .steps[1].assertions[0].value = \"count=2\"" tour.json >frag.json &&
	$BIN/spec2req -o hash frag.json &&
	mkdir -p hash/wav && cp out/wav/one.wav out/wav/two.wav hash/wav/ &&
	$BIN/stepcap -d hash hash/step/one/cap.json hash/step/two/cap.json &&
	# no reload: the count of step one carries over
	is green "$(rgb hash/clip/two.mp4 0 260 170)" &&
	is blue "$(rgb hash/clip/two.mp4 -1 260 170)"
'

test_expect_success 'settings.cursor and max_wait_seconds are checked' '
	jq ".settings.cursor = \"yes\"" tour.json >c.json &&
	test_must_fail 2 $BIN/spec2req c.json 2>err &&
	test_grep "^spec2req: c.json: settings.cursor: expected true or false, got a string$" err &&
	jq ".settings.max_wait_seconds = 100" tour.json >w.json &&
	test_must_fail 2 $BIN/spec2req w.json 2>err &&
	test_grep "settings.max_wait_seconds: 100 is out of range: use a value from 0 to 60$" err
'

test_done
