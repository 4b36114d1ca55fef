#!/bin/bash
# Sync by construction: a 40-step tour built by make from real captures and
# espeak-ng narration; each narration's onset, measured in the output's
# decoded audio against its chapter's start, is the same in every step to
# within one frame.
. "$(dirname "$0")/test-lib.sh"

mkdir site
cat >site/page.html <<'HTML'
<!doctype html><title>Sync</title>
<body style="margin:0;font:28px sans-serif;background:#eef"><h1>Sync</h1></body>
HTML
words=(one two three four five six seven eight nine ten)
jq -n --arg words "${words[*]}" '
	($words | split(" ")) as $w
	| {meta: {title: "Forty steps"},
	   settings: {viewport: {width: 320, height: 240}, voice: "am_michael",
		      lead_in: 0.5, tail: 0.3},
	   output: {loudnorm: true},
	   steps: [range(40) as $i | {id: "s\($i + 1)", url: "site/page.html",
		   narration: "Step \($w[$i % 10]), part \($i / 10 | floor + 1)."}]}' >tour.json

test_expect_success 'make builds the 40-step tour' '
	make -C "$ROOT" --no-print-directory -j2 SPEC="$TMP/tour.json" OUT="$TMP/out" \
		CACHE="$TMP/cache" >make.log 2>&1 || { cat make.log; false; } &&
	test -s out/tour.mp4
'

# onsets: silencedetect's silence_end is where sound starts again; a step's
# onset is the first one after its chapter starts (pauses inside a sentence
# end silences too)
test_expect_success 'every narration starts at the same offset in its step, spread <= 1 frame' '
	ffprobe -v error -show_entries chapter=start_time -of csv=p=0 out/tour.mp4 >starts &&
	test $(wc -l <starts) = 40 &&
	ffmpeg -nostats -i out/tour.mp4 -map 0:a -af silencedetect=noise=-45dB:d=0.15 \
		-f null - 2>&1 | awk "/silence_end/ { print \$5 }" >onsets &&
	awk "NR == FNR { start[NR] = \$1; n = NR; next }
		{ for (i = n; i >= 1 && start[i] > \$1; i--) ;
		  if (i >= 1 && !(i in onset)) onset[i] = \$1 - start[i] }
		END { for (i = 1; i <= n; i++) {
			if (!(i in onset)) { print \"no onset in step \" i; exit 1 }
			if (i == 1 || onset[i] < lo) lo = onset[i]
			if (i == 1 || onset[i] > hi) hi = onset[i] }
		      printf \"onset after step start: %.4f to %.4f s, spread %.4f s\\n\", lo, hi, hi - lo
		      exit !(hi - lo <= 1 / 30 && lo > 0.45 && hi < 0.6) }" starts onsets
'

test_expect_success 'the video is exactly the clips: frame count, stream-copied' '
	total=$(jq -s "map(.frames) | add" out/clip/*.json) &&
	got=$(ffprobe -v error -select_streams v -count_packets -show_entries stream=nb_read_packets \
		-of csv=p=0 out/tour.mp4) &&
	test "$got" = "$total" &&
	ffmpeg -v error -i out/clip/s17.mp4 -map 0:v -f framemd5 - | grep -v "^#" |
		awk -F, "{ print \$NF }" >expect &&
	first=$(jq -s "map(.frames) | .[0:16] | add" $(for i in $(seq 1 40); do echo out/clip/s$i.json; done)) &&
	ffmpeg -v error -i out/tour.mp4 -map 0:v -f framemd5 - | grep -v "^#" |
		awk -F, -v a=$first -v n=$(wc -l <expect) "NR > a && NR <= a + n { print \$NF }" >actual &&
	test_cmp expect actual
'

test_expect_success 'subtitles: every cue inside its step, one step per narration' '
	test $(grep -c -- "-->" out/tour.srt) = 40 &&
	grep -- "-->" out/tour.srt | sed "s/,/./g" | awk "{ split(\$1, a, \":\"); print a[1] * 3600 + a[2] * 60 + a[3] }" >cue-starts &&
	paste -d, starts cue-starts | awk -F, "{ d = \$2 - \$1; if (d < 0.49 || d > 0.51) { print; bad = 1 } } END { exit bad }"
'

test_done
