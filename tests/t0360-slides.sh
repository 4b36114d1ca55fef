#!/bin/bash
# Segments specs: slides between demos. Bad input is refused naming the
# JSON path; a tour of demo pages and slides renders end to end with make;
# frames of a slides clip show the slide's title (OCR) and change at the
# interval; a changed bullet draws only its slide again.
. "$(dirname "$0")/test-lib.sh"
. "$ROOT/tests/capture-lib.sh"

SEEDS=$ROOT/tests/fixtures/seed-specs

mkdir site
cat >site/a.html <<'HTML'
<!doctype html><title>A</title><body style="margin:0;background:#c00000"><h1>A</h1></body>
HTML
cat >site/b.html <<'HTML'
<!doctype html><title>B</title><body style="margin:0;background:#0000c0"><h1>B</h1></body>
HTML

# spec [BULLET]: demo, slides (3 slides at 1 s each), demo, slides (one);
# a continuous tour at 640x360, 10 frames a second
spec() {
	cat >tour.json <<JSON
{
  "settings": {"viewport": {"width": 640, "height": 360}, "fps": 10, "lead_in": 0.2,
               "tail": 0.3, "mode": "continuous", "cursor": false},
  "slides": {"generate": true, "theme": "dark", "content": [
    {"type": "title", "title": "Sorting Basics", "subtitle": "A first look"},
    {"type": "content", "title": "Why Compare", "bullet_points": ["${1:-Order matters}", "Swaps are cheap"]},
    {"type": "content", "title": "Costs Grow", "bullet_points": ["Quadratic time"]},
    {"type": "title", "title": "Goodbye Now"}
  ]},
  "segments": [
    {"id": "open", "type": "demo", "url": "site/a.html", "narration": "A page.",
     "actions": [{"type": "wait_for_load"}]},
    {"id": "theory", "type": "slides", "narration": "Theory.",
     "slides": {"range": [1, 3], "advance_interval": 1000}, "duration": 30},
    {"id": "more", "type": "demo", "url": "site/b.html", "narration": "Another page."},
    {"id": "bye", "type": "slides", "narration": "Bye.", "slides": {"range": [4, 4]}}
  ]
}
JSON
}

build() {
	make -C "$ROOT" --no-print-directory SPEC="$TMP/tour.json" OUT="$TMP/out" \
		CACHE="$TMP/cache" "$@" >make.log 2>&1 || { cat make.log; return 1; }
	grep -E '^  (TTS|CAP|SLIDE|SLIDES|MUX) ' make.log | awk '{print $1}' | sort | uniq -c |
		awk '{print $2 "=" $1}' | paste -sd' ' >ran
	cat ran
}

# bad NAME: spec2req must refuse NAME.json with exit 2, writing nothing
bad() {
	test_must_fail 2 "$BIN/spec2req" -o "out-$1" "$1.json" 2>err &&
	cat err && test ! -e "out-$1"
}

# segment spec with TOP-level extras and one slides SEGMENT
bad_spec() {
	cat >"$1.json" <<JSON
{$2 "segments": [$3]}
JSON
}

DECK='"slides": {"content": [{"type": "title", "title": "One"}, {"type": "content", "title": "Two"}]},'
SHOW='{"id": "s", "type": "slides", "narration": "N.", "slides": {"range": [1, 2]}}'

test_expect_success 'the seed bubblesort-mixed-tutorial.json is accepted unchanged' '
	"$BIN/spec2req" -o seed "$SEEDS/bubblesort-mixed-tutorial.json" 2>err &&
	test_grep "slides.theme: no built-in theme \"Chisel\": using \"dark\"" err &&
	! grep -v "slides.theme" err &&
	test_grep "^STEPS := intro-slides demo-setup demo-class-structure demo-nested-loops complexity-slide demo-swap-logic demo-main-method demo-save demo-compile-run outro-slides$" seed/steps.mk &&
	test_grep "^SLIDE_STEPS := intro-slides complexity-slide outro-slides$" seed/steps.mk &&
	test -s seed/step/demo-setup/cap.json && test ! -e seed/step/intro-slides/cap.json &&
	jq -e ".images | length == 4" seed/step/intro-slides/slides.json &&
	jq -e ".advance_interval == 8000 and .video_size.width == 1920" seed/step/intro-slides/slides.json &&
	test "$(ls seed/slides/*.json | wc -l)" = 5 &&
	jq -e "[.steps[].title] | .[0] == \"Understanding Bubble Sort\" and .[4] == \"Time Complexity\"" seed/mux.json &&
	jq -e ".text | startswith(\"Before we dive\")" seed/step/intro-slides/tts.json
