#!/bin/sh
# stepcap's editor actions, against a page that imitates VS Code's DOM hooks
# and keys and records what it received (tests/fixtures/pages/vscode.html):
# each action's effect is read from the frames, and the page's own record
# is checked by the step's assertions.
. "$(dirname "$0")/test-lib.sh"
. "$ROOT/tests/capture-lib.sh"

if ! have_browser; then
	test_skip "editor actions" "no chromium-headless-shell"
	test_done
	exit
fi

SIZE='"viewport": {"width": 640, "height": 360}, "video_size": {"width": 640, "height": 360}'
PAGE=file://$PAGES/vscode.html

# every editor action once, in the order a coding tutorial uses them
frag edit "$PAGE" '[
	{"type": "pause", "duration": 0.1},
	{"type": "dismiss_popups"},
	{"type": "hide_secondary_sidebar"},
	{"type": "focus_editor"},
	{"type": "select_all_and_delete"},
	{"type": "type_text", "text": "one\ntwo\nthree\nfour", "delay": 10},
	{"type": "highlight_lines", "from_line": 2, "to_line": 3},
	{"type": "command_palette", "command": "View: Close All Editors"},
	{"type": "terminal_type", "text": "javac Hello.java", "press_enter": true, "delay": 10},
	{"type": "pause", "duration": 0.2}]' "$SIZE"'
	, "assertions": [
	{"type": "title_contains", "value": "editor=\"one|two|three|four\""},
	{"type": "title_contains", "value": "sel=2-3"},
	{"type": "title_contains", "value": "commands=[\"View: Close All Editors\"] goto=2"},
	{"type": "title_contains", "value": "ran=[\"javac Hello.java\"]"},
	{"type": "title_contains", "value": "aux=hidden toasts=0"}]'

test_expect_success 'the editor actions run and the page got what they sent' '
	$BIN/stepcap -m edit.meta -o edit.mp4 edit.json 2>err &&
	test ! -s err
'

test_expect_success 'dismiss_popups closed the notification toast' '
	is red "$(rgb edit.mp4 0 500 330)" &&
	is white "$(rgb edit.mp4 -1 500 330)"
'

test_expect_success 'hide_secondary_sidebar closed the secondary side bar' '
	is green "$(rgb edit.mp4 0 600 100)" &&
	is white "$(rgb edit.mp4 -1 600 100)"
'

test_expect_success 'select_all_and_delete and type_text replaced the text' '
	patch edit.mp4 0 0 0 120 20 >old-line1 &&
	patch edit.mp4 -1 0 0 120 20 >new-line1 &&
	! cmp -s old-line1 new-line1 &&
	# line 4 was empty before and holds text after
	is white "$(rgb edit.mp4 0 2 66)" &&
	patch edit.mp4 -1 0 60 60 20 >line4 &&
	patch edit.mp4 0 0 60 60 20 >empty4 &&
	! cmp -s line4 empty4
'

test_expect_success 'highlight_lines selected lines 2 and 3, not 1 or 4' '
	is white "$(rgb edit.mp4 -1 300 10)" &&
	is blue "$(rgb edit.mp4 -1 300 30)" &&
	is blue "$(rgb edit.mp4 -1 300 50)" &&
	is white "$(rgb edit.mp4 -1 300 70)"
'

test_expect_success 'terminal_type typed into the terminal' '
	patch edit.mp4 0 0 200 300 40 >term-before &&
	patch edit.mp4 -1 0 200 300 40 >term-after &&
	! cmp -s term-before term-after
'

test_expect_success 'the palette showed while the command was typed' '
	# the quick input is grey over the white top of the editor area
	n=$(($(meta edit.meta action_frames) - 1)) && seen=no &&
	for f in $(seq 0 "$n"); do
		c=$(rgb edit.mp4 "$f" 390 25) &&
		if echo "$c" | awk "{ exit !(\$1 > 200 && \$1 < 235 && \$2 > 200 && \$2 < 235) }"
		then seen=yes; break; fi
	done &&
	test "$seen" = yes
