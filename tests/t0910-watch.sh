#!/bin/bash
# make watch: a build at the start, then one after each save of the spec or
# of a page it opens; stopped by a signal, leaving nothing running
. "$(dirname "$0")/test-lib.sh"

mkdir site
cat >site/a.html <<'HTML'
<!doctype html><title>A</title><body style="margin:0;background:#fff"><h1>A</h1></body>
HTML
cat >tour.json <<'JSON'
{"settings": {"viewport": {"width": 160, "height": 120}, "lead_in": 0.1, "tail": 0.1},
 "steps": [{"id": "a", "title": "First title", "url": "site/a.html", "narration": "Hello."}]}
JSON

# started with setsid: its own process group, so one kill stops make,
# the watch script and inotifywait together
setsid make -C "$ROOT" --no-print-directory SPEC="$TMP/tour.json" OUT="$TMP/out" \
	CACHE="$TMP/cache" watch >watch.log 2>&1 &
watch_pid=$!
test_at_end "kill -TERM -- -$watch_pid 2>/dev/null; wait $watch_pid 2>/dev/null"

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

title() {
	ffprobe -v error -show_entries chapter_tags=title -of csv=p=0 out/tour.mp4 2>/dev/null
}

# mean luma of the clip's first frame: white page or not
luma() {
	ffmpeg -v error -i out/clip/a.mp4 -frames:v 1 -vf format=gray,scale=1:1 -f rawvideo - |
		od -An -tu1 | tr -d " "
}

test_expect_success 'watch builds the tour at the start' '
	wait_for "grep -q \"waiting for changes\" watch.log" 120 &&
	test "$(title)" = "First title"
'

test_expect_success 'saving the spec rebuilds the video' '
	: >watch.log &&
	sed -i "s/First title/Second title/" tour.json &&
	wait_for "grep -q \"waiting for changes\" watch.log" 120 &&
	test "$(title)" = "Second title" &&
	test_grep "MUX" watch.log && ! grep -q "CAP" watch.log
'

test_expect_success 'saving a page the spec opens recaptures that step' '
	test "$(luma)" -gt 200 &&
	: >watch.log &&
	sed -i "s/#fff/#000/" site/a.html &&
	wait_for "grep -q \"waiting for changes\" watch.log" 120 &&
	test_grep "CAP" watch.log &&
	test "$(luma)" -lt 60
'

test_expect_success 'a broken spec is reported, and watching goes on' '
	: >watch.log &&
	echo "{" >tour.json &&
	wait_for "grep -q \"the build failed\" watch.log" 60 &&
	test_grep "spec2req: .*tour.json" watch.log &&
	kill -0 $watch_pid
'

test_expect_success 'a signal stops it all: no make, no inotifywait left' '
	kill -TERM -- -$watch_pid &&
	wait_for "! kill -0 -- -$watch_pid 2>/dev/null" 10
'

test_done
