#!/bin/bash
# The build report: report.html with thumbnails, narration, durations and
# cache use, and a contact sheet; opened in headless Chromium
. "$(dirname "$0")/test-lib.sh"

mkdir site
for c in red green blue; do
	cat >site/$c.html <<HTML
<!doctype html><title>$c</title><body style="margin:0;background:$c"></body>
HTML
done
cat >tour.json <<'JSON'
{"meta": {"title": "Colours <&> tour"},
 "settings": {"viewport": {"width": 320, "height": 240}, "lead_in": 0.2, "tail": 0.2},
 "steps": [{"id": "red", "title": "The red page", "url": "site/red.html", "narration": "Red is <b>bold</b> & warm."},
           {"id": "green", "url": "site/green.html", "narration": "Green is calm."},
           {"id": "blue", "title": "Blue", "url": "site/blue.html", "narration": "Blue is cool."}]}
JSON

build() {
	make -C "$ROOT" --no-print-directory SPEC="$TMP/tour.json" OUT="$TMP/out" \
		CACHE="$TMP/cache" "$@" >make.log 2>&1 || { cat make.log; return 1; }
}

# A page that loads the report in a frame and writes down what it sees:
# images that failed to load, the step rows and their cells.
cat >check.html <<'HTML'
<!doctype html><body><iframe id="f" src="out/report.html"></iframe>
<script>
document.getElementById('f').onload = function () {
	var d = this.contentDocument, lines = [], imgs = d.images, i;
	for (i = 0; i < imgs.length; i++)
		lines.push('img ' + imgs[i].getAttribute('src') + ' ' +
			   (imgs[i].complete && imgs[i].naturalWidth > 0 ? imgs[i].naturalWidth + 'px' : 'BROKEN'));
	d.querySelectorAll('#steps tr[id]').forEach(function (tr) {
		lines.push('row ' + Array.from(tr.cells).map(function (c) { return c.textContent; }).join(' | '));
	});
	d.querySelectorAll('#totals tr').forEach(function (tr) { lines.push('total ' + tr.textContent); });
	d.querySelectorAll('a').forEach(function (a) { lines.push('link ' + a.getAttribute('href')); });
	var p = document.createElement('pre');
	p.id = 'seen';
	p.textContent = lines.join('\n');
	document.body.appendChild(p);
};
</script>
HTML

# seen: what Chromium saw in the report, one line per fact
seen() {
	timeout 60 chromium-headless-shell --headless --no-sandbox --disable-gpu \
		--allow-file-access-from-files --virtual-time-budget=5000 \
		--dump-dom "file://$TMP/check.html" 2>/dev/null |
	sed -n '/<pre id="seen">/,/<\/pre>/p' | sed 's/<pre id="seen">//; s/<\/pre>.*//' |
	sed 's/&lt;/</g; s/&gt;/>/g; s/&amp;/\&/g'
}

test_expect_success 'make builds the tour, its report and contact sheet' '
	build &&
	test_grep "REPORT" make.log &&
	test -s out/report.html && test -s out/contact-sheet.png
'

test_expect_success 'Chromium shows every thumbnail and the contact sheet, none broken' '
	seen >seen.txt &&
	grep "^img " seen.txt >imgs &&
	printf "%s\n" "img contact-sheet.png 976px" "img report/red.jpg 320px" \
		"img report/green.jpg 320px" "img report/blue.jpg 320px" >expect &&
	test_cmp expect imgs
'

test_expect_success 'links to the video, its subtitles and chapter list' '
	grep "^link " seen.txt >links &&
	printf "link %s\n" tour.mp4 tour.srt tour.vtt tour.chapters.txt >expect &&
	test_cmp expect links
'

test_expect_success 'one row per step: title, id, start, narration as text, durations, cache' '
	grep "^row " seen.txt | cut -d"|" -f1-4 >rows &&
	at2=$(jq -r "(.frames / .fps) | floor | \"0:\\(if . < 10 then \"0\" else \"\" end)\\(.)\"" out/clip/red.json) &&
	at3=$(jq -rs "(.[0].frames + .[1].frames) / 30 | floor | \"0:\\(if . < 10 then \"0\" else \"\" end)\\(.)\"" out/clip/red.json out/clip/green.json) &&
	printf "%s\n" "row 1 | The red pagered | 0:00 | Red is <b>bold</b> & warm. " \
		"row 2 | greengreen | $at2 | Green is calm. " \
		"row 3 | Blueblue | $at3 | Blue is cool. " >expect &&
	test_cmp expect rows &&
	grep "^row 1 " seen.txt | awk -F" [|] " "{ print \$5, \$6, \$7 }" >durations &&
	audio=$(ffprobe -v error -show_entries format=duration -of csv=p=0 out/wav/red.wav) &&
	clip=$(jq ".frames / .fps" out/clip/red.json) &&
	printf "%.2f s %.2f s made\n" "$audio" "$clip" >expect &&
	test_cmp expect durations
