#!/bin/sh
# stepcap: hover, select and eval; the drawn cursor; assertions saying
# expected versus actual; failed attempts retried, each leaving a
# screenshot and its reason.
. "$(dirname "$0")/test-lib.sh"
. "$ROOT/tests/capture-lib.sh"

if ! have_browser; then
	test_skip "actions, cursor, assertions, retries" "no chromium-headless-shell"
	test_done
	exit
fi

PAGE=file://$PAGES/widgets.html

test_expect_success 'hover: the pointer over an element shows its hover style' '
	frag hover "$PAGE" "[{\"type\": \"hover\", \"selector\": \"#hov\"}]" &&
	$BIN/stepcap -o hover.mp4 hover.json &&
	is blue "$(rgb hover.mp4 0 130 10)" &&
	is red "$(rgb hover.mp4 -1 130 10)"
'

test_expect_success 'type_text with a selector clicks that field first' '
	echo "<body style=margin:0><input id=a style=\"font:30px monospace;width:300px\">
		<input id=b style=\"font:30px monospace;width:300px\">" >fields.html &&
	frag typed "file://$TMP/fields.html" "[{\"type\": \"type_text\", \"selector\": \"#b\",
		\"text\": \"WWW\", \"delay\": 10}]" "\"cursor\": false" &&
	$BIN/stepcap -o typed.mp4 typed.json &&
	patch typed.mp4 0 4 4 120 30 >a-before && patch typed.mp4 -1 4 4 120 30 >a-after &&
	looks_same a-before a-after &&
	patch typed.mp4 0 4 46 120 30 >b-before && patch typed.mp4 -1 4 46 120 30 >b-after &&
	! cmp -s b-before b-after
'

test_expect_success 'select: choosing an option fires its change' '
	frag select "$PAGE" "[{\"type\": \"select\", \"selector\": \"#s\", \"value\": \"b\"}]" &&
	$BIN/stepcap -o select.mp4 select.json &&
	is white "$(rgb select.mp4 0 50 170)" &&
	is blue "$(rgb select.mp4 -1 50 170)"
'

test_expect_success 'select: an option may be named by its text' '
	frag select2 "$PAGE" "[{\"type\": \"select\", \"selector\": \"#s\", \"value\": \"green\"}]" &&
	$BIN/stepcap -o select2.mp4 select2.json &&
	is green "$(rgb select2.mp4 -1 50 170)"
'

test_expect_success 'select: a missing option fails the step, listing the options' '
	frag select3 "$PAGE" "[{\"type\": \"select\", \"selector\": \"#s\", \"value\": \"red\"}]" &&
	test_must_fail 1 $BIN/stepcap -o select3.mp4 select3.json 2>err &&
	test_grep "actions\[0\] (select): Error: no option .red. in #s (options: w, g, b)" err
'