'

test_expect_success 'steps and segments together: exit 2, nothing written' '
	bad_spec both "\"steps\": [{\"id\": \"x\", \"url\": \"a.html\", \"narration\": \"N.\"}], $DECK" "$SHOW" &&
	bad both &&
	test_grep "^spec2req: both.json: segments: a spec has \"steps\" or \"segments\", not both" err
'

test_expect_success 'a range outside the deck: exit 2 with the path' '
	bad_spec range "$DECK" "{\"id\": \"s\", \"type\": \"slides\", \"narration\": \"N.\", \"slides\": {\"range\": [2, 3]}}" &&
	bad range &&
	test_grep "^spec2req: range.json: segments\[0\].slides.range: \[2, 3\] is outside the deck: slides.content has 2 slides$" err
'

test_expect_success 'a range that is not [first, last]: exit 2' '
	bad_spec order "$DECK" "{\"id\": \"s\", \"type\": \"slides\", \"narration\": \"N.\", \"slides\": {\"range\": [2, 1]}}" &&
	bad order &&
	test_grep "segments\[0\].slides.range: \[2, 1\] is not a range" err
'

test_expect_success 'an unknown slide type: exit 2 with the path' '
	bad_spec type "\"slides\": {\"content\": [{\"type\": \"title\", \"title\": \"One\"}, {\"type\": \"bullets\", \"title\": \"Two\"}]}," "$SHOW" &&
	bad type &&
	test_grep "^spec2req: type.json: slides.content\[1\].type: unknown slide type \"bullets\": use one of title, content$" err
'

test_expect_success 'an unknown segment type: exit 2 with the path' '
	bad_spec segtype "$DECK" "{\"id\": \"s\", \"type\": \"video\", \"narration\": \"N.\"}" &&
	bad segtype &&
	test_grep "segments\[0\].type: \"video\" is not a segment type: use \"demo\" or \"slides\"" err
'

test_expect_success 'a slides segment reusing a demo segment'"'"'s id: exit 2' '
	bad_spec dup "$DECK" "{\"id\": \"s\", \"type\": \"demo\", \"url\": \"a.html\", \"narration\": \"N.\"}, $SHOW" &&
	bad dup &&
	test_grep "segments\[1\].id: duplicate id \"s\" (also segments\[0\].id)" err
'

test_expect_success 'a slides segment without a deck: exit 2' '
	bad_spec nodeck "" "$SHOW" &&
	bad nodeck &&
	test_grep "segments\[0\].slides: there is no deck to show" err
'

test_expect_success 'a missing slides.dir: exit 2 naming it' '
	bad_spec nodir "\"slides\": {\"dir\": \"no-such-folder\"}," "$SHOW" &&
	bad nodir &&
	test_grep "^spec2req: nodir.json: slides.dir: cannot read folder \"$TMP/no-such-folder\"" err
'

test_expect_success 'a slides.dir range beyond its images: exit 2' '
	mkdir -p one-image && ffmpeg -v error -f lavfi -i color=c=red:s=64x36 -frames:v 1 one-image/1.png &&
	bad_spec dirrange "\"slides\": {\"dir\": \"one-image\"}," "$SHOW" &&
	bad dirrange &&
	test_grep "segments\[0\].slides.range: \[1, 2\] is outside the deck: slides.dir has 1 image$" err
'

