#!/bin/sh
# stepcap against a local HTTP server: wait_for_load waits for the network
# to go quiet (bounded), a pause keeps to the wall clock while a WebSocket
# is open, long waits do not become frozen video, and a step
# that fails once is retried into success.
. "$(dirname "$0")/test-lib.sh"
. "$ROOT/tests/capture-lib.sh"

if ! have_browser; then
	test_skip "network waits" "no chromium-headless-shell"
	test_done
	exit
fi

python3 "$PAGES/server.py" port 2>server.log &
SERVER=$!
test_at_end "kill $SERVER 2>/dev/null; wait $SERVER 2>/dev/null"
for i in $(seq 100); do
	[ -s port ] && break
	sleep 0.1
done
URL=http://127.0.0.1:$(cat port)

test_expect_success 'the page is loaded, network included, before recording starts' '
	frag onload "$URL/net.html?onload&ms=800" "[{\"type\": \"wait_for_load\"}]" &&
	$BIN/stepcap -m onload.meta -o onload.mp4 onload.json &&
	is green "$(rgb onload.mp4 0 170 50)" &&
	test "$(meta onload.meta action_frames)" = 0
'

# A page with nothing in flight at its load is recorded at once, its half
# second of quiet assumed, and the meta file says so. A request started
# inside it makes what was recorded void: the clip is recorded again once
# the network is quiet.
test_expect_success 'a page quiet at its load is recorded without waiting out the quiet' '
	frag quiet "$URL/net.html" "[{\"type\": \"wait_for_load\"}]" &&
	$BIN/stepcap -m quiet.meta -o quiet.mp4 quiet.json &&
	test "$(meta quiet.meta network_quiet)" = assumed &&
	is red "$(rgb quiet.mp4 0 170 50)"
'