'

test_expect_success 'hide_secondary_sidebar and dismiss_popups do nothing when nothing is shown' '
	frag again "$PAGE" "[{\"type\": \"dismiss_popups\"}, {\"type\": \"hide_secondary_sidebar\"},
		{\"type\": \"dismiss_popups\"}, {\"type\": \"hide_secondary_sidebar\"}]" "$SIZE"",
		\"assertions\": [{\"type\": \"title_contains\", \"value\": \"aux=hidden toasts=0\"}]" &&
	$BIN/stepcap -o again.mp4 again.json
'

test_expect_success 'terminal_type without a terminal fails the step, naming the action' '
	cat >noterm.html <<-\EOT &&
	<title>no terminal</title><div class="monaco-editor"><textarea></textarea></div>
	EOT
	frag noterm "file://$TMP/noterm.html" "[{\"type\": \"pause\", \"duration\": 0.1},
		{\"type\": \"terminal_type\", \"text\": \"ls\"}]" "\"timeout\": 1" &&
	test_must_fail 1 $BIN/stepcap -o noterm.mp4 noterm.json 2>err &&
	test_grep "^stepcap: step noterm: actions\[1\] (terminal_type): no terminal is open" err &&
	test ! -e noterm.mp4
'

test_expect_success 'focus_editor without an editor fails the step' '
	frag noed "file://$TMP/noterm.html" "[{\"type\": \"focus_editor\"}]" "\"timeout\": 1" &&
	sed -i "s/<div class=\"monaco-editor\">/<div>/" noterm.html &&
	test_must_fail 1 $BIN/stepcap -o noed.mp4 noed.json 2>err &&
	test_grep "actions\[0\] (focus_editor): no editor is open" err
'

test_expect_success 'a palette that never opens times out' '
	frag nopal "file://$TMP/noterm.html" "[{\"type\": \"command_palette\", \"command\": \"x\"}]" &&
	test_must_fail 3 $BIN/stepcap -o nopal.mp4 nopal.json 2>err &&
	test_grep "actions\[0\] (command_palette): Control+Shift+p did not open the quick input" err
'

test_expect_success 'highlight_lines with to_line before from_line is refused' '
	frag badlines "$PAGE" "[{\"type\": \"highlight_lines\", \"from_line\": 5, \"to_line\": 2}]" &&
	test_must_fail 2 $BIN/stepcap -o badlines.mp4 badlines.json 2>err &&
	test_grep "^stepcap: steps\[badlines\]\.actions\[0\]\.to_line: must be a line number >= from_line$" err
'

test_expect_success 'command_palette without a command is refused' '
	frag nocmd "$PAGE" "[{\"type\": \"command_palette\"}]" &&
	test_must_fail 2 $BIN/stepcap -o nocmd.mp4 nocmd.json 2>err &&
	test_grep "^stepcap: steps\[nocmd\]\.actions\[0\]\.command: missing or not a string$" err
'

test_expect_success 'a VS Code page is recorded once it wears its own theme, not its stand-in' '
	frag theme "file://$PAGES/workbench-theme.html" "[]" "$SIZE" &&
	$BIN/stepcap -o theme.mp4 theme.json 2>err &&
	test ! -s err &&
	is black "$(rgb theme.mp4 0 320 180)" &&
	is black "$(rgb theme.mp4 -1 320 180)"
'

test_expect_success 'one that never puts it on is recorded as it is at the step timeout, with a warning' '
	frag notheme "file://$PAGES/workbench-theme.html?after=never" "[]" "$SIZE" &&
	sed -i "s/\"timeout\": 5/\"timeout\": 1/" notheme.json &&
	$BIN/stepcap -o notheme.mp4 notheme.json 2>err &&
	test_grep "^stepcap: VS Code has not put on its theme within the step.s timeout; recording it as it is$" err &&
	is white "$(rgb notheme.mp4 0 320 180)"
'

test_done