'

test_expect_success 'totals: steps, video length, narration, cache use' '
	grep "^total " seen.txt >totals &&
	test_grep "^total steps3$" totals &&
	frames=$(jq -s "map(.frames) | add" out/clip/*.json) &&
	test_grep "^total video.*$frames frames at 30 fps" totals &&
	test_grep "^total narration.* s in 3 steps$" totals &&
	test_grep "^total TTS cache0 hits, 3 made$" totals
'

test_expect_success 'the contact sheet tiles one thumbnail per step' '
	ffprobe -v error -show_entries stream=width,height -of csv=p=0 out/contact-sheet.png >size &&
	echo "976,248" >expect && test_cmp expect size &&
	ffmpeg -v error -i out/contact-sheet.png -vf "crop=320:240:4:4,scale=1:1" -f rawvideo \
		-pix_fmt rgb24 - | od -An -tu1 | awk "{ exit !(\$1 > 200 && \$2 < 60 && \$3 < 60) }" &&
	ffmpeg -v error -i out/contact-sheet.png -vf "crop=320:240:652:4,scale=1:1" -f rawvideo \
		-pix_fmt rgb24 - | od -An -tu1 | awk "{ exit !(\$1 < 60 && \$2 < 60 && \$3 > 200) }"
'

test_expect_success 'rebuilt from scratch with the cache kept: every narration a cache hit' '
	sleep 1.1 &&
	rm -rf out &&
	build &&
	seen | grep "^total TTS cache" >totals &&
	echo "total TTS cache3 hits, 0 made" >expect && test_cmp expect totals
'

test_expect_success 'a page edit redraws that step'"'"'s thumbnail only' '
	stat -c %y out/report/red.jpg >red.mtime && cp out/report/green.jpg green.before &&
	sed -i "s/background:green/background:orange/" site/green.html &&
	build && test_grep "CAP .*green.mp4" make.log && ! grep "CAP .*red.mp4" make.log &&
	stat -c %y out/report/red.jpg >red.after && test_cmp red.mtime red.after &&
	! cmp -s green.before out/report/green.jpg
'

test_expect_success 'a clip touched, not changed (a continuous tour keeping it): its thumbnail kept' '
	stat -c %y out/report/red.jpg >red.mtime &&
	touch out/clip/red.mp4 &&
	"$BIN/tourreport" -d out -v out/tour.mp4 out/mux.json &&
	stat -c %y out/report/red.jpg >red.after && test_cmp red.mtime red.after &&
	test -s out/report/red.jpg.key
'

test_expect_success 'tourreport: bad input named, usage' '
	"$BIN/tourreport" -h >out.txt && test_grep "^usage: tourreport" out.txt &&
	test_must_fail 2 "$BIN/tourreport" 2>err && test_grep "^usage: tourreport" err &&
	test_must_fail 2 "$BIN/tourreport" -Z -d out -v out/tour.mp4 out/mux.json >out.txt 2>err &&
	test_grep "^usage: tourreport" err && test ! -s out.txt &&
	test_must_fail 4 "$BIN/tourreport" -d out -v nope.mp4 out/mux.json 2>err &&
	echo "tourreport: nope.mp4: No such file or directory" >expect && test_cmp expect err &&
	mv out/clip/green.json green.json &&
	test_must_fail 4 "$BIN/tourreport" -d out -v out/tour.mp4 out/mux.json 2>err &&
	echo "tourreport: out/clip/green.json: No such file or directory" >expect &&
	test_cmp expect err
'

test_expect_success 'a clip ffmpeg cannot read: exit 1, the old thumbnail kept, no temp file' '
	mv green.json out/clip/green.json && cp out/report/blue.jpg blue.before &&
	echo "not a video" >out/clip/blue.mp4 &&
	test_must_fail 1 "$BIN/tourreport" -d out -v out/tour.mp4 out/mux.json 2>err &&
	test_grep "^tourreport: out/clip/blue.mp4: ffmpeg failed (exit [0-9]*)$" err &&
	cmp blue.before out/report/blue.jpg &&
	test -z "$(ls -A out/report | grep tmp)"
'

test_expect_success 'ffmpeg not installed: exit 4 with the fix, no temp file' '
	touch out/clip/green.mp4 &&
	PATH=$TMP/nowhere test_must_fail 4 "$BIN/tourreport" -d out -v out/tour.mp4 out/mux.json 2>err &&
	echo "tourreport: ffmpeg: not installed: run '"'"'make deps'"'"'" >expect &&
	test_cmp expect err &&
	test -z "$(ls -A out/report | grep tmp)"
'

test_done