test_expect_success 'a request the page starts just after its load is in the first frame' '
	frag late "$URL/net.html?after=100&ms=300" "[{\"type\": \"wait_for_load\"},
		{\"type\": \"pause\", \"duration\": 1}]" &&
	$BIN/stepcap -m late.meta -o late.mp4 late.json &&
	test "$(meta late.meta network_quiet)" = waited &&
	is green "$(rgb late.mp4 0 170 50)" &&
	test "$(meta late.meta action_frames)" = 30 &&
	test "$(frames late.mp4)" = 45
'

test_expect_success 'assertions see what a request started just after the load brought' '
	frag lateassert "$URL/net.html?after=100&ms=300" "[]" "\"assertions\": [
		{\"type\": \"element_visible\", \"selector\": \".answered\", \"timeout\": 0.1}]" &&
	$BIN/stepcap -o lateassert.mp4 lateassert.json &&
	is green "$(rgb lateassert.mp4 0 170 50)"
'

# the 200 ms would run out before the answer, if they counted from the load
test_expect_success 'a wait counts its timeout from the end of the quiet it did not wait out' '
	frag latewait "$URL/net.html?after=100&ms=300" "[{\"type\": \"wait_for_selector\",
		\"selector\": \".answered\", \"timeout\": 200}]" &&
	$BIN/stepcap -o latewait.mp4 latewait.json &&
	is green "$(rgb latewait.mp4 0 170 50)"
'

# Input waits for the quiet to be over; the pause before it, recorded in
# far less time, would jump ahead after that wait unless recorded again.
test_expect_success 'frames recorded ahead of input do not jump in time' '
	frag ahead "$URL/net.html" "[{\"type\": \"pause\", \"duration\": 0.1},
		{\"type\": \"click_selector\", \"selector\": \"#done\"}]" "\"cursor\": false" &&
	$BIN/stepcap -m ahead.meta -o ahead.mp4 ahead.json &&
	{ test "$(meta ahead.meta network_quiet)" = waited ||
	  test "$(meta ahead.meta clock_jumps)" = 0; }
'

test_expect_success 'wait_for_load waits for requests a click started' '
	frag click "$URL/net.html?ms=1500" "[{\"type\": \"click_selector\", \"selector\": \"#go\"},
		{\"type\": \"wait_for_load\"}]" "\"cursor\": false, \"assertions\": [
		{\"type\": \"element_visible\", \"selector\": \".answered\", \"timeout\": 1}]" &&
	$BIN/stepcap -m click.meta -o click.mp4 click.json &&
	is green "$(rgb click.mp4 -1 170 50)"
'

# the server pushes 1.5 s after the socket opens; the pause's 90 frames
# take far less than that to draw, unless they keep to the wall clock
test_expect_success 'while a WebSocket is open a pause keeps to the wall clock: what the server pushes is in it' '
	frag socket "$URL/socket.html?ms=1500" "[{\"type\": \"wait_for_load\"},
		{\"type\": \"pause\", \"duration\": 3}]" "\"cursor\": false" &&
	$BIN/stepcap -m socket.meta -o socket.mp4 socket.json &&
	test "$(frames socket.mp4)" = 105 &&
	is red "$(rgb socket.mp4 0 170 50)" &&
	is green "$(rgb socket.mp4 89 170 50)"
'

test_expect_success 'a long wait shows at most max_wait of video; the rest is counted, not recorded' '
	# the 1.5 s request: 1 frame for the click, then 0.5 s = 15 frames of wait
	frag capped "$URL/net.html?ms=1500" "[{\"type\": \"click_selector\", \"selector\": \"#go\"},
		{\"type\": \"wait_for_selector\", \"selector\": \".answered\"}]" \
		"\"cursor\": false, \"max_wait\": 0.5" &&
	$BIN/stepcap -m capped.meta -o capped.mp4 capped.json &&
	test "$(meta capped.meta action_frames)" = 16 &&
	test "$(meta capped.meta dropped_wait_frames)" -gt 0 &&
	test "$(frames capped.mp4)" = 31 &&
	# the frame after the wait shows its end at once
	is red "$(rgb capped.mp4 15 170 50)" &&
	is green "$(rgb capped.mp4 16 170 50)"
'

test_expect_success 'max_wait 0: a wait shows no frames at all' '
	frag nowait "$URL/net.html?ms=600" "[{\"type\": \"click_selector\", \"selector\": \"#go\"},
		{\"type\": \"wait_for_load\"}]" "\"cursor\": false, \"max_wait\": 0" &&
	$BIN/stepcap -m nowait.meta -o nowait.mp4 nowait.json &&
	test "$(meta nowait.meta action_frames)" = 1 &&
	is green "$(rgb nowait.mp4 1 170 50)"
'

test_expect_success 'network idle is bounded: a page that polls forever gets a warning, not a hang' '
	frag poll "$URL/net.html?poll" "[{\"type\": \"wait_for_load\", \"timeout\": 1500}]" \
		"\"timeout\": 1, \"max_wait\": 0.2" &&
	$BIN/stepcap -m poll.meta -o poll.mp4 poll.json 2>err &&
	test_grep "^stepcap: step poll: actions\[0\] (wait_for_load): the network was never quiet" err &&
	test_grep "quiet for 0.5 s within 1.5 s ([01] requests open); going on$" err &&
	test "$(meta poll.meta action_frames)" = 6
'

# A renderer that stalls at the start is replaced by a browser that asks
# for the page again, using up its one failure: such a run shows no retry,
# and the next asks under a new key, so its first answer fails again.
test_expect_success 'a step that fails once succeeds on its retry' '
	for key in 1 2 3; do
		rm -rf fail &&
		frag flaky "$URL/flaky.html?key=$key" "[{\"type\": \"wait_for_selector\",
			\"selector\": \"#ready\", \"timeout\": 300}]" "\"max_retries\": 2" &&
		$BIN/stepcap -f fail -o flaky.mp4 flaky.json 2>err || return 1
		grep -q "renderer stalled" err || break
	done &&
	test_grep "attempt 1 of 3 failed" err &&
	test -s fail/flaky-attempt-1.png && test -s fail/flaky-attempt-1.txt &&
	test ! -e fail/flaky-attempt-2.png &&
	test "$(frames flaky.mp4)" = 15
'

test_expect_success 'no browser process or profile outlives the runs' '
	test -z "$(ls -A tmpdir)" &&
	! pgrep -f "$TMP/tmpdir" >/dev/null
'

test_done
