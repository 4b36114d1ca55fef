#!/bin/sh
# stepcap: exact frame counts, input that shows in the pixels, identical
# frames on a second run, and clear failures that leave no half clip
. "$(dirname "$0")/test-lib.sh"
. "$ROOT/tests/capture-lib.sh"

# cap ID URL FPS LEAD TAIL ACTIONS [EXTRA]: a capture fragment like spec2req's
cap() {
	cat >"$1.json" <<EOF
{"id": "$1", "index": 0, "url": "file://$TMP/$2", "fps": $3,
 "viewport": {"width": 320, "height": 240}, "video_size": {"width": 320, "height": 240},
 "lead_in": $4, "tail": $5, "timeout": 2, "mode": "independent",
 "preloader_selector": null, "actions": $6 ${7:+, $7}}
EOF
}

cat >box.html <<'EOF'
<!doctype html>
<style>
  body { margin: 0; background: #fff; }
  #box { position: absolute; left: 0; top: 0; width: 100px; height: 100px; background: #f00; }
  #late { display: none; }
  textarea { position: absolute; left: 0; top: 120px; width: 300px; height: 100px;
             font: 24px monospace; border: 0; outline: 0; padding: 0; resize: none; }
</style>
<div id="box" onclick="this.style.background = '#0f0';
  document.getElementById('late').style.display = 'block'"></div>
<p id="late">here</p>
<textarea id="t"></textarea>
<script>
  addEventListener('keydown', e => {
    if (e.ctrlKey && e.shiftKey && e.code === 'KeyP')
      document.getElementById('box').style.background = '#00f';
  });
</script>
EOF

cat >status.html <<'EOF'
<!doctype html>
<style>
  body { margin: 0; background: #fff; }
  div { position: absolute; top: 0; width: 100px; height: 100px; background: #f00; }
</style>
<div id="text" style="left: 0"></div><div id="status" style="left: 120px"></div>
<script>
  // like an editor: the text drawn at once, the status line in the third
  // animation frame after the key, the one drawn after its picture
  const after = (n, fn) => n ? requestAnimationFrame(() => after(n - 1, fn)) : fn();
  addEventListener('keydown', () => {
    document.getElementById('text').style.background = '#00f';
    after(3, () => { document.getElementById('status').style.background = '#0f0'; });
  });
</script>
EOF

cat >tall.html <<'EOF'
<!doctype html>
<style>
  body { margin: 0; }
  div { height: 1200px; }
  html { scroll-behavior: smooth; }
</style>
<div style="background: #f00"></div><div style="background: #00f"></div>
EOF

if ! have_browser; then
	test_skip "stepcap end to end" "no chromium-headless-shell"
	test_done
	exit
fi

test_expect_success '-h prints usage on stdout' '
	$BIN/stepcap -h >out &&
	test_grep "^usage: stepcap " out
'

test_expect_success 'no fragment is a usage error' '
	test_must_fail 2 $BIN/stepcap -o x.mp4 2>err &&
	test_grep "^usage: " err
'

test_expect_success 'actions longer than the narration set the length' '
	cap hold box.html 30 0.5 1.0 "[{\"type\": \"pause\", \"duration\": 2}]" &&
	$BIN/stepcap -m hold.meta -o hold.mp4 hold.json >out &&
	test ! -s out &&
	test "$(frames hold.mp4)" = 90 &&
	grep -q "\"frames\":	90" hold.meta &&
	grep -q "\"action_frames\":	60" hold.meta &&
	grep -q "\"narration_start_frame\":	15" hold.meta
'

test_expect_success 'the narration sets the length: lead-in + WAV + tail' '
	ffmpeg -v error -f lavfi -i anullsrc=r=22050:cl=mono -t 2.3 x.wav &&
	cap narr box.html 30 0.5 1.0 "[{\"type\": \"wait_for_load\"}]" &&
	$BIN/stepcap -w x.wav -m narr.meta -o narr.mp4 narr.json &&
	test "$(frames narr.mp4)" = 114 &&
	grep -q "\"frames\":	114" narr.meta &&
	grep -q "\"narration_seconds\":	2.3" narr.meta
'

test_expect_success 'a held picture is repeat frames: a few bytes each, the picture before' '
	# 114 frames of a still page: the picture at the start, again 1, 2,
	# 4, 8 and 16 frames on (brought up to the quality of a still one),
	# and at the two-second keyframe; every other frame a repeat
	ffmpeg -v warning -i narr.mp4 -f null - 2>err &&
	test ! -s err &&
	ffprobe -v error -select_streams v:0 -show_entries packet=size,pts_time,flags \
		-of csv=p=0 narr.mp4 >packets &&
	test "$(wc -l <packets)" = 114 &&
	test "$(awk -F, "\$2 > 16 { print NR - 1 }" packets | xargs)" = "0 1 2 4 8 16 60" &&
	test "$(awk -F, "\$3 ~ /K/ { print \$1 + 0 }" packets | xargs)" = "0 2" &&
	framesums narr.mp4 | cut -d, -f6 >sums &&
	paste -d, packets sums | awk -F, "
		NR > 1 && \$2 <= 16 && \$4 != last { bad++ } { last = \$4 } END { exit bad > 0 }"
'

test_expect_success 'x264 encodes each picture as it comes, with no lookahead or frame thread to hold it' '
	# x264 writes the settings it ran with into the stream (the
	# lookahead only when it has one)
	grep -a -o "x264 - core [^ ]* .*" narr.mp4 | head -n 1 | tr " " "\n" >settings &&
	grep -a -q -x "mbtree=0" settings &&
	grep -a -q -x "bframes=0" settings &&
	grep -a -q -x "threads=1" settings &&
	! grep -a -q "^rc_lookahead=" settings
'

test_expect_success 'a clip says its colours as every clip, intro and outro does' '
	# the browser gives RGB; what joins clips by stream copy keeps the
	# first one SPS, so they must all describe their colours alike
	cap colour box.html 30 0 0.5 "[]" &&
	$BIN/stepcap -o colour.mp4 colour.json &&
	test "$(ffprobe -v error -show_entries stream=color_range,color_space,chroma_location \
		-of csv=p=0 colour.mp4)" = "tv,bt470bg,center" &&
	is red "$(rgb colour.mp4 0 45 45)" && is white "$(rgb colour.mp4 0 200 45)"
'

test_expect_success 'another encoder than x264 encodes each held frame' '
	cap mp4v box.html 30 0 1.0 "[]" "\"video\": {\"codec\": \"mpeg4\"}" &&
	$BIN/stepcap -o mp4v.mp4 mp4v.json &&
	test "$(ffprobe -v error -show_entries stream=codec_name -of csv=p=0 mp4v.mp4)" = mpeg4 &&
	test "$(frames mp4v.mp4)" = 30 &&
	# the same picture throughout, bar what P frames refine of the first
	patch mp4v.mp4 0 0 0 200 150 >first &&
	patch mp4v.mp4 -1 0 0 200 150 >last &&
	looks_same first last
'

test_expect_success 'typing takes delay per character, at any frame rate' '
	cap typing box.html 24 0 0.5 \
		"[{\"type\": \"type_text\", \"text\": \"abcde\", \"delay\": 100}]" &&
	$BIN/stepcap -m typing.meta -o typing.mp4 typing.json &&
	test "$(frames typing.mp4)" = 24 &&
	grep -q "\"action_frames\":	12" typing.meta
'

test_expect_success 'an empty step still lasts lead-in + tail' '
	cap empty box.html 30 0.5 1.0 "[]" &&
	$BIN/stepcap -o empty.mp4 empty.json &&
	test "$(frames empty.mp4)" = 45
'

test_expect_success 'a click shows in the frames' '
	cap click box.html 30 0 1.0 "[{\"type\": \"click_selector\", \"selector\": \"#box\"},
		{\"type\": \"wait_for_selector\", \"selector\": \"#late\"}]" &&
	$BIN/stepcap -o click.mp4 click.json &&
	is red "$(rgb click.mp4 0 45 45)" &&
	is green "$(rgb click.mp4 27 45 45)"
'

test_expect_success 'typed text and Enter change the pixels' '
	cap type box.html 30 0 0.5 "[{\"type\": \"click_selector\", \"selector\": \"#t\"},
		{\"type\": \"type_text\", \"text\": \"hello\nworld\", \"delay\": 20}]" &&
	$BIN/stepcap -o type.mp4 type.json &&
	# the cursor glides to the field and clicks (21 frames), then the typing
	patch type.mp4 0 0 120 100 30 >before &&
	patch type.mp4 36 0 120 100 30 >after &&
	! cmp -s before after &&
	patch type.mp4 0 0 150 100 30 >line2-before &&
	patch type.mp4 36 0 150 100 30 >line2-after &&
	! cmp -s line2-before line2-after
'

test_expect_success 'a key typed alone costs one picture, not two' '
	# each key changes one frame, and the caret blinks; the frame after
	# either is still, and is probed rather than pictured
	cap keys box.html 30 0 1.0 "[{\"type\": \"click_selector\", \"selector\": \"#t\"},
		{\"type\": \"type_text\", \"text\": \"abcdefghijkl\", \"delay\": 150}]" &&
	$BIN/stepcap -m keys.meta -o keys.mp4 keys.json &&
	new=$(($(meta keys.meta frames) - $(meta keys.meta reused_frames))) &&
	wasted=$(($(meta keys.meta screenshots) - new)) &&
	test "$new" -ge 12 &&
	test "$wasted" -le 4
'

test_expect_success 'what the page draws animation frames after a key shows a frame later' '
	# the key lands before frame 6; the status line must not wait for
	# the next damage or the refresh a second later
	cap status status.html 30 0 0.5 "[{\"type\": \"pause\", \"duration\": 0.2},
		{\"type\": \"press_key\", \"key\": \"x\"}]" &&
	$BIN/stepcap -o status.mp4 status.json &&
	is blue "$(rgb status.mp4 6 45 45)" &&
	is green "$(rgb status.mp4 7 165 45)" &&
	is green "$(rgb status.mp4 -1 165 45)"
'

test_expect_success 'a key chord reaches the page' '
	cap key box.html 30 0 0.5 "[{\"type\": \"pause\", \"duration\": 0.2},
		{\"type\": \"press_key\", \"key\": \"Control+Shift+p\"}]" &&
	$BIN/stepcap -o key.mp4 key.json &&
	is red "$(rgb key.mp4 0 45 45)" &&
	is blue "$(rgb key.mp4 12 45 45)"
'

test_expect_success 'scrolling moves the content, in frames set by the speed' '
	cap scroll tall.html 30 0 0.5 "[{\"type\": \"scroll\", \"to\": 1200, \"speed\": \"fast\"}]" &&
	$BIN/stepcap -m scroll.meta -o scroll.mp4 scroll.json &&
	is red "$(rgb scroll.mp4 0 100 100)" &&
	is blue "$(rgb scroll.mp4 39 100 100)" &&
	grep -q "\"action_frames\":	36" scroll.meta
'

test_expect_success 'a step-level scroll runs after the actions' '
	cap stepscroll tall.html 30 0 0.5 "[]" \
		"\"scroll\": {\"to\": \"bottom\", \"speed\": 2000, \"pause_at_bottom\": 1}" &&
	# 2160 px (2400 tall, 240 shown) at 2000 px/s: 33 frames, then 30 held
	$BIN/stepcap -m stepscroll.meta -o stepscroll.mp4 stepscroll.json &&
	is blue "$(rgb stepscroll.mp4 39 100 100)" &&
	grep -q "\"action_frames\":	63" stepscroll.meta
'

test_expect_success 'the same step captured twice gives the same frames' '
	$BIN/stepcap -o again.mp4 type.json &&
	framesums type.mp4 >one &&
	framesums again.mp4 >two &&
	test -s one &&
	test_cmp one two
'

test_expect_success 'a video size other than the viewport is scaled to' '
	sed "s/\"video_size\": {\"width\": 320, \"height\": 240}/\"video_size\": {\"width\": 160, \"height\": 120}/" \
		hold.json >small.json &&
	$BIN/stepcap -o small.mp4 small.json &&
	test "$(ffprobe -v error -show_entries stream=width,height -of csv=p=0 small.mp4)" = "160,120"
'

test_expect_success 'an unknown action in a fragment is refused, nothing written' '
	cap todo box.html 30 0 0 "[{\"type\": \"pause\", \"duration\": 1},
		{\"type\": \"clik\", \"selector\": \"#box\"}]" &&
	test_must_fail 2 $BIN/stepcap -o todo.mp4 todo.json 2>err &&
	test_grep "^stepcap: steps\[todo\]\.actions\[1\]: unknown action \"clik\"$" err &&
	test ! -e todo.mp4
'

test_expect_success 'a bad action member is refused with its place' '
	cap bad box.html 30 0 0 "[{\"type\": \"press_key\", \"key\": \"Hyper+x\"}]" &&
	test_must_fail 2 $BIN/stepcap -o bad.mp4 bad.json 2>err &&
	test_grep "^stepcap: steps\[bad\]\.actions\[0\]\.key: unknown modifier" err
'

test_expect_success 'invalid JSON is a usage error with its position' '
	printf "{\"id\": \"x\",\n  nope}" >broken.json &&
	test_must_fail 2 $BIN/stepcap -o broken.mp4 broken.json 2>err &&
	test_grep "^stepcap: broken.json: line 2, column [0-9]*: invalid JSON" err
'

test_expect_success 'a missing element fails the step and leaves no clip' '
	echo old >gone.mp4 &&
	cap gone box.html 30 0 0 "[{\"type\": \"click_selector\", \"selector\": \"#nope\"}]" &&
	test_must_fail 3 $BIN/stepcap -m gone.meta -o gone.mp4 gone.json 2>err &&
	test_grep "^stepcap: step gone: actions\[0\] (click_selector): no element matches \"#nope\" after 2 s$" err &&
	test "$(cat gone.mp4)" = old &&
	test ! -e gone.meta &&
	test -z "$(ls -A | grep "\.tmp\.")"
'

test_expect_success 'an element to point at is waited for as long as the action says' '
	for a in click_selector hover "type_text\", \"text\": \"x"; do
		cap late box.html 30 0 0 "[{\"type\": \"$a\", \"selector\": \"#nope\",
			\"timeout\": 300}]" &&
		test_must_fail 3 $BIN/stepcap -o late.mp4 late.json 2>err &&
		test_grep "^stepcap: step late: actions\[0\] (${a%%\"*}): no element matches \"#nope\" after 0.3 s$" err ||
		return 1
	done &&
	test ! -e late.mp4
'

test_expect_success 'a step with nothing to show still gets one frame' '
	cap empty box.html 30 0 0 "[]" &&
	$BIN/stepcap -m empty.meta -o empty.mp4 empty.json &&
	test "$(meta empty.meta frames)" = 1 &&
	test "$(frames empty.mp4)" = 1
'

test_expect_success 'a wait that is never met times out' '
	cap never box.html 30 0 0 "[{\"type\": \"wait_for_selector\", \"selector\": \"#late\",
		\"timeout\": 300}]" &&
	test_must_fail 3 $BIN/stepcap -o never.mp4 never.json 2>err &&
	test_grep "actions\[0\] (wait_for_selector): \"#late\" not visible after 0.3 s" err &&
	test ! -e never.mp4
'

test_expect_success 'the clip is encoded with the output settings its fragment carries' '
	cap enc box.html 30 0 0.5 "[]" "\"video\": {\"codec\": \"libx264\", \"crf\": 31, \"preset\": \"ultrafast\"}" &&
	$BIN/stepcap -m enc.meta -o enc.mp4 enc.json &&
	test "$(jq -c "[.video_codec, .video_crf, .video_preset, .width, .height]" enc.meta)" = \
		"[\"libx264\",31,\"ultrafast\",320,240]" &&
	ffmpeg -v error -i enc.mp4 -map 0:v -c copy -f h264 - | strings | grep -q "crf=31.0" &&
	test "$(frames enc.mp4)" = 15
'

test_expect_success 'bad encoder settings in a fragment are refused, nothing written' '
	cap enc2 box.html 30 0 0.5 "[]" "\"video\": {\"crf\": 70}" &&
	test_must_fail 2 $BIN/stepcap -o enc2.mp4 enc2.json 2>err &&
	echo "stepcap: steps[enc2].video.crf: must be a whole number from 0 to 63" >expect &&
	test_cmp expect err &&
	cap enc3 box.html 30 0 0.5 "[]" "\"video\": {\"codec\": \"-y\"}" &&
	test_must_fail 2 $BIN/stepcap -o enc3.mp4 enc3.json 2>err &&
	echo "stepcap: steps[enc3].video: codec and preset must be encoder names (output.video_codec, output.video_preset)" >expect &&
	test_cmp expect err && test ! -e enc2.mp4 && test ! -e enc3.mp4
'

test_expect_success 'an invalid selector is refused' '
	cap sel box.html 30 0 0 "[{\"type\": \"click_selector\", \"selector\": \"#[\"}]" &&
	test_must_fail 2 $BIN/stepcap -o sel.mp4 sel.json 2>err &&
	test_grep "invalid selector \"#\[\"" err
'

test_expect_success 'a page that cannot load fails the step' '
	cap noload missing.html 30 0 0 "[]" &&
	test_must_fail 1 $BIN/stepcap -o noload.mp4 noload.json 2>err &&
	test_grep "step noload: cannot load the page: net::ERR_FILE_NOT_FOUND" err
'

test_expect_success 'a missing browser is named, with the fix' '
	CHROMIUM=no-such-browser test_must_fail 4 $BIN/stepcap -o nob.mp4 hold.json 2>err &&
	test_grep "no-such-browser not found: install it with .make deps." err
'

test_expect_success 'ffmpeg missing from PATH is a system error, exit 4, no clip' '
	CHROMIUM=$(command -v chromium-headless-shell) PATH=$TMP/nowhere \
		test_must_fail 4 $BIN/stepcap -o noff.mp4 hold.json 2>err &&
	test_grep "ffmpeg" err &&
	! test -e noff.mp4
'

test_expect_success 'a narration that is not a WAV is bad media, exit 1' '
	echo "not a wav" >text.wav &&
	test_must_fail 1 $BIN/stepcap -w text.wav -o badwav.mp4 hold.json 2>err &&
	test_grep "^stepcap: text.wav: " err &&
	! test -e badwav.mp4
'

# ffmpeg in two roles, each gone wrong: the muxer of a clip with repeat
# frames (reading raw H.264) failing at once, and the encoder making B
# frames, which leave no room for repeats.
FFMPEG=$(command -v ffmpeg)
mkdir -p badmux badenc
printf '#!/bin/sh\ncase " $* " in *" -f h264 -i - "*) echo "no room" >&2; exit 1 ;; esac\nexec %s "$@"\n' \
	"$FFMPEG" >badmux/ffmpeg
printf '#!/bin/sh\nprev=\nfor a; do shift; [ "$prev" = -bf ] && a=2; prev=$a; set -- "$@" "$a"; done\nexec %s "$@"\n' \
	"$FFMPEG" >badenc/ffmpeg
chmod +x badmux/ffmpeg badenc/ffmpeg

test_expect_success 'a clip muxer that fails is a system error, exit 4, no clip' '
	PATH=$TMP/badmux:$PATH test_must_fail 4 $BIN/stepcap -o badmux.mp4 hold.json 2>err &&
	test_grep "^stepcap: ffmpeg: the muxer stopped taking the stream, writing badmux.mp4: " err &&
	! test -e badmux.mp4 &&
	test -z "$(ls .badmux.mp4.* 2>/dev/null)"
'

test_expect_success 'an encoder stream with B frames is refused, exit 1, no clip' '
	PATH=$TMP/badenc:$PATH test_must_fail 1 $BIN/stepcap -o badenc.mp4 hold.json 2>err &&
	test_grep "^stepcap: ffmpeg: picture order counts of their own (B frames), writing badenc.mp4$" err &&
	! test -e badenc.mp4
'

# stepcap.c still dies with exit 1 for any -w it cannot use; a missing file
# is an I/O error (4), as the README says.
test_expect_success 'a missing narration WAV is an I/O error, exit 4' '
	test_must_fail 4 $BIN/stepcap -w nowhere.wav -o nowav.mp4 hold.json 2>err &&
	test_grep "^stepcap: nowhere.wav: " err &&
	! test -e nowav.mp4
'

# A browser that only writes down which signals it was started ignoring.
printf '#!/bin/sh\nsed -n "s/^SigIgn:[[:space:]]*//p" /proc/self/status >"%s/fake-browser.sigign"\n' \
	"$TMP" >fake-browser
chmod +x fake-browser

test_expect_success 'an empty PATH element is the current folder; SIGPIPE is not handed on' '
	rm -f fake-browser.sigign &&
	CHROMIUM=fake-browser PATH=":$PATH" test_must_fail 1 $BIN/stepcap -o fake.mp4 hold.json 2>err &&
	test_grep "browser: exited unexpectedly" err &&
	ignored=$(cat fake-browser.sigign) &&
	test $((0x$ignored & 0x1000)) = 0 &&
	! test -e fake.mp4
'

test_expect_success 'no browser process or profile outlives a run' '
	test -z "$(ls -A tmpdir)" &&
	! pgrep -f "$TMP/tmpdir" >/dev/null
'

test_done
