#!/bin/bash
# stepcap's frames are a function of the spec: the same step captured twice
# gives identical frames, also while other processes load the CPU, and the
# frame count is the timing model's. A renderer that never draws is
# restarted, then given up on, rather than waited for forever.
. "$(dirname "$0")/test-lib.sh"
. "$ROOT/tests/capture-lib.sh"

if ! have_browser; then
	test_skip "deterministic frames" "no chromium-headless-shell"
	test_done
	exit
fi

cat >tall.html <<'EOF2'
<!doctype html><title>tall</title>
<style>body { margin: 0; font: 20px sans-serif; } div { height: 600px; }
  input { position: absolute; left: 10px; top: 130px; font: 20px monospace; width: 250px; }
  #b { position: absolute; left: 10px; top: 10px; width: 100px; height: 100px; background: #f00; }
  #b:hover { background: #fc0; }</style>
<div style="background: linear-gradient(#fff, #f80)"></div><div style="background: #00f"></div>
<span id="b" onclick="this.textContent = 'clicked'"></span><input id="i">
EOF2

# a step with every kind of motion: the cursor's glide and ripple, hover,
# typing, an eased scroll, a narration-length hold
frag busy "file://$TMP/tall.html" '[
	{"type": "hover", "selector": "#b"},
	{"type": "click_selector", "selector": "#i"},
	{"type": "type_text", "text": "same every time", "delay": 30},
	{"type": "scroll", "to": "bottom", "speed": 2000},
	{"type": "pause", "duration": 0.3}]'
ffmpeg -v error -f lavfi -i anullsrc=r=24000:cl=mono -t 1.7 narration.wav

test_expect_success 'the frame count is the timing model, to the frame' '
	$BIN/stepcap -w narration.wav -m one.meta -o one.mp4 busy.json &&
	# hover 12+1, click 12+9, 15 characters at 30 ms (14 frames), scroll
	# 960 px at 2000 px/s (15 frames), pause 9: 72 frames; then the tail
	test "$(meta one.meta action_frames)" = 72 &&
	test "$(meta one.meta frames)" = 87 &&
	test "$(frames one.mp4)" = 87
'

test_expect_success 'the same step captured twice gives identical frames' '
	$BIN/stepcap -w narration.wav -o two.mp4 busy.json &&
	framesums one.mp4 >one.sums &&
	framesums two.mp4 >two.sums &&
	test "$(wc -l <one.sums)" = 87 &&
	test_cmp one.sums two.sums
'

test_expect_success 'and again while two busy processes load the CPU' '
	yes >/dev/null &
	y1=$!
	yes >/dev/null &
	y2=$!
	trap "kill $y1 $y2 2>/dev/null || :" EXIT
	kill -0 $y1 $y2 &&
	status=0
	$BIN/stepcap -w narration.wav -m loaded.meta -o loaded.mp4 busy.json || status=$?
	kill $y1 $y2
	wait $y1 $y2 2>/dev/null || :
	test $status = 0 &&
	framesums loaded.mp4 >loaded.sums &&
	test_cmp one.sums loaded.sums
'

test_expect_success 'the frames differ where the spec differs' '
	sed "s/same every time/not the same/" busy.json >other.json &&
	$BIN/stepcap -w narration.wav -o other.mp4 other.json &&
	framesums other.mp4 >other.sums &&
	! cmp -s one.sums other.sums
'

# A focused field's caret blinks on the frame clock, not the browser's
# timer: solid while typing, then on and off every 15 frames, the same in
# every capture however busy the machine. The caret is drawn 1 px wide
# just after "ab" (two 12 px cells of DejaVu Sans Mono at 20 px).
frag caret "file://$PAGES/caret.html" '[
	{"type": "click_selector", "selector": "#f"},
	{"type": "type_text", "text": "ab", "delay": 30},
	{"type": "pause", "duration": 3}]' '"cursor": false'

test_expect_success 'a typed-in field: the caret blinks on the frame clock' '
	$BIN/stepcap -o caret1.mp4 caret.json &&
	caret_states caret1.mp4 >caret1.states &&
	cat caret1.states && echo &&
	# solid while typing, then half a second on and off, more than once
	grep -Eq "#{10,}[.]{15}#{15}[.]{15}#{15}" caret1.states
'

