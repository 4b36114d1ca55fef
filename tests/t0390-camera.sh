#!/bin/bash
# The camera: a step's zoom shows its region enlarged, drawn by the browser
# at the zoomed resolution (as sharp as unzoomed text, unlike an upscaled
# crop), eased in over transition_ms; auto follows the actions; bad input
# is named by its JSON path.
. "$(dirname "$0")/test-lib.sh"
. "$ROOT/tests/capture-lib.sh"

# boxes CLIP W H COLOUR: per frame, "frame left top right bottom" of the
# pixels of COLOUR (red, blue), or "frame -" when there are none
boxes() {
	ffmpeg -v error -i "$1" -f rawvideo -pix_fmt rgb24 - | python3 -c '
import sys
w, h, colour = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
data = sys.stdin.buffer.read(); n = w * h * 3
def hit(r, g, b):
    if colour == "red": return r > 180 and g < 90 and b < 90
    return b > 180 and r < 90 and g < 90
for f in range(len(data) // n):
    px = data[f * n:(f + 1) * n]
    xs = []; ys = []
    for y in range(0, h):
        row = px[y * w * 3:(y + 1) * w * 3]
        for x in range(w):
            if hit(row[3 * x], row[3 * x + 1], row[3 * x + 2]):
                xs.append(x); ys.append(y)
    print(f, *(min(xs), min(ys), max(xs) + 1, max(ys) + 1) if xs else "-")
' "$2" "$3" "$4"
}

# sharpness PNG X Y W H: edge sharpness of a region, in grey levels per
# pixel: sum(g^2) / sum(g) over the gradient g, which for an edge of
# contrast C spread over w pixels is C / w, however much text there is
sharpness() {
	ffmpeg -v error -i "$1" -vf "crop=$4:$5:$2:$3,format=gray" -f rawvideo - | python3 -c '
import sys
w, h = int(sys.argv[1]), int(sys.argv[2])
p = sys.stdin.buffer.read()
s1 = s2 = 0
for y in range(h - 1):
    for x in range(w - 1):
        i = y * w + x
        g = abs(p[i + 1] - p[i]) + abs(p[i + w] - p[i])
        s1 += g; s2 += g * g
print("%.2f" % (s2 / s1 if s1 else 0))
' "$4" "$5"
}

cat >pattern.html <<'EOF2'
<!doctype html><body style="margin:0;background:#fff">
<div style="position:absolute;left:200px;top:140px;width:40px;height:40px;background:#f00"></div>
<div style="position:absolute;left:310px;top:230px;width:10px;height:10px;background:#00f"></div>
EOF2

test_expect_success 'spec2req: bad zoom input is named by its JSON path, exit 2, nothing written' '
	for bad in "\"z\": 5" "\"z\": 0.5" "\"cx\": 2000" "\"cy\": 800" "\"focus\": \"face\"" \
		   "\"transition_ms\": -1" "\"selector\": \"\""; do
		printf "{\"steps\": [{\"id\": \"a\", \"url\": \"p.html\", \"narration\": \"A.\", \"zoom\": {%s}}]}\n" \
			"$bad" >bad.json &&
		test_must_fail 2 $BIN/spec2req -o bad bad.json 2>err &&
		test_grep "^spec2req: bad.json: steps\[0\]\.zoom\.[a-z_]*: " err &&
		test ! -e bad || return 1
	done &&
	printf "{\"steps\": [{\"id\": \"a\", \"url\": \"p.html\", \"narration\": \"A.\", \"zoom\": {\"z\": 5}}]}\n" >bad.json &&
	test_must_fail 2 $BIN/spec2req bad.json 2>err &&
	test_grep "steps\[0\]\.zoom\.z: 5 is out of range: use a value from 1 to 4" err &&
	printf "{\"steps\": [{\"id\": \"a\", \"url\": \"p.html\", \"narration\": \"A.\", \"zoom\": {\"cx\": 1281}}]}\n" >bad.json &&
	test_must_fail 2 $BIN/spec2req bad.json 2>err &&
	test_grep "steps\[0\]\.zoom\.cx: 1281 is outside the video (1280 pixels wide)" err &&
	printf "{\"settings\": {\"zoom\": \"max\"}, \"steps\": [{\"id\": \"a\", \"url\": \"p.html\", \"narration\": \"A.\"}]}\n" >bad.json &&
	test_must_fail 2 $BIN/spec2req bad.json 2>err &&
	test_grep "settings\.zoom: \"max\" is not one of: off, auto, mobile" err &&
	test_must_fail 2 $BIN/spec2req -z max bad.json 2>err &&
	test_grep "the camera is off, auto or mobile" err
'

test_expect_success 'spec2req: the mode picks the steps camera; mobile is 15 % closer, at most 3x' '
	cat >modes.json <<-EOF2 &&
	{"steps": [{"id": "own", "url": "p.html", "narration": "A.", "zoom": {"z": 2, "cx": 10}},
	           {"id": "high", "url": "p.html", "narration": "B.", "zoom": {"z": 3.5}},
	           {"id": "plain", "url": "p.html", "narration": "C."}]}
	EOF2
	$BIN/spec2req -o m modes.json &&
	jq -c .zoom m/step/own/cap.json m/step/high/cap.json m/step/plain/cap.json >got &&
	printf "%s\n" "{\"z\":2,\"cx\":10}" "{\"z\":3.5}" null >expect && test_cmp expect got &&
	$BIN/spec2req -z auto -o m modes.json &&
	jq -c .zoom m/step/plain/cap.json >got && echo "{\"auto\":true}" >expect &&
	test_cmp expect got &&
	$BIN/spec2req -z mobile -o m modes.json &&
	jq -c .zoom.z m/step/own/cap.json m/step/high/cap.json >got &&
	printf "%s\n" 2.3 3.5 >expect && test_cmp expect got &&
	jq -c .zoom m/step/plain/cap.json >got && echo "{\"auto\":true,\"mobile\":true}" >expect &&
	test_cmp expect got
'

test_expect_success 'changing one step'"'"'s zoom rewrites that step'"'"'s fragment only' '
	$BIN/spec2req -o m modes.json &&
	touch -d "2000-01-01" m/step/*/cap.json &&
	jq ".steps[0].zoom.z = 3" modes.json >modes2.json && mv modes2.json modes.json &&
	$BIN/spec2req -o m modes.json &&
	test -n "$(find m/step/own/cap.json -newermt 2001-01-01)" &&
	test -z "$(find m/step/high/cap.json m/step/plain/cap.json -newermt 2001-01-01)"
'

cat >chain.json <<'EOF2'
{"settings": {"mode": "continuous", "viewport": {"width": 320, "height": 240},
              "lead_in": 0, "tail": 0.5, "cursor": false},
 "steps": [{"id": "a", "url": "pattern.html", "narration": "A.",
            "zoom": {"z": 2, "cx": 220, "cy": 160, "transition_ms": 0}},
           {"id": "b", "url": "pattern.html", "narration": "B.",
            "zoom": {"z": 2, "cx": 220, "cy": 160, "transition_ms": 600}},
           {"id": "c", "url": "pattern.html", "narration": "C.",
            "zoom": {"z": 2, "cx": 160, "cy": 120, "transition_ms": 600}},
           {"id": "d", "url": "pattern.html", "narration": "D."}]}
EOF2

test_expect_success 'spec2req: a fixed zoom after another on one page names it, so the two recapture together' '
	$BIN/spec2req -o ch chain.json &&
	jq -c .zoom.from ch/step/a/cap.json ch/step/b/cap.json ch/step/c/cap.json ch/step/d/cap.json >got &&
	printf "%s\n" null "{\"z\":2,\"cx\":220,\"cy\":160}" "{\"z\":2,\"cx\":220,\"cy\":160}" null >expect &&
	test_cmp expect got &&
	touch -d "2000-01-01" ch/step/*/cap.json &&
	jq ".steps[0].zoom.cx = 200" chain.json >ch2.json &&
	$BIN/spec2req -o ch ch2.json &&
	test -n "$(find ch/step/a/cap.json -newermt 2001-01-01)" &&
	test -n "$(find ch/step/b/cap.json -newermt 2001-01-01)" &&
	test -z "$(find ch/step/c/cap.json ch/step/d/cap.json -newermt 2001-01-01)" &&
	# its speed is the step before'"'"'s own: no part of where the next starts
	touch -d "2000-01-01" ch/step/*/cap.json &&
	jq ".steps[0].zoom.transition_ms = 300" ch2.json >ch3.json &&
	$BIN/spec2req -o ch ch3.json &&
	test -z "$(find ch/step/b/cap.json -newermt 2001-01-01)" &&
	# steps of their own start from a fresh page: nothing to go on from
	jq ".settings.mode = \"independent\"" chain.json >ind.json &&
	$BIN/spec2req -o ind ind.json &&
	test "$(jq -c .zoom.from ind/step/b/cap.json)" = null
'

if ! have_browser; then
	test_skip "captured camera" "no chromium-headless-shell"
	test_done
	exit
fi

test_expect_success 'a fixed zoom shows its region enlarged: the pattern at twice its size, where the centre puts it' '
	frag fixed "file://$TMP/pattern.html" "[]" \
		"\"zoom\": {\"z\": 2, \"cx\": 220, \"cy\": 160, \"transition_ms\": 0}" &&
	$BIN/stepcap -o fixed.mp4 fixed.json &&
	boxes fixed.mp4 320 240 red >box &&
	# view: x 140..300, y 100..220; the square 200..240 x 140..180 lands
	# at (200-140)*2 = 120 .. 200, (140-100)*2 = 80 .. 160
	awk "{ if (\$2 < 119 || \$2 > 121 || \$3 < 79 || \$3 > 81 || \$4 < 199 || \$4 > 201 ||
		   \$5 < 159 || \$5 > 161) { print \"frame \" \$0; bad = 1 } } END { exit bad }" box
'

test_expect_success 'a zoom near the edge stays inside the page' '
	frag edge "file://$TMP/pattern.html" "[]" \
		"\"zoom\": {\"z\": 4, \"cx\": 320, \"cy\": 240, \"transition_ms\": 0}" &&
	$BIN/stepcap -o edge.mp4 edge.json &&
	boxes edge.mp4 320 240 blue | tail -n 1 | cut -d" " -f2- >box &&
	# centred on the corner the view would hang past it; kept inside, it
	# is 240..320 x 180..240 at 4x: the page'"'"'s corner square (310..320,
	# 230..240) fills the frame'"'"'s corner
	awk "{ if (\$1 < 279 || \$1 > 281 || \$2 < 199 || \$2 > 201 || \$3 != 320 ||
		   \$4 != 240) { print; exit 1 } }" box
'

test_expect_success 'the zoom eases in over transition_ms, never shrinking back' '
	frag ease "file://$TMP/pattern.html" "[{\"type\": \"pause\", \"duration\": 1.5}]" \
		"\"zoom\": {\"z\": 2, \"cx\": 220, \"cy\": 160, \"transition_ms\": 1000}" &&
	$BIN/stepcap -o ease.mp4 ease.json &&
	boxes ease.mp4 320 240 red >box &&
	awk "{ w = \$4 - \$2 }
	     NR == 1 && (w < 39 || w > 41) { print \"first frame \" w; bad = 1 }
	     NR > 1 && w < last - 1 { print \"shrank at \" \$1 \": \" w; bad = 1 }
	     \$1 == 24 && w > 77 { print \"too early at 24: \" w; bad = 1 }
	     \$1 >= 30 && (w < 79 || w > 81) { print \"not there at \" \$1 \": \" w; bad = 1 }
	     { last = w } END { exit bad }" box
'

test_expect_success 'a zoom selector that matches nothing: a warning and the full view' '
	frag lost "file://$TMP/pattern.html" "[]" \
		"\"zoom\": {\"z\": 2, \"selector\": \"#nowhere\"}" &&
	$BIN/stepcap -o lost.mp4 lost.json 2>err &&
	test_grep "^stepcap: step lost: zoom.selector: nothing on the page matches; showing the full view" err &&
	boxes lost.mp4 320 240 red | tail -n 1 >box &&
	awk "{ print NR, \$2, \$3, \$4, \$5 }" box >got && echo "1 200 140 240 180" >expect &&
	test_cmp expect got &&
	frag broken "file://$TMP/pattern.html" "[]" "\"zoom\": {\"selector\": \"##\"}" &&
	test_must_fail 2 $BIN/stepcap -o broken.mp4 broken.json 2>err &&
	test_grep "zoom.selector: invalid selector" err && test ! -e broken.mp4
'

test_expect_success 'a selector zoom frames its element' '
	frag aimed "file://$TMP/pattern.html" "[]" \
		"\"zoom\": {\"z\": 2, \"selector\": \"div\", \"transition_ms\": 0}" &&
	$BIN/stepcap -o aimed.mp4 aimed.json &&
	boxes aimed.mp4 320 240 red | tail -n 1 >box &&
	# centred on the square (220, 160): as the fixed zoom above
	awk "{ if (\$2 < 119 || \$2 > 121 || \$4 < 199 || \$4 > 201) { print; exit 1 } }" box
'

cat >form.html <<'EOF2'
<!doctype html><body style="margin:0;background:#fff">
<button id="go" style="position:absolute;left:20px;top:20px;width:60px;height:30px;background:#f00;border:0"
  onclick="this.style.background='#c00'"></button>
<input id="name" style="position:absolute;left:400px;top:270px;width:160px;height:24px;font:16px sans-serif;
  border:4px solid #00f;outline:none">
EOF2

test_expect_success 'auto: the camera frames the button clicked, then the field typed into, then the full page' '
	frag follow "file://$TMP/form.html" "[
		{\"type\": \"click_selector\", \"selector\": \"#go\"},
		{\"type\": \"pause\", \"duration\": 1},
		{\"type\": \"type_text\", \"selector\": \"#name\", \"text\": \"camera\"},
		{\"type\": \"pause\", \"duration\": 1}]" \
		"\"viewport\": {\"width\": 640, \"height\": 360}, \"video_size\": {\"width\": 640, \"height\": 360},
		 \"tail\": 1.5, \"zoom\": {\"auto\": true, \"z\": 2}" &&
	$BIN/stepcap -m follow.meta -o follow.mp4 follow.json &&
	boxes follow.mp4 640 360 red >red &&
	boxes follow.mp4 640 360 blue >blue &&
	# after the click and the move (0.6 s): the button at twice its size
	# in the corner the view is kept inside (60x30 -> 120x60 at 40, 40)
	awk "\$1 == 40 { w = \$4 - \$2; h = \$5 - \$3 } END { if (w < 118 || w > 122 || h < 58 || h > 62) { print w, h; exit 1 } }" red &&
	# where the camera stopped for the typing: the field (172 wide with
	# padding and border) at twice its size
	stop=$(jq ".camera[1].frame" follow.meta) &&
	awk -v f="$stop" "\$1 == f" blue >typing &&
	awk "{ w = \$4 - \$2; if (w < 340 || w > 348) { print w; exit 1 } }" typing &&
	# the step ends on the full view, as the next one starts: the button
	# at its own size and place
	test "$(jq ".camera | length" follow.meta)" = 3 &&
	tail -n 1 red >last &&
	awk "{ if (\$2 < 19 || \$2 > 21 || \$3 < 19 || \$3 > 21 || \$4 < 79 || \$4 > 81 ||
		   \$5 < 49 || \$5 > 51) { print; exit 1 } }" last
'

test_expect_success 'auto: the same frames on every run, also under load' '
	$BIN/stepcap -o again.mp4 follow.json &&
	framesums follow.mp4 >one && framesums again.mp4 >two && test_cmp one two &&
	{ timeout 30 sh -c "while :; do :; done" & } &&
	load=$! &&
	$BIN/stepcap -o loaded.mp4 follow.json &&
	framesums loaded.mp4 >three && kill $load && test_cmp one three
'

cat >fit.html <<'EOF2'
<!doctype html><body style="margin:0;background:#fff">
<button id="go" style="position:absolute;left:20px;top:20px;width:60px;height:30px;background:#f00;border:0"></button>
<input id="name" style="position:absolute;left:400px;top:270px;width:160px;height:24px;font:16px sans-serif;
  border:4px solid #00f;outline:none">
<div id="wide" style="position:absolute;left:60px;top:150px;width:500px;height:40px;background:#0c0"></div>
EOF2

test_expect_success 'auto fits its zoom to each target: a small button 3x, a field less, a wide element all of it' '
	frag fit "file://$TMP/fit.html" "[
		{\"type\": \"hover\", \"selector\": \"#go\"}, {\"type\": \"pause\", \"duration\": 1},
		{\"type\": \"type_text\", \"selector\": \"#name\", \"text\": \"fits\"},
		{\"type\": \"pause\", \"duration\": 1},
		{\"type\": \"hover\", \"selector\": \"#wide\"}, {\"type\": \"pause\", \"duration\": 1.5}]" \
		"\"viewport\": {\"width\": 640, \"height\": 360}, \"video_size\": {\"width\": 640, \"height\": 360},
		 \"cursor\": false, \"zoom\": {\"auto\": true}" &&
	$BIN/stepcap -m fit.meta -o fit.mp4 fit.json &&
	# the button (60x30) as close as the camera goes; the field (172 wide
	# with its border) filling 60 % of the frame; the 500 px wide element
	# whole, 90 % of the frame; then the full view
	jq -c "[.camera[].z]" fit.meta >got && echo "[3,2.2,1.15,1]" >expect && test_cmp expect got &&
	boxes fit.mp4 640 360 red >red && boxes fit.mp4 640 360 blue >blue &&
	at=$(jq ".camera[0].frame" fit.meta) &&
	awk -v f="$at" "\$1 == f { w = \$4 - \$2; h = \$5 - \$3 } END {
		if (w < 178 || w > 182 || h < 88 || h > 92) { print w, h; exit 1 } }" red &&
	at=$(jq ".camera[1].frame" fit.meta) &&
	awk -v f="$at" "\$1 == f { w = \$4 - \$2 } END { if (w < 374 || w > 383) { print w; exit 1 } }" blue &&
	# the wide element fits: none of it is cut
	at=$(jq ".camera[2].frame" fit.meta) &&
	ffmpeg -v error -i fit.mp4 -vf "select=eq(n\,$at)" -frames:v 1 -f rawvideo -pix_fmt rgb24 - |
	python3 -c "
import sys
w, h = 640, 360
px = sys.stdin.buffer.read()
xs = [x for y in range(h) for x in range(w)
      if px[3 * (y * w + x) + 1] > 150 and px[3 * (y * w + x)] < 90 and px[3 * (y * w + x) + 2] < 90]
print(min(xs), max(xs))
sys.exit(not (min(xs) > 0 and max(xs) < w - 1 and 570 <= max(xs) - min(xs) <= 580))
" &&
	# mobile: 15 % closer, at most 3x
	sed "s/\"auto\": true/&, \"mobile\": true/" fit.json >fitm.json &&
	$BIN/stepcap -m fitm.meta -o fitm.mp4 fitm.json &&
	jq -c "[.camera[].z]" fitm.meta >got && echo "[3,2.55,1.15,1]" >expect && test_cmp expect got &&
	# the same frames every run
	$BIN/stepcap -o fit2.mp4 fit.json &&
	framesums fit.mp4 >one && framesums fit2.mp4 >two && test_cmp one two
'

cat >nav.html <<'EOF2'
<!doctype html><body style="margin:0;background:#fff">
<a id="go" href="landed.html" style="position:absolute;left:20px;top:20px;width:60px;height:30px;background:#f00;display:block"></a>
EOF2
cat >landed.html <<'EOF2'
<!doctype html><body style="margin:0;background:#fff">
<div style="position:absolute;left:100px;top:100px;width:10px;height:10px;background:#00f"></div>
EOF2

test_expect_success 'auto: a click that loads another page shows it on the full view, with no wait_for_load' '
	frag nav "file://$TMP/nav.html" "[{\"type\": \"click_selector\", \"selector\": \"#go\"},
		{\"type\": \"pause\", \"duration\": 2}]" "\"zoom\": {\"auto\": true}" &&
	$BIN/stepcap -m nav.meta -o nav.mp4 nav.json &&
	boxes nav.mp4 320 240 blue >blue &&
	# the new page'"'"'s square at its own size and place once it shows, up
	# to the end of the pause (the camera would stay zoomed on the link)
	end=$(jq ".action_frames - 1" nav.meta) &&
	first=$(awk "\$2 != \"-\" { print \$1; exit }" blue) && test -n "$first" &&
	test "$first" -le $((end - 20)) &&
	awk -v f="$first" -v e="$end" "\$1 >= f + 20 && \$1 <= e &&
		(\$2 < 99 || \$2 > 101 || \$4 < 109 || \$4 > 111) { print; bad = 1 } END { exit bad }" blue &&
	jq -e "[.camera[] | select(.z == 1 and .frame < $end)] | length == 1" nav.meta
'

cat >same.html <<'EOF2'
<!doctype html><body style="margin:0;background:#fff">
<a id="go" href="#top" style="position:absolute;left:20px;top:20px;width:60px;height:30px;background:#f00;display:block"></a>
<button id="push" onclick="history.pushState({}, '', '?page=2')"
  style="position:absolute;left:200px;top:20px;width:60px;height:30px;background:#00f;border:0"></button>
EOF2

test_expect_success 'auto: a #fragment link or history.pushState loads no page: the camera stays on what was clicked' '
	frag same "file://$TMP/same.html" "[{\"type\": \"click_selector\", \"selector\": \"#go\"},
		{\"type\": \"pause\", \"duration\": 1},
		{\"type\": \"click_selector\", \"selector\": \"#push\"},
		{\"type\": \"pause\", \"duration\": 1}]" "\"zoom\": {\"auto\": true}" &&
	$BIN/stepcap -m same.meta -o same.mp4 same.json &&
	jq -c "[.camera[].z]" same.meta >got && echo "[3,3,1]" >expect && test_cmp expect got
'

test_expect_success 'continuous: a fixed zoom after another starts where it ended; the same one does not move' '
	$BIN/spec2req -o ch chain.json &&
	mkdir -p ch/wav && for id in a b c; do
		ffmpeg -v error -y -f lavfi -i anullsrc=r=24000:cl=mono -t 0.5 ch/wav/$id.wav || return 1
	done &&
	$BIN/stepcap -d ch ch/step/a/cap.json ch/step/b/cap.json ch/step/c/cap.json &&
	# b: the square at twice its size from its first frame to its last
	boxes ch/clip/b.mp4 320 240 red >b &&
	awk "(\$2 < 119 || \$2 > 121 || \$4 < 199 || \$4 > 201) { print; bad = 1 } END { exit bad }" b &&
	test "$(jq -c ".camera" ch/clip/b.json)" = "[{\"frame\":0,\"z\":2,\"x\":140,\"y\":100,\"width\":160,\"height\":120}]" &&
	# c: starts there too, and moves (eased, never back) to its own view,
	# where the square sits at 240, 160
	boxes ch/clip/c.mp4 320 240 red >c &&
	awk "NR == 1 && (\$2 < 119 || \$2 > 121 || \$4 - \$2 < 79) { print \"first \" \$0; bad = 1 }
	     NR > 1 && \$2 < last - 0.5 { print \"back at \" \$0; bad = 1 }
	     \$1 >= 18 && (\$2 < 239 || \$2 > 241 || \$3 < 159 || \$3 > 161) { print \"not there \" \$0; bad = 1 }
	     { last = \$2 } END { exit bad }" c &&
	# on its own the step starts from the step before'"'"'s view as well
	$BIN/stepcap -o alone.mp4 ch/step/c/cap.json &&
	boxes alone.mp4 320 240 red >all && head -n 1 all >first &&
	awk "{ if (\$2 < 119 || \$2 > 121 || \$4 - \$2 < 79) { print; exit 1 } }" first
'

cat >tour.json <<'EOF2'
{"settings": {"viewport": {"width": 320, "height": 240}, "lead_in": 0.2, "tail": 0.3},
 "steps": [{"id": "near", "url": "pattern.html", "narration": "Closer.",
            "zoom": {"z": 2, "cx": 220, "cy": 160, "transition_ms": 300}},
           {"id": "far", "url": "form.html", "narration": "Farther.",
            "actions": [{"type": "click_selector", "selector": "#go"}]}]}
EOF2

build() {
	make -C "$ROOT" --no-print-directory SPEC="$TMP/tour.json" OUT="$TMP/out" \
		CACHE="$TMP/cache" "$@" >make.log 2>&1 || { cat make.log; return 1; }
}

test_expect_success 'make: the report shows where the camera went, a thumbnail per stop' '
	build all report &&
	jq -c ".camera" out/clip/near.json >stops && cat stops &&
	test "$(jq length stops)" = 1 && test "$(jq ".[0].frame" stops)" = 9 &&
	test "$(jq -c ".[0] | [.x, .y, .width, .height, .z]" stops)" = "[140,100,160,120,2]" &&
	test "$(jq .camera out/clip/far.json)" = null &&
	test_grep "report/near-camera-1.jpg" out/report.html &&
	test_grep "camera 2.0&times; at 0:00: 160x120 at (140, 100)" out/report.html &&
	! grep -q "far-camera" out/report.html &&
	test "$(ffprobe -v error -show_entries stream=width -of csv=p=0 out/report/near-camera-1.jpg)" = 160
'

# sheet_rows X0 X1 Y: for the contact sheet'"'"'s row Y, the columns from X0
# to X1 drawn in the camera'"'"'s colour (amber), as runs "from-to"
sheet_runs() {
	ffmpeg -v error -i out/contact-sheet.png -f rawvideo -pix_fmt rgb24 - | python3 -c '
import sys
x0, x1, y = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
w = int(sys.argv[4])
px = sys.stdin.buffer.read()
runs = []; start = None
for x in range(x0, x1 + 1):
    r, g, b = px[3 * (y * w + x):3 * (y * w + x) + 3]
    on = r > 200 and 130 < g < 215 and b < 90
    if on and start is None: start = x
    if not on and start is not None: runs.append("%d-%d" % (start, x - 1)); start = None
if start is not None: runs.append("%d-%d" % (start, x1))
print(" ".join(runs))
' "$1" "$2" "$3" "$(ffprobe -v error -show_entries stream=width -of csv=p=0 out/contact-sheet.png)"
}

test_expect_success 'the contact sheet draws where the camera went, on the page before it zoomed' '
	# the stop (140, 100, 160x120) on the first tile (at 4, 4): its left
	# and right sides, two pixels each, at mid height; nothing on the
	# second tile, whose step has no camera
	test "$(sheet_runs 4 323 164)" = "144-145 302-303" &&
	test "$(sheet_runs 328 647 164)" = "" &&
	# its top edge, beyond the number in its corner
	test "$(sheet_runs 200 290 104)" = "200-290" &&
	test "$(jq .camera_full_frame out/clip/near.json)" = 0
'

test_expect_success 'make ZOOM=auto recaptures only the step whose camera changes' '
	touch before &&
	build ZOOM=auto all &&
	test -z "$(find out/clip/near.mp4 -newer before)" &&
	test -n "$(find out/clip/far.mp4 -newer before)" &&
	test "$(jq -c ".camera | length" out/clip/far.json)" -ge 1 &&
	touch again && build ZOOM=auto all &&
	test -z "$(find out/clip -newer again)"
'

cat >text.html <<'EOF2'
<!doctype html><body style="margin:8px;background:#fff;color:#000;font:13px sans-serif">
<p>int main(void) { return printf("hello, world\\n") &lt; 0; }</p>
<p>The quick brown fox jumps over the lazy dog. 0123456789</p>
<p>Pack my box with five dozen liquor jugs; sphinx of black quartz.</p>
<p>for (i = 0; i &lt; n; i++) sum += a[i] * b[i];</p>
<p>Zoomed text must be drawn at the zoomed resolution.</p>
EOF2

test_expect_success 'zoomed text is as sharp as unzoomed text; an upscaled crop is not' '
	frag flat "file://$TMP/text.html" "[]" \
		"\"viewport\": {\"width\": 640, \"height\": 360}, \"video_size\": {\"width\": 640, \"height\": 360}" &&
	frag zoomed "file://$TMP/text.html" "[]" \
		"\"viewport\": {\"width\": 640, \"height\": 360}, \"video_size\": {\"width\": 640, \"height\": 360},
		 \"zoom\": {\"z\": 2, \"cx\": 160, \"cy\": 90, \"transition_ms\": 0}" &&
	$BIN/stepcap -o flat.mp4 flat.json && $BIN/stepcap -o zoomed.mp4 zoomed.json &&
	ffmpeg -v error -sseof -0.1 -i flat.mp4 -frames:v 1 flat.png &&
	ffmpeg -v error -sseof -0.1 -i zoomed.mp4 -frames:v 1 zoomed.png &&
	# the same view made the old way: the unzoomed picture cropped, upscaled
	ffmpeg -v error -i flat.png -vf "crop=320:180:0:0,scale=640:360:flags=bicubic" upscaled.png &&
	native=$(sharpness flat.png 0 0 320 180) &&
	zoomed=$(sharpness zoomed.png 0 0 640 360) &&
	upscaled=$(sharpness upscaled.png 0 0 640 360) &&
	echo "sharpness: unzoomed $native, zoomed $zoomed, upscaled crop $upscaled" &&
	# the zoomed view holds twice the text in each direction, drawn, not stretched
	awk -v n="$native" -v z="$zoomed" -v u="$upscaled" "BEGIN {
		if (z < 0.8 * n) { print \"zoomed text is blurred\"; exit 1 }
		if (u >= 0.8 * n) { print \"the measure cannot tell an upscaled crop\"; exit 1 } }"
'

test_done
