#!/bin/bash
# A coding tutorial recorded in a real code-server: make starts the
# project's code-server with the recording profile, the file on disk ends
# up holding exactly what the spec typed, the terminal compiles and runs
# it, and the frames show the dark theme and the caret following the
# typing. Then withvscode on its own: sharing, someone else's server, and
# its failures.
. "$(dirname "$0")/test-lib.sh"
. "$ROOT/tests/capture-lib.sh"
. "$ROOT/tests/vscode-lib.sh"

need_vscode "a tutorial recorded in a real code-server"

PORT=$(free_port)
WS=$TMP/ws
mkdir -p "$WS" home
URL="http://127.0.0.1:$PORT/?folder=$WS"

# Nested indentation, braces, brackets and both kinds of quotes: what
# auto-indent, auto-closing and suggestions would each mangle.
printf '#include <stdio.h>\n\nint main(void) {\n    const char *names[] = {"Ada", "Linus"};\n' >t1.txt
printf '    for (int i = 0; i < 2; i++) {\n        if (i > 0) {\n            printf("%%s and ", names[i - 1]);\n        }\n    }\n' >t2.txt
printf '    printf("[%%s] '"'"'quoted'"'"' {braces} (parens)\\n", names[1]);\n    return 0;\n}\n' >t3.txt
cat t1.txt t2.txt t3.txt >typed.txt

jq -n --arg url "$URL" --arg ws "$WS" --rawfile t1 t1.txt --rawfile t2 t2.txt --rawfile t3 t3.txt '{
 settings: {mode: "continuous", lead_in: 0.2, tail: 0.3, max_retries_per_step: 1},
 pre_setup: ["rm -f \($ws)/hello.c \($ws)/hello \($ws)/run.txt && touch \($ws)/hello.c"],
 steps: [
  {id: "open", url: $url, narration: "Open the file.", actions: [
    {type: "wait_for_load"}, {type: "wait_for_selector", selector: ".monaco-workbench", timeout: 30000},
    {type: "press_key", key: "Control+p"}, {type: "pause", duration: 0.8},
    {type: "type_text", text: "hello.c", delay: 40}, {type: "pause", duration: 0.5},
    {type: "press_key", key: "Enter"},
    {type: "wait_for_selector", selector: ".monaco-editor .view-lines", timeout: 10000},
    {type: "focus_editor"}]},
  {id: "type1", url: $url, narration: "The main function.",
   actions: [{type: "focus_editor"}, {type: "type_text", text: $t1, delay: 20}]},
  {id: "type2", url: $url, narration: "A loop.", actions: [{type: "type_text", text: $t2, delay: 20}]},
  {id: "type3", url: $url, narration: "And the end.", actions: [{type: "type_text", text: $t3, delay: 20}]},
  {id: "save", url: $url, narration: "Save.",
   actions: [{type: "press_key", key: "Control+s"}, {type: "pause", duration: 1}]},
  {id: "run", url: $url, narration: "Compile and run it.", actions: [
    {type: "command_palette", command: "Terminal: Create New Terminal"}, {type: "pause", duration: 2},
    {type: "terminal_type", text: "cc -o hello hello.c && ./hello | tee run.txt", press_enter: true},
    {type: "pause", duration: 3}]}
 ]}' >hello.json

build() {
	HOME=$TMP/home make -C "$ROOT" --no-print-directory SPEC="$TMP/hello.json" OUT="$TMP/out" \
		CACHE="$TMP/cache" "$@" >make.log 2>&1 || { cat make.log; return 1; }
}

test_expect_success 'make records the tutorial, starting code-server for it' '
	build &&
	test_grep "withvscode: started code-server on 127.0.0.1:$PORT" make.log &&
	test -s out/hello.mp4
'

test_expect_success 'the file on disk is byte for byte what the spec typed' '
	test_cmp typed.txt "$WS/hello.c"
'