test_expect_success 'an unknown theme falls back to dark, with a warning' '
	bad_spec theme "\"slides\": {\"theme\": \"Chisel\", \"content\": [{\"type\": \"title\", \"title\": \"One\"}, {\"type\": \"title\", \"title\": \"Two\"}]}," "$SHOW" &&
	"$BIN/spec2req" -o out-theme theme.json 2>err &&
	test_grep "slides.theme: no built-in theme \"Chisel\": using \"dark\" (themes: dark, light, contrast)" err &&
	jq -e ".theme == \"dark\"" out-theme/slides/*.json >/dev/null &&
	jq -e ".background == \"#1f1f1f\"" out-theme/step/s/slides.json
'

if ! have_browser; then
	test_skip "segments tour with make" "no chromium-headless-shell"
	test_done
	exit
fi

spec
test_expect_success 'make renders a segments tour: every clip, in the spec order' '
	build &&
	test_grep "SLIDE=4" ran && test_grep "SLIDES=2" ran && test_grep "CAP=1" ran &&
	test -s out/tour.mp4 &&
	for id in open theory more bye; do
		test "$(frames out/clip/$id.mp4)" = "$(jq .frames out/clip/$id.json)" || return 1
	done &&
	awk "{print \$2}" out/tour.chapters.txt >chapters &&
	printf "%s\n" open "Sorting Basics" more "Goodbye Now" >expect &&
	sed "s/^[0-9:]* //" out/tour.chapters.txt >chapters && test_cmp expect chapters
'

test_expect_success 'a slides clip is as long as its slides need, at least its narration' '
	jq -e ".mode == \"slides\" and .frames >= 30 and .slide_start_frames == [0, 10, 20]" out/clip/theory.json &&
	narr=$(jq .narration_seconds out/clip/theory.json) &&
	jq -e ".frames == ([30, ((0.2 + $narr + 0.3) * 10 | round)] | max)" out/clip/theory.json &&
	jq -e ".frames == ([50, ((0.2 + .narration_seconds + 0.3) * 10 | round)] | max)" out/clip/bye.json
'

# changes CLIP: frame numbers whose picture differs from the one before:
# some pixel of a small grey copy moved by more than coding noise does
# (seen: 4 on a repeated slide, over 100 on a changed one)
changes() {
	ffmpeg -v error -i "$1" -vf scale=160:90,format=gray -f rawvideo - | python3 -c '
import sys
data = sys.stdin.buffer.read(); n = 160 * 90
frames = [data[i:i + n] for i in range(0, len(data), n)]
for i in range(1, len(frames)):
    if max(abs(a - b) for a, b in zip(frames[i], frames[i - 1])) > 40:
        print(i)'
}

test_expect_success 'slides advance at the interval: changes at frames 10 and 20 only' '
	changes out/clip/theory.mp4 >changed &&
	printf "10\n20\n" >expect && test_cmp expect changed
'

# ocr CLIP FRAME: the text tesseract reads in that frame
ocr() {
	ffmpeg -v error -i "$1" -vf "select=eq(n\,$2)" -frames:v 1 "frame-$2.png" &&
	tesseract "frame-$2.png" - 2>/dev/null
}

if command -v tesseract >/dev/null; then
	test_expect_success 'decoded frames show each slide title in turn (OCR)' '
		ocr out/clip/theory.mp4 5 >t5 && test_grep "Sorting Basics" t5 &&
		ocr out/clip/theory.mp4 15 >t15 && test_grep "Why Compare" t15 &&
		test_grep "Order matters" t15 && ! grep -q "Sorting Basics" t15 &&
		ocr out/clip/theory.mp4 25 >t25 && test_grep "Costs Grow" t25
	'
else
	test_skip "decoded frames show each slide title in turn (OCR)" "no tesseract"
fi

test_expect_success 'a slide is dark with light type: background and title pixels' '
	set -- $(rgb out/clip/theory.mp4 5 4 4) && test "$1" -lt 48 && test "$3" -lt 48 &&
	set -- $(rgb out/clip/open.mp4 5 300 300) && test "$1" -gt 150 && test "$3" -lt 60
'

# a file's H.264 parameter sets, as ffmpeg parses them
headers() {
	ffmpeg -hide_banner -loglevel debug -i "$1" -c copy -bsf:v trace_headers -frames:v 1 \
		-f null - 2>&1 | grep "trace_headers" | sed "s/^\[[^]]*\] *//; s/^[0-9]* *//" |
	awk "/^Packet/ { exit } { print }"
}

test_expect_success 'a slides clip has the captured clips'"'"' H.264 parameters' '
	headers out/clip/open.mp4 >demo.hdr && headers out/clip/theory.mp4 >slides.hdr &&
	test_grep "^Sequence Parameter Set" demo.hdr && test_cmp demo.hdr slides.hdr
'

