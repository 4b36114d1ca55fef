#!/bin/bash
# Shell composition: the README's tool-by-tool pipeline, without make,
# gives the same kind of result as the make build
. "$(dirname "$0")/test-lib.sh"

mkdir site
cat >site/p.html <<'HTML'
<!doctype html><title>P</title><body style="margin:0;background:#9cf"><h1>P</h1></body>
HTML
cat >tour.json <<'JSON'
{"meta": {"title": "By hand"},
 "settings": {"viewport": {"width": 320, "height": 240}, "lead_in": 0.2, "tail": 0.2},
 "steps": [{"id": "one", "url": "site/p.html", "narration": "First step."},
           {"id": "two", "url": "site/p.html", "narration": "Second step."},
           {"id": "three", "url": "site/p.html", "narration": "Third step."},
           {"id": "four", "url": "site/p.html", "narration": "Fourth step."}]}
JSON

test_expect_success 'spec2req, ttslocal and stepcap per step, then mux and tourreport' '
	"$BIN/spec2req" -o t tour.json &&
	for id in $(jq -r ".steps[].id" t/mux.json); do
		"$BIN/ttslocal" -c cache -o t/wav/$id.wav t/step/$id/tts.json &&
		"$BIN/stepcap" -w t/wav/$id.wav -m t/clip/$id.json \
			-o t/clip/$id.mp4 t/step/$id/cap.json || break
	done &&
	"$BIN/mux" -d t -o t/tour.mp4 t/mux.json &&
	"$BIN/tourreport" -d t -v t/tour.mp4 t/mux.json &&
	test -s t/report.html && test -s t/contact-sheet.png &&
	test $(grep -c -- "-->" t/tour.srt) = 4
'

test_expect_success 'a shorter cut from the same clips, loudness normalised, by editing mux.json' '
	jq ".steps |= .[:3] | .output.loudnorm = true" t/mux.json >t/short.json &&
	"$BIN/mux" -d t -o t/short.mp4 t/short.json &&
	ffprobe -v error -show_entries chapter_tags=title -of csv=p=0 t/short.mp4 >chapters &&
	printf "%s\n" one two three >expect && test_cmp expect chapters
'

test_done
