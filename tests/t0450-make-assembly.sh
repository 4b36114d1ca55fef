#!/bin/bash
# The assembly's make rules: the video and its sidecars as one target, the
# report after it, and the intro/outro clips as prerequisites
. "$(dirname "$0")/test-lib.sh"

mkdir site media
cat >site/p.html <<'HTML'
<!doctype html><title>P</title><body><h1>P</h1></body>
HTML
ffmpeg -v error -f lavfi -i "color=c=red:s=160x120:r=30" -t 0.5 -c:v libx264 media/intro.mp4
cat >tour.json <<'JSON'
{"settings": {"viewport": {"width": 160, "height": 120}, "lead_in": 0.1, "tail": 0.1},
 "output": {"intro_clip": "media/intro.mp4"},
 "steps": [{"id": "a", "url": "site/p.html", "narration": "Hello."}]}
JSON

build() {
	make -C "$ROOT" --no-print-directory SPEC="$TMP/tour.json" OUT="$TMP/out" \
		CACHE="$TMP/cache" "$@" >make.log 2>&1 || { cat make.log; return 1; }
	grep -E '^  (TTS|CAP|MUX|REPORT) ' make.log | awk '{print $1}' | sort | paste -sd' ' >ran
	cat ran
}

test_expect_success 'a sidecar is a target of its own: make builds the video for it' '
	build "$TMP/out/tour.srt" &&
	test -s out/tour.srt && test -s out/tour.mp4 && test ! -e out/report.html
'

test_expect_success 'make report, and all: the report after the video' '
	build report &&
	echo REPORT >expect && test_cmp expect ran &&
	build &&
	test -z "$(cat ran)"
'

test_expect_success 'steps.mk names the intro; replacing it remakes the video only' '
	test_grep "^MUX_MEDIA := $TMP/media/intro.mp4$" out/steps.mk &&
	sleep 1 &&
	ffmpeg -v error -y -f lavfi -i "color=c=blue:s=160x120:r=30" -t 1 -c:v libx264 media/intro.mp4 &&
	build &&
	echo "MUX REPORT" >expect && test_cmp expect ran
'

# a file's H.264 parameter sets (SPS, PPS) from its extradata, as ffmpeg
# parses them
headers() {
	ffmpeg -hide_banner -loglevel debug -i "$1" -c copy -bsf:v trace_headers -frames:v 1 \
		-f null - 2>&1 | grep "trace_headers" | sed "s/^\[[^]]*\] *//; s/^[0-9]* *//" |
	awk "/^Packet/ { exit } { print }"
}

# The joined stream carries the first file's SPS/PPS (the intro's): they
# must be the capture's, colour description included.
test_expect_success 'the converted intro has the same SPS and PPS as a captured clip' '
	headers out/clip/a.mp4 >clip.hdr &&
	headers out/tour.mp4 >final.hdr &&
	test_grep "^Sequence Parameter Set" clip.hdr &&
	test_grep "^matrix_coefficients" clip.hdr &&
	test_grep "^Picture Parameter Set" clip.hdr &&
	test_cmp clip.hdr final.hdr
'

test_expect_success 'an intro path make cannot hold: a warning, the build goes on' '
	mkdir "media 2" && cp media/intro.mp4 "media 2/intro.mp4" &&
	sed -i "s|media/intro.mp4|media 2/intro.mp4|" tour.json &&
	build &&
	test_grep "spec2req: .*tour.json: output.intro_clip: make cannot track \"$TMP/media 2/intro.mp4\"" make.log &&
	test_grep "^MUX_MEDIA :=$" out/steps.mk
'

test_done