test_expect_success 'the terminal compiled and ran it, and the video shows its output' '
	echo "Ada and [Linus] '"'"'quoted'"'"' {braces} (parens)" >want &&
	test_cmp want "$WS/run.txt" &&
	ocr out/clip/run.mp4 -1 350 380 930 300 >screen.txt &&
	test_grep "Ada and \[Linus\]" screen.txt
'

test_expect_success 'the editor is dark, the code on it light' '
	is dark "$(rgb out/clip/type3.mp4 -1 900 500)" &&
	is dark "$(rgb out/clip/type3.mp4 -1 600 600)" &&
	ocr out/clip/type3.mp4 -1 420 92 600 60 >code.txt &&
	test_grep "include <stdio.h>" code.txt
'

test_expect_success 'the video opens on that dark theme, with no flash of the light stand-in' '
	# the mean colour of the editor area in each of the first 45 frames
	ffmpeg -v error -i out/clip/open.mp4 \
		-vf "trim=end_frame=45,crop=200:200:800:350,scale=1:1:flags=area" \
		-f rawvideo -pix_fmt rgb24 - | od -An -v -tu1 -w3 >opening &&
	test "$(wc -l <opening)" = 45 &&
	while read -r rgb; do is dark "$rgb" || return 1; done <opening
'

test_expect_success 'the caret line follows the typing and stays between steps' '
	for c in open:-1:1 type1:0:1 type1:-1:5 type2:0:5 type2:-1:10 type3:0:10 type3:-1:13; do
		IFS=: read -r clip frame want <<-EOF
		$c
		EOF
		got=$(caret_line out/clip/$clip.mp4 $frame) &&
		echo "$clip frame $frame: line $got" &&
		test "$got" = "$want" || return 1
	done &&
	# within a step, it only moves down
	n=$(frames out/clip/type2.mp4) && prev=5 &&
	for f in $((n / 5)) $((2 * n / 5)) $((3 * n / 5)); do
		got=$(caret_line out/clip/type2.mp4 $f) &&
		echo "type2 frame $f: line $got" &&
		test "$got" -ge "$prev" && test "$got" -le 10 && prev=$got || return 1
	done
'

test_expect_success 'code-server was stopped, process group and all' '
	! listening $PORT &&
	! pgrep -f "$TMP/out/vscode" >procs
'

test_expect_success 'code-server wrote nothing to the home folder' '
	find home -mindepth 1 -iname "*code-server*" >written &&
	test_cmp /dev/null written &&
	find out/vscode/home -mindepth 1 -iname "*code-server*" | grep -q .
'

test_expect_success 'an unchanged tour records nothing and starts no code-server' '
	build &&
	! grep -E "CAP|withvscode" make.log
'

test_expect_success 'VSCODE=off never wraps the capture' '
	HOME=$TMP/home make -C "$ROOT" --no-print-directory -n -B SPEC="$TMP/hello.json" \
		OUT="$TMP/out" CACHE="$TMP/cache" VSCODE=off clips >dry.log &&
	test_grep "bin/stepcap" dry.log && ! grep withvscode dry.log &&
	HOME=$TMP/home make -C "$ROOT" --no-print-directory -n -B SPEC="$TMP/hello.json" \
		OUT="$TMP/out" CACHE="$TMP/cache" clips >dry.log &&
	test_grep "bin/withvscode" dry.log
'

# withvscode on its own, with a command that reaches the server.
VSJSON=$TMP/out/vscode.json
reach="exec 3<>/dev/tcp/127.0.0.1/$PORT"