test_expect_success 'a slide drawn again is the same picture, byte for byte' '
	key=$(ls out/slides/*.json | head -n 1) &&
	"$BIN/slidepic" -o again.png "$key" &&
	cmp again.png "${key%.json}.png"
'

test_expect_success 'slidepic and slidecap refuse bad fragments' '
	echo "{\"theme\": \"dark\", \"video_size\": {\"width\": 320, \"height\": 180},
	       \"slide\": {\"type\": \"poster\", \"title\": \"X\"}}" >bad-slide.json &&
	test_must_fail 2 "$BIN/slidepic" -o bad.png bad-slide.json 2>err &&
	test_grep "slide.type: must be \"title\" or \"content\"" err && test ! -e bad.png &&
	jq ".images = [\"$TMP/gone.png\"]" out/step/theory/slides.json >gone.json &&
	test_must_fail 4 "$BIN/slidecap" -o gone.mp4 gone.json 2>err &&
	test_grep "gone.png: cannot read the slide: No such file" err && test ! -e gone.mp4
'

test_expect_success 'an unchanged spec rebuilds nothing' '
	build && test -z "$(cat ran)"
'

test_expect_success 'a changed bullet draws only its slide; the demo clips stay' '
	ls out/slides/*.png | sort >before &&
	for f in $(cat before); do stat -c "%n %y" "$f"; done >mtimes &&
	spec "Order matters most" &&
	build &&
	test_grep "SLIDE=1" ran && test_grep "SLIDES=1" ran && test_grep "MUX=1" ran &&
	! grep -q "CAP=" ran &&
	ls out/slides/*.png | sort >after &&
	test "$(comm -13 before after | wc -l)" = 1 &&
	comm -12 before after >kept && test "$(wc -l <kept)" = 4 &&
	for f in $(cat kept); do stat -c "%n %y" "$f"; done >mtimes.after &&
	grep -F -f kept mtimes >mtimes.kept && test_cmp mtimes.kept mtimes.after
'

test_expect_success 'slides.dir: the user'"'"'s images, fitted with dark margins' '
	mkdir -p deck &&
	ffmpeg -v error -f lavfi -i color=c=red:s=320x240 -frames:v 1 deck/2.png &&
	ffmpeg -v error -f lavfi -i color=c=blue:s=640x480 -frames:v 1 deck/10.jpg &&
	jq "del(.slides.content) | .slides.dir = \"deck\" | .segments[1].slides.range = [1, 2] |
	    .segments[3].slides.range = [2, 2]" tour.json >dir.json && mv dir.json tour.json &&
	build &&
	set -- $(rgb out/clip/theory.mp4 5 320 180) && test "$1" -gt 200 && test "$3" -lt 60 &&
	set -- $(rgb out/clip/theory.mp4 15 320 180) && test "$1" -lt 60 && test "$3" -gt 200 &&
	set -- $(rgb out/clip/theory.mp4 5 10 180) && test "$1" -lt 48 && test "$1" -gt 16 &&
	test_grep "^SLIDES_theory := $TMP/deck/2.png $TMP/deck/10.jpg$" out/steps.mk
'

test_expect_success 'slides.dir: an image added to the folder joins the deck at the next make' '
	ffmpeg -v error -f lavfi -i color=c=white:s=320x240 -frames:v 1 deck/1.png &&
	build &&
	test_grep "SLIDES=2" ran && ! grep -q "CAP=" ran &&
	test_grep "^SLIDES_theory := $TMP/deck/1.png $TMP/deck/2.png$" out/steps.mk &&
	set -- $(rgb out/clip/theory.mp4 5 320 180) && test "$1" -gt 200 && test "$3" -gt 200
'

test_expect_success 'an independent tour: demo steps captured one by one, slides clips kept' '
	jq ".settings.mode = \"independent\"" tour.json >ind.json && mv ind.json tour.json &&
	build &&
	test_grep "CAP=2" ran && ! grep -q "SLIDES=" ran && test_grep "MUX=1" ran &&
	test "$(frames out/tour.mp4)" = "$(jq -s "map(.frames) | add" out/clip/open.json \
		out/clip/theory.json out/clip/more.json out/clip/bye.json)"
'

# pdf FILE "R G B"...: a PDF of 16:9 pages, each filled with one colour
pdf() {
	python3 - "$@" <<'PY'
import sys
out, colours = sys.argv[1], sys.argv[2:]
n = len(colours)
objs = ["<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [%s] /Count %d >>" % (" ".join("%d 0 R" % (3 + 2 * i) for i in range(n)), n)]
for i, c in enumerate(colours):
    body = "%s rg 0 0 640 360 re f" % c
    objs.append("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 640 360] /Contents %d 0 R >>" % (4 + 2 * i))
    objs.append("<< /Length %d >>\nstream\n%s\nendstream" % (len(body), body))
data, offsets = b"%PDF-1.4\n", []
for k, o in enumerate(objs):
    offsets.append(len(data))
    data += ("%d 0 obj\n%s\nendobj\n" % (k + 1, o)).encode()
xref = len(data)
data += ("xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)).encode()
data += "".join("%010d 00000 n \n" % off for off in offsets).encode()
data += ("trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref)).encode()
open(out, "wb").write(data)
PY
}

if command -v pdftoppm >/dev/null && command -v pdfinfo >/dev/null; then
	test_expect_success 'slides.dir: a PDF'"'"'s pages are slides; a changed PDF draws them again' '
		mkdir -p pdfdeck && pdf pdfdeck/talk.pdf "1 0 0" "0 0 1" &&
		jq -n "{settings: {viewport: {width: 640, height: 360}, fps: 10, lead_in: 0.2, tail: 0.3},
			slides: {dir: \"pdfdeck\"},
			segments: [{id: \"p\", type: \"slides\", narration: \"Pages.\",
			            slides: {range: [1, 2], advance_interval: 1000}}]}" >pdf.json &&
		make -C "$ROOT" --no-print-directory SPEC="$TMP/pdf.json" OUT="$TMP/out-pdf" \
			CACHE="$TMP/cache" >pdf.log 2>&1 &&
		test "$(grep -c "^  SLIDE " pdf.log)" = 2 &&
		test_grep "^\$(SPEC_STAMP): $TMP/pdfdeck $TMP/pdfdeck/talk.pdf$" out-pdf/steps.mk &&
		set -- $(rgb out-pdf/clip/p.mp4 5 320 180) && test "$1" -gt 200 && test "$3" -lt 60 &&
		set -- $(rgb out-pdf/clip/p.mp4 15 320 180) && test "$1" -lt 60 && test "$3" -gt 200 &&
		pdf pdfdeck/talk.pdf "1 0 0" "0 1 0" &&
		make -C "$ROOT" --no-print-directory SPEC="$TMP/pdf.json" OUT="$TMP/out-pdf" \
			CACHE="$TMP/cache" >pdf.log 2>&1 &&
		test "$(grep -c "^  SLIDE " pdf.log)" = 2 && test_grep "^  SLIDES " pdf.log &&
		set -- $(rgb out-pdf/clip/p.mp4 15 320 180) && test "$2" -gt 200 && test "$3" -lt 60
	'
	test_expect_success 'slides.dir: a PDF pdfinfo cannot read: exit 2 naming it' '
		mkdir -p badpdf && echo "not a pdf" >badpdf/x.pdf &&
		bad_spec badpdf "\"slides\": {\"dir\": \"badpdf\"}," "$SHOW" &&
		bad badpdf &&
		test_grep "slides.dir: $TMP/badpdf/x.pdf: not a PDF that pdfinfo can read" err
	'
else
	test_skip "slides.dir: a PDF's pages are slides" "no poppler-utils"
fi

# wait_for 'CONDITION' SECONDS: poll until it holds
wait_for() {
	local i
	for ((i = 0; i < $2 * 10; i++)); do
		eval "$1" && return 0
		sleep 0.1
	done
	echo "still not true after $2 s: $1" >&2
	cat watch.log >&2
	return 1
}

test_expect_success 'make watch: a saved slides.dir image remakes its clips, no demo clip' '
	setsid make -C "$ROOT" --no-print-directory SPEC="$TMP/tour.json" OUT="$TMP/out" \
		CACHE="$TMP/cache" watch >watch.log 2>&1 &
	watch_pid=$! &&
	test_at_end "kill -TERM -- -$watch_pid 2>/dev/null; wait $watch_pid 2>/dev/null" &&
	wait_for "grep -q \"waiting for changes\" watch.log" 120 &&
	: >watch.log &&
	ffmpeg -v error -y -f lavfi -i color=c=green:s=320x240 -frames:v 1 deck/2.png &&
	wait_for "grep -q \"waiting for changes\" watch.log" 120 &&
	test_grep "SLIDES .*theory.mp4" watch.log && ! grep -q "CAP" watch.log &&
	set -- $(rgb out/clip/theory.mp4 15 320 180) && test "$2" -gt 100 && test "$1" -lt 60 &&
	: >watch.log &&
	sed -i "s/#0000c0/#00c000/" site/b.html &&
	wait_for "grep -q \"waiting for changes\" watch.log" 120 &&
	test_grep "CAP .*more.mp4" watch.log && ! grep -q "SLIDES" watch.log &&
	kill -TERM -- -$watch_pid
'

test_done