test_expect_success 'eval: an expression runs in the page' '
	frag eval "$PAGE" "[{\"type\": \"pause\", \"duration\": 0.1},
		{\"type\": \"eval\", \"expression\": \"document.body.style.background = \\\"#00f\\\"\"}]" &&
	$BIN/stepcap -o eval.mp4 eval.json &&
	is white "$(rgb eval.mp4 0 150 100)" &&
	is blue "$(rgb eval.mp4 -1 150 100)"
'

test_expect_success 'eval: an expression that throws fails the step with its error' '
	frag evalbad "$PAGE" "[{\"type\": \"eval\", \"expression\": \"nope.x\"}]" &&
	test_must_fail 1 $BIN/stepcap -o evalbad.mp4 evalbad.json 2>err &&
	test_grep "^stepcap: step evalbad: actions\[0\] (eval): the expression threw: ReferenceError: nope is not defined$" err
'

test_expect_success 'eval: a promise that needs a frame to settle gets its frames' '
	frag evalraf "$PAGE" "[{\"type\": \"eval\",
		\"expression\": \"new Promise(r => requestAnimationFrame(() => r(1)))\"},
		{\"type\": \"eval\", \"expression\": \"document.body.style.background = \\\"#00f\\\"\"}]" &&
	$BIN/stepcap -m evalraf.meta -o evalraf.mp4 evalraf.json &&
	is blue "$(rgb evalraf.mp4 -1 150 100)" &&
	# the wait for the frame shows in the video, as every wait does
	test "$(meta evalraf.meta action_frames)" -ge 1
'

test_expect_success 'eval: a rejected promise fails the step, one never settled times out' '
	frag evalrej "$PAGE" "[{\"type\": \"eval\",
		\"expression\": \"Promise.reject(new Error(\\\"nope\\\"))\"}]" &&
	test_must_fail 1 $BIN/stepcap -o evalrej.mp4 evalrej.json 2>err &&
	test_grep "^stepcap: step evalrej: actions\[0\] (eval): the expression.s promise was rejected: Error: nope$" err &&
	frag evalnever "$PAGE" "[{\"type\": \"eval\", \"expression\": \"new Promise(() => {})\",
		\"timeout\": 300}]" &&
	test_must_fail 3 $BIN/stepcap -o evalnever.mp4 evalnever.json 2>err &&
	test_grep "^stepcap: step evalnever: actions\[0\] (eval): the expression.s promise did not settle within 0.3 s$" err
'

CLICK="[{\"type\": \"click_selector\", \"selector\": \"#box\"}]"

test_expect_success 'the cursor glides to the target, ripples, and stays in view' '
	frag cursor "$PAGE" "$CLICK" &&
	$BIN/stepcap -m cursor.meta -o cursor.mp4 cursor.json &&
	# glide 0.4 s + ripple 0.3 s
	test "$(meta cursor.meta action_frames)" = 21 &&
	# the pointer (dark, outlined in white) rests on the clicked box
	is green "$(rgb cursor.mp4 -1 20 20)" &&
	is dark "$(rgb cursor.mp4 -1 52 58)" &&
	# it came from the middle of the view
	is dark "$(rgb cursor.mp4 0 161 128)" &&
	# the ripple ring shows left of the pointer while it spreads, then goes
	patch cursor.mp4 14 36 44 8 12 >ripple &&
	patch cursor.mp4 -1 36 44 8 12 >after &&
	! cmp -s ripple after
'

test_expect_success 'a click that loads another page: wait_for_load, and the cursor is back' '
	echo "<body style=margin:0><a id=go href=black.html style=\"display:block;width:100px;height:100px;background:#f00\"></a>" >link.html &&
	echo "<title>black</title><body style=margin:0;background:#000>" >black.html &&
	frag nav "file://$TMP/link.html" "[{\"type\": \"click_selector\", \"selector\": \"#go\"},
		{\"type\": \"wait_for_load\"}]" "\"assertions\": [{\"type\": \"title_contains\", \"value\": \"black\"}]" &&
	$BIN/stepcap -o nav.mp4 nav.json &&
	is black "$(rgb nav.mp4 -1 200 200)" &&
	# the pointer (white outline, dark fill) over the new page
	c=$(rgb nav.mp4 -1 48 56) &&
	echo "$c" | awk "{ exit !(\$1 > 60 && \$2 > 60 && \$3 > 60) }"
'

test_expect_success 'a page that enforces Trusted Types still gets its pointer' '
	cat >tt.html <<-\EOF &&
	<!doctype html>
	<meta http-equiv="Content-Security-Policy" content="require-trusted-types-for '"'"'script'"'"'">
	<body style="margin:0">
	<div id="box" style="width:100px;height:100px;background:#f00"
	  onclick="this.style.background = '"'"'#0f0'"'"'"></div>
	EOF
	frag tt "file://$TMP/tt.html" "$CLICK" &&
	$BIN/stepcap -o tt.mp4 tt.json 2>err &&
	! grep -i "trusted" err &&
	is green "$(rgb tt.mp4 -1 20 20)" &&
	is dark "$(rgb tt.mp4 -1 52 58)"
'

test_expect_success 'settings.cursor false: no pointer is drawn' '
	frag nocursor "$PAGE" "$CLICK" "\"cursor\": false" &&
	$BIN/stepcap -m nocursor.meta -o nocursor.mp4 nocursor.json &&
	is green "$(rgb nocursor.mp4 -1 52 58)" &&
	is white "$(rgb nocursor.mp4 0 161 128)" &&
	test "$(meta nocursor.meta action_frames)" = 1
'

test_expect_success 'element_visible holds for a shown element' '
	frag vis "$PAGE" "[{\"type\": \"click_selector\", \"selector\": \"#box\"}]" \
		"\"assertions\": [{\"type\": \"element_visible\", \"selector\": \"#late\"},
		{\"type\": \"url_contains\", \"value\": \"widgets.html\"},
		{\"type\": \"title_contains\", \"value\": \"widgets\"}]" &&
	$BIN/stepcap -o vis.mp4 vis.json
'

test_expect_success 'element_visible failing says expected versus actual' '
	frag hid "$PAGE" "[]" "\"assertions\": [{\"type\": \"element_visible\",
		\"selector\": \"#hidden\", \"timeout\": 100}]" &&
	test_must_fail 1 $BIN/stepcap -o hid.mp4 hid.json 2>err &&
	test_grep "^stepcap: step hid: assertions\[0\] (element_visible): expected \"#hidden\" to be visible, but it is hidden$" err &&
	frag gone "$PAGE" "[]" "\"assertions\": [{\"type\": \"element_visible\",
		\"selector\": \"#nope\", \"timeout\": 100}]" &&
	test_must_fail 1 $BIN/stepcap -o gone.mp4 gone.json 2>err &&
	test_grep "expected \"#nope\" to be visible, but it is not in the page$" err &&
	test ! -e hid.mp4 && test ! -e gone.mp4
'

test_expect_success 'url_contains and title_contains failing say what they found' '
	frag url "$PAGE" "[]" "\"assertions\": [{\"type\": \"url_contains\", \"value\": \"example.org\"}]" &&
	test_must_fail 1 $BIN/stepcap -o url.mp4 url.json 2>err &&
	test_grep "^stepcap: step url: assertions\[0\] (url_contains): expected the URL to contain \"example.org\", but it is \"file://.*/widgets.html\"$" err &&
	frag title "$PAGE" "[]" "\"assertions\": [{\"type\": \"title_contains\", \"value\": \"Tally\"}]" &&
	test_must_fail 1 $BIN/stepcap -o title.mp4 title.json 2>err &&
	test_grep "(title_contains): expected the title to contain \"Tally\", but it is \"widgets\"$" err
'

test_expect_success 'an unknown assertion in a fragment is refused' '
	frag unk "$PAGE" "[]" "\"assertions\": [{\"type\": \"url_is\", \"value\": \"x\"}]" &&
	test_must_fail 2 $BIN/stepcap -o unk.mp4 unk.json 2>err &&
	test_grep "^stepcap: steps\[unk\]\.assertions\[0\]: unknown assertion \"url_is\"$" err
'

test_expect_success 'a failing step is tried max_retries more times, each leaving a screenshot and its reason' '
	frag retry "$PAGE" "[{\"type\": \"click_selector\", \"selector\": \"#box\"}]" \
		"\"max_retries\": 2, \"assertions\": [{\"type\": \"title_contains\", \"value\": \"Tally\"}]" &&
	mkdir fail && echo stale >fail/retry-attempt-4.txt &&
	test_must_fail 1 $BIN/stepcap -f fail -o retry.mp4 retry.json 2>err &&
	test_grep "^stepcap: step retry: attempt 1 of 3 failed; trying again in a fresh browser$" err &&
	test_grep "^stepcap: step retry: attempt 2 of 3 failed" err &&
	test_grep "^stepcap: step retry: failed 3 times, giving up; screenshots and reasons in fail$" err &&
	test "$(grep -c "assertions\[0\] (title_contains): expected the title" err)" = 3 &&
	for n in 1 2 3; do
		test "$(head -c 8 fail/retry-attempt-$n.png | od -An -tx1 | tr -d " ")" = 89504e470d0a1a0a &&
		test_grep "step retry: assertions\[0\] (title_contains): expected the title to contain \"Tally\"" fail/retry-attempt-$n.txt ||
		return 1
	done &&
	test ! -e fail/retry-attempt-4.txt &&
	test ! -e retry.mp4
'

test_expect_success 'the failure screenshot shows the page as it failed' '
	ffmpeg -v error -i fail/retry-attempt-1.png -vf "crop=6:6:20:20,scale=1:1" \
		-f rawvideo -pix_fmt rgb24 - | od -An -tu1 >px &&
	is green "$(cat px)"
'

test_expect_success 'a timeout is retried too, and ends with exit 3' '
	frag slow "$PAGE" "[{\"type\": \"wait_for_selector\", \"selector\": \"#late\", \"timeout\": 200}]" \
		"\"max_retries\": 1" &&
	test_must_fail 3 $BIN/stepcap -f fail -o slow.mp4 slow.json 2>err &&
	test_grep "attempt 1 of 2 failed" err &&
	test -s fail/slow-attempt-2.png && test_grep "not visible after 0.2 s" fail/slow-attempt-2.txt
'

test_expect_success 'bad input is not retried' '
	frag badsel "$PAGE" "[{\"type\": \"click_selector\", \"selector\": \"#[\"}]" "\"max_retries\": 3" &&
	test_must_fail 2 $BIN/stepcap -f fail -o badsel.mp4 badsel.json 2>err &&
	test "$(grep -c "invalid selector" err)" = 1 &&
	! grep -q attempt err
'

test_expect_success 'settings.preloader_selector: recording starts once the preloader has gone' '
	frag pre "file://$PAGES/preloader.html" "[]" "\"preloader_selector\": \"#gva-preloader\"" &&
	$BIN/stepcap -o pre.mp4 pre.json &&
	is red "$(rgb pre.mp4 0 50 50)" &&
	frag nopre "file://$PAGES/preloader.html" "[]" &&
	$BIN/stepcap -o nopre.mp4 nopre.json &&
	is black "$(rgb nopre.mp4 0 50 50)"
'

test_expect_success 'a preloader that never goes times out, naming it' '
	frag stuck "file://$PAGES/preloader.html?ms=never" "[]" \
		"\"preloader_selector\": \"#gva-preloader\", \"timeout\": 1" &&
	test_must_fail 3 $BIN/stepcap -o stuck.mp4 stuck.json 2>err &&
	test_grep "^stepcap: step stuck: preloader_selector: preloader \"#gva-preloader\" still shown after 1 s$" err
'

test_expect_success 'an invalid preloader selector is bad input, not a gone preloader' '
	frag badpre "file://$PAGES/preloader.html" "[]" \
		"\"preloader_selector\": \"##bad[\", \"max_retries\": 2" &&
	test_must_fail 2 $BIN/stepcap -o badpre.mp4 badpre.json 2>err &&
	test_grep "^stepcap: step badpre: preloader_selector: invalid selector \"##bad\[\": " err &&
	! grep -q attempt err &&
	test ! -e badpre.mp4
'

test_expect_success 'a browser missing from PATH is named with its package and make deps' '
	frag nob "$PAGE" "[]" &&
	mkdir emptybin && ln -s "$(command -v ffmpeg)" emptybin/ffmpeg &&
	PATH=$TMP/emptybin test_must_fail 4 $BIN/stepcap -o nob.mp4 nob.json 2>err &&
	test_grep "chromium-headless-shell not found: install it with .make deps. (Debian package chromium-headless-shell)" err
'

test_expect_success 'stopped mid-capture: the old clip stays, nothing half-written is left' '
	frag long "$PAGE" "[{\"type\": \"pause\", \"duration\": 600}]"
	echo old >long.mp4
	$BIN/stepcap -f fail -o long.mp4 long.json 2>err &
	pid=$!
	for i in $(seq 100); do
		ls -A | grep -q "^\.long\.mp4\.tmp\." && break
		sleep 0.1
	done
	kill -TERM $pid
	status=0
	wait $pid || status=$?
	test $status = 143 &&
	test_grep "^stepcap: interrupted$" err &&
	test "$(cat long.mp4)" = old &&
	test -z "$(ls -A | grep "\.tmp\.")" &&
	test ! -e fail/long-attempt-1.png
'

test_expect_success 'no browser process or profile outlives the runs' '
	test -z "$(ls -A tmpdir)" &&
	! pgrep -f "$TMP/tmpdir" >/dev/null
'

test_done
