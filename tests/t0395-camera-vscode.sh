#!/bin/bash
# The automatic camera in a real code-server: while code is typed the
# frames show the typed line enlarged; while a command runs, the terminal
# and its output, enlarged; each step ends on the full view.
. "$(dirname "$0")/test-lib.sh"
. "$ROOT/tests/capture-lib.sh"
. "$ROOT/tests/vscode-lib.sh"

need_vscode "the automatic camera in a real code-server"

PORT=$(free_port)
WS=$TMP/ws
mkdir -p "$WS" home
URL="http://127.0.0.1:$PORT/?folder=$WS"

printf '#include <stdio.h>\n\nint main(void) {\n    puts("zoomed camera");\n    return 0;\n}\n' >typed.txt

jq -n --arg url "$URL" --arg ws "$WS" --rawfile code typed.txt '{
 settings: {mode: "continuous", lead_in: 0.2, tail: 0.5, max_retries_per_step: 1, zoom: "auto"},
 pre_setup: ["rm -f \($ws)/cam.c \($ws)/cam && touch \($ws)/cam.c"],
 steps: [
  {id: "open", url: $url, narration: "Open the file.", actions: [
    {type: "wait_for_load"}, {type: "wait_for_selector", selector: ".monaco-workbench", timeout: 30000},
    {type: "press_key", key: "Control+p"}, {type: "pause", duration: 0.8},
    {type: "type_text", text: "cam.c", delay: 40}, {type: "pause", duration: 0.5},
    {type: "press_key", key: "Enter"},
    {type: "wait_for_selector", selector: ".monaco-editor .view-lines", timeout: 10000}]},
  {id: "code", url: $url, narration: "Type it.",
   actions: [{type: "focus_editor"}, {type: "type_text", text: $code, delay: 20},
             {type: "press_key", key: "Control+s"}, {type: "pause", duration: 0.5}]},
  {id: "run", url: $url, narration: "Run it.", actions: [
    {type: "command_palette", command: "Terminal: Create New Terminal"}, {type: "pause", duration: 2},
    {type: "terminal_type", text: "cc -o cam cam.c && ./cam", press_enter: true},
    {type: "pause", duration: 3}]}
 ]}' >cam.json

# words CLIP FRAME: "height word" for each word tesseract reads in the
# frame (light text on dark: negated)
words() {
	local n=$2
	[ "$n" -ge 0 ] || n=$(($(frames "$1") + n))
	ffmpeg -v error -y -i "$1" -vf "select=eq(n\,$n),negate" -frames:v 1 "$TMP/words.png" &&
	tesseract "$TMP/words.png" - tsv 2>/dev/null |
	awk -F'\t' 'NR > 1 && $12 != "" && $11 > 50 { print $10, $12 }'
}

test_expect_success 'make records the tour with ZOOM=auto' '
	HOME=$TMP/home make -C "$ROOT" --no-print-directory SPEC="$TMP/cam.json" OUT="$TMP/out" \
		CACHE="$TMP/cache" >make.log 2>&1 || { cat make.log; false; } &&
	test_cmp typed.txt "$WS/cam.c"
'

# 18 px text reads as words 13-17 px high (the panel's 11 px titles, 8);
# the zoom is fitted to the caret and to the terminal (1.25x to 3x):
# 24 px and more is the text clearly enlarged
test_expect_success 'while typing, the typed line fills the frame, enlarged' '
	jq -c "[.camera[].z]" out/clip/code.json out/clip/run.json &&
	# the last frame of the actions: with a short tail the camera goes back
	# to the full view from the next one on
	words out/clip/code.mp4 "$(jq ".action_frames - 1" out/clip/code.json)" >code.txt &&
	cat code.txt &&
	awk "\$2 ~ /puts|camera/ && \$1 >= 24 { found = 1 } END { exit !found }" code.txt
'

test_expect_success 'while the command runs, the terminal and its output, enlarged' '
	words out/clip/run.mp4 "$(jq ".action_frames - 1" out/clip/run.json)" >run.txt &&
	cat run.txt &&
	awk "\$2 ~ /zoomed|camera/ && \$1 >= 24 { found = 1 } END { exit !found }" run.txt
'

test_expect_success 'each step ends on the full view: the panel titles at their own size' '
	words out/clip/run.mp4 -1 >end.txt && cat end.txt &&
	awk "\$2 == \"TERMINAL\" && \$1 <= 12 { found = 1 } END { exit !found }" end.txt
'

test_done
