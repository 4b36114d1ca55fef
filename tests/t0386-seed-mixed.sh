#!/bin/bash
# The seed's slides-between-demos tutorial, unchanged:
# bubblesort-mixed-tutorial.json, its demo segments recorded in the
# project's code-server on 127.0.0.1:8080, its slides drawn here, the
# authors' intro and outro clips (made up here, where the spec looks for
# them, under a HOME of the test's own) around them.
. "$(dirname "$0")/test-lib.sh"
. "$ROOT/tests/capture-lib.sh"
. "$ROOT/tests/vscode-lib.sh"

need_vscode "the seed's slides-and-demo tutorial in a real code-server"

SPEC=$ROOT/tests/fixtures/seed-specs/bubblesort-mixed-tutorial.json
WS=$(jq -r '[.segments[] | select(.url)][0].url | sub(".*folder="; "")' "$SPEC")

need_free_port 8080
[ -e "$WS" ] || test_at_end "rm -rf '$WS'"

mkdir -p home/dev/autonomous-recording/overlays/out
for edge in intro outro; do
	ffmpeg -v error -f lavfi -i testsrc=size=640x360:rate=25:duration=2 \
		-f lavfi -i sine=frequency=440:duration=2 -c:v libx264 -c:a aac -shortest \
		home/dev/autonomous-recording/overlays/out/bubblesort-$edge.mp4
done

test_expect_success 'the mixed tutorial renders unchanged: slides drawn, demos in code-server' '
	HOME=$TMP/home make -C "$ROOT" --no-print-directory SPEC="$SPEC" OUT="$TMP/out" \
		CACHE="$TMP/cache" >make.log 2>&1 || { cat make.log; false; } &&
	test_grep "withvscode: started code-server on 127.0.0.1:8080" make.log &&
	test -s out/bubblesort-mixed-tutorial.mp4 &&
	test -s home/dev/autonomous-recording/output/bubblesort-mixed-tutorial.mp4
'

jq -j '.segments[] | select(.actions) | .actions[] |
	select(.type == "type_text" and .text != "BubbleSort.java") | .text' "$SPEC" >typed.txt

test_expect_success 'BubbleSort.java holds exactly what the demo segments typed' '
	test_cmp typed.txt "$WS/BubbleSort.java"
'

test_expect_success 'the terminal compiled and ran it on camera' '
	ocr out/clip/demo-compile-run.mp4 -1 350 700 1570 330 >screen.txt &&
	test_grep "Sorted array:" screen.txt &&
	test_grep "11 12 22 25 34 64 90" screen.txt
'

# slide_text CLIP FRAME: what a (dark) slide says, on one line
slide_text() {
	ffmpeg -v error -y -i "$1" -vf "select=eq(n\,$2),negate" -frames:v 1 "$TMP/slide.png" &&
	tesseract "$TMP/slide.png" - 2>/dev/null | tr -s " \n" " "
}

test_expect_success 'the intro slides advance every 8 s, each title on its slide' '
	fps=$(meta out/clip/intro-slides.json fps) &&
	i=0 &&
	for title in "Understanding Bubble Sort" "What is Bubble Sort?" "How It Works" "Time Complexity"; do
		f=$(( (8 * i + 4) * fps )) &&
		got=$(slide_text out/clip/intro-slides.mp4 $f) &&
		echo "frame $f: $got" &&
		case "$got" in *"$title"*) ;; *) return 1 ;; esac &&
		i=$((i + 1)) || return 1
	done &&
	patch out/clip/intro-slides.mp4 $((8 * fps - 1)) 0 0 1920 1080 >before &&
	patch out/clip/intro-slides.mp4 $((8 * fps)) 0 0 1920 1080 >after &&
	! cmp -s before after
'

test_expect_success 'chapters and subtitles cover slides and demos in the spec'"'"'s order' '
	head -n 3 out/bubblesort-mixed-tutorial.chapters.txt >chapters &&
	test_grep "Intro" chapters &&
	test_grep "Understanding Bubble Sort" chapters &&
	test_grep "demo-setup" chapters &&
	test_grep "complexity" out/bubblesort-mixed-tutorial.srt
'

test_expect_success 'code-server was stopped afterwards' '
	! listening 8080
'

test_done