test_expect_success 'withvscode: a second user shares the server; the starter waits for it' '
	( "$BIN/withvscode" -b "$CODE_SERVER" -d state "$VSJSON" \
		bash -c "for i in \$(seq 600); do [ -e b.in ] && break; sleep 0.1; done; touch a.done" \
		2>a.err; echo $? >a.rc ) &
	for i in $(seq 600); do listening $PORT && break; sleep 0.1; done &&
	"$BIN/withvscode" -b "$CODE_SERVER" -d state "$VSJSON" \
		bash -c "touch b.in; for i in \$(seq 600); do [ -e a.done ] && break; sleep 0.1; done; $reach" 2>b.err &&
	for i in $(seq 600); do [ -s a.rc ] && break; sleep 0.1; done &&
	test "$(cat a.rc)" = 0 &&
	test_grep "started code-server" a.err &&
	! grep "started code-server" b.err &&
	! listening $PORT
'

test_expect_success 'withvscode: a code-server already there is used as is, with a warning about its settings' '
	mkdir -p theirs/User && echo "{\"editor.fontSize\": 14, // theirs
		\"editor.autoClosingQuotes\": \"never\"}" >theirs/User/settings.json &&
	HOME=$TMP/theirs-home setsid sh -c "echo \$\$ >theirs.pgid; exec \"\$0\" \"\$@\"" \
		"$CODE_SERVER" --auth none --bind-addr 127.0.0.1:$PORT --user-data-dir "$TMP/theirs" \
		--extensions-dir "$TMP/theirs-ext" >theirs.log 2>&1 &
	for i in $(seq 600); do [ -s theirs.pgid ] && break; sleep 0.1; done &&
	theirs=$(cat theirs.pgid) &&
	test_at_end "kill -- -$theirs 2>/dev/null" &&
	for i in $(seq 600); do listening $PORT && break; sleep 0.1; done &&
	"$BIN/withvscode" -b "$CODE_SERVER" -d state "$VSJSON" bash -c "$reach" 2>err &&
	test_grep "already running on 127.0.0.1:$PORT, whose settings will rewrite typed code" err &&
	test_grep "editor.autoIndent is not \"none\"" err &&
	! grep "autoClosingQuotes" err &&
	! grep "started code-server" err &&
	listening $PORT &&
	kill -- -$theirs &&
	# gone before the next test, which must find the port free
	for i in $(seq 600); do listening $PORT || break; sleep 0.1; done &&
	! listening $PORT
'

test_expect_success 'withvscode: code-server missing, dying or silent is exit 4 with its log' '
	printf "#!/bin/sh\necho cannot bind: address in use >&2\nexit 1\n" >dies &&
	printf "#!/bin/sh\necho starting >&2\necho \$\$ >$TMP/silent.pid\nexec sleep 300\n" >silent &&
	chmod +x dies silent &&
	test_must_fail 4 "$BIN/withvscode" -b "$TMP/none" -d state "$VSJSON" true 2>err &&
	test_grep "code-server is not installed.*make deps-vscode" err &&
	test_must_fail 4 "$BIN/withvscode" -b "$TMP/dies" -d state "$VSJSON" true 2>err &&
	test_grep "cannot bind: address in use" err &&
	# long enough for the stand-in to have said "starting" on a busy machine
	test_must_fail 4 "$BIN/withvscode" -t 3 -b "$TMP/silent" -d state "$VSJSON" true 2>err &&
	test_grep "did not answer on 127.0.0.1:$PORT within 3 s" err &&
	test_grep "starting" err &&
	! kill -0 "$(cat silent.pid)" 2>/dev/null
'

test_expect_success 'withvscode: usage, a bad fragment, the command status passes through' '
	"$BIN/withvscode" -h >out.txt && test_grep "^usage: withvscode" out.txt &&
	test_must_fail 2 "$BIN/withvscode" -d state 2>err && test_grep "^usage" err &&
	echo "{\"servers\": 3}" >bad.json &&
	test_must_fail 2 "$BIN/withvscode" -d state bad.json true 2>err &&
	test_grep "bad.json: not a vscode fragment" err &&
	echo "{\"servers\": [], \"settings\": {}}" >none.json &&
	test_must_fail 3 "$BIN/withvscode" -d state none.json sh -c "exit 3"
'

test_done