test_expect_success 'click and type, again while two busy processes load the CPU' '
	yes >/dev/null &
	y1=$!
	yes >/dev/null &
	y2=$!
	trap "kill $y1 $y2 2>/dev/null || :" EXIT
	kill -0 $y1 $y2 &&
	status=0
	$BIN/stepcap -o caret2.mp4 caret.json || status=$?
	kill $y1 $y2
	wait $y1 $y2 2>/dev/null || :
	test $status = 0 &&
	framesums caret1.mp4 >caret1.sums &&
	framesums caret2.mp4 >caret2.sums &&
	test_cmp caret1.sums caret2.sums
'

# The pointer's move reaches the page with a frame of its own before the
# next recorded one: the hover colour shows at the same frame every time.
frag hover "file://$PAGES/widgets.html" '[
	{"type": "hover", "selector": "#hov"},
	{"type": "click_selector", "selector": "#box"},
	{"type": "type_text", "text": "hello"}]' '"cursor": false'

test_expect_success 'a hover shows at the same frame in every capture' '
	for n in 1 2 3; do
		$BIN/stepcap -o hover$n.mp4 hover.json &&
		framesums hover$n.mp4 >hover$n.sums &&
		for f in 0 1 2 3 4 5; do
			is red "$(rgb hover$n.mp4 $f 160 40)" 2>/dev/null &&
			printf R || printf B
		done >hover$n.colours || return 1
	done &&
	test_cmp hover1.sums hover2.sums &&
	test_cmp hover1.sums hover3.sums &&
	printf RRBBBB >want.colours &&
	test_cmp want.colours hover1.colours &&
	test_cmp want.colours hover2.colours &&
	test_cmp want.colours hover3.colours
'

# A stand-in browser that speaks the protocol but whose renderer never
# draws: every beginFrame comes back without a picture. With STALL_ONCE it
# stalls only the first time it is started, then draws one fixed PNG;
# with HANG, a beginFrame is never answered at all; with STOP, it draws
# its first picture and then none; with DIE, it exits at the first
# beginFrame; with BETWEEN, no script ever finds its document.
cat >fakebrowser.py <<'EOF2'
import json, os, sys
tries = os.path.join(os.environ["FAKE_DIR"], "starts")
starts = int(open(tries).read()) + 1 if os.path.exists(tries) else 1
open(tries, "w").write(str(starts))
draws = os.environ.get("STALL_ONCE") and starts > 1
picture = open(os.path.join(os.environ["FAKE_DIR"], "frame.b64")).read().strip()
inp, out = os.fdopen(3, "rb"), os.fdopen(4, "wb")
def send(msg):
    out.write(json.dumps(msg).encode() + b"\0"); out.flush()
buf = b""
while True:
    chunk = inp.read1(65536)
    if not chunk:
        break
    buf += chunk
    while b"\0" in buf:
        raw, buf = buf.split(b"\0", 1)
        m = json.loads(raw)
        method, result = m["method"], {}
        if method == "Target.createTarget": result = {"targetId": "T"}
        if method == "Target.attachToTarget": result = {"sessionId": "S"}
        if method == "Page.navigate": result = {"frameId": "F"}
        if method == "Runtime.evaluate": result = {"result": {"type": "undefined"}}
        if method == "Runtime.evaluate" and os.environ.get("BETWEEN"):
            send({"id": m["id"], "error": {"message": "Execution context was destroyed."}, "sessionId": "S"})
            continue
        if method == "HeadlessExperimental.beginFrame" and os.environ.get("DIE"):
            print("early line\n" + "".join("line %d\n" % i for i in range(1, 11)) +
                  "the renderer crashed", file=sys.stderr)
            sys.exit(0)
        if method == "HeadlessExperimental.beginFrame":
            if os.environ.get("HANG"):
                continue
            result = {"hasDamage": False}
            if draws and "screenshot" in m["params"]:
                result = {"hasDamage": True, "screenshotData": picture}
                # with STOP, only the first picture is ever drawn
                draws = not os.environ.get("STOP")
        send({"id": m["id"], "result": result, **({"sessionId": m["sessionId"]} if "sessionId" in m else {})})
        if method == "Page.navigate":
            send({"method": "Page.loadEventFired", "params": {}, "sessionId": "S"})
EOF2
cat >fakebrowser <<EOF2
#!/bin/sh
exec python3 $TMP/fakebrowser.py
EOF2
chmod +x fakebrowser
mkdir fake
ffmpeg -v error -f lavfi -i color=c=0x00ff00:s=320x240 -frames:v 1 -c:v png -f image2pipe - |
	base64 -w0 >fake/frame.b64

test_expect_success 'a renderer that never draws is restarted, then given up on' '
	frag stall "file://$TMP/tall.html" "[]" &&
	rm -f fake/starts &&
	CHROMIUM=$TMP/fakebrowser FAKE_DIR=$TMP/fake \
		test_must_fail 1 $BIN/stepcap -o stall.mp4 stall.json 2>err &&
	test "$(grep -c "renderer stalled; starting another" err)" = 2 &&
	test_grep "^stepcap: step stall: the browser never drew the page (3 browsers tried)$" err &&
	test "$(cat fake/starts)" = 3 &&
	test ! -e stall.mp4
'

test_expect_success 'a renderer that stalls once: the next browser records the clip' '
	rm -f fake/starts &&
	CHROMIUM=$TMP/fakebrowser FAKE_DIR=$TMP/fake STALL_ONCE=1 \
		$BIN/stepcap -o stall.mp4 stall.json 2>err &&
	test "$(grep -c "renderer stalled; starting another" err)" = 1 &&
	test "$(frames stall.mp4)" = 15 &&
	is green "$(rgb stall.mp4 -1 100 100)"
'

# A call waits the step's timeout for its answer, and never less than 10 s:
# a browser starting on a busy machine can take seconds to answer.
test_expect_success 'a first frame that is never answered times out, and is retried' '
	rm -f fake/starts &&
	frag hang "file://$TMP/tall.html" "[]" "\"timeout\": 2, \"max_retries\": 1" &&
	CHROMIUM=$TMP/fakebrowser FAKE_DIR=$TMP/fake HANG=1 \
		test_must_fail 3 $BIN/stepcap -o hang.mp4 hang.json 2>err &&
	test "$(grep -c "^stepcap: browser: no answer to HeadlessExperimental.beginFrame within 10.0 s$" err)" = 2 &&
	test_grep "^stepcap: step hang: attempt 1 of 2 failed" err &&
	test "$(cat fake/starts)" = 2
'

# browser flakiness, unlike a missing program, is worth another attempt
for mode in STOP DIE BETWEEN; do
	case $mode in
	STOP) why="browser: no picture from 31 frames in a row: the renderer is stuck" extra= ;;
	DIE) why="browser: exited unexpectedly (during HeadlessExperimental.beginFrame)" extra= ;;
	BETWEEN) why="browser: the page was still between documents after 5000 ms"
		extra=", \"preloader_selector\": \"#p\"" ;;
	esac
	test_expect_success "a flaky browser is retried: $why" '
		rm -f fake/starts &&
		frag flaky "file://$TMP/tall.html" "[]" "\"max_retries\": 1$extra" &&
		(export $mode=1 &&
		 CHROMIUM=$TMP/fakebrowser FAKE_DIR=$TMP/fake STALL_ONCE=1 \
			test_must_fail 1 $BIN/stepcap -o flaky.mp4 flaky.json 2>err) &&
		test "$(grep -c "^stepcap: $why$" err)" = 2 &&
		test_grep "^stepcap: step flaky: attempt 1 of 2 failed" err &&
		test ! -e flaky.mp4
	'
done

test_expect_success 'a browser that ends by itself: how, and the last lines it wrote' '
	frag dies "file://$TMP/tall.html" "[]" "\"max_retries\": 0" &&
	CHROMIUM=$TMP/fakebrowser FAKE_DIR=$TMP/fake DIE=1 STALL_ONCE=1 \
		test_must_fail 1 $BIN/stepcap -o dies.mp4 dies.json 2>err &&
	test_grep "^stepcap: browser: it ended by itself, exit status 0; the last lines it wrote:$" err &&
	sed -n "/the last lines it wrote:$/,/^the renderer crashed$/p" err >shown &&
	test "$(sed -n "2p;\$p" shown)" = "$(printf "line 2\nthe renderer crashed")" &&
	test "$(wc -l <shown)" = 11 &&
	test_grep "^stepcap: browser: exited unexpectedly (during HeadlessExperimental.beginFrame)$" err
'

test_expect_success 'no browser process or profile outlives the runs' '
	test -z "$(ls -A tmpdir)" &&
	! pgrep -f "$TMP/tmpdir" >/dev/null
'

test_done
