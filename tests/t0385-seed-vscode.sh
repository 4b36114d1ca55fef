#!/bin/bash
# A seed tutorial, unchanged: functions-tutorial.json, written for the
# older tool, recorded in the project's own code-server on 127.0.0.1:8080
# as its steps say. The file the tutorial types is on disk byte for byte,
# the terminal compiles and runs it on camera, and the frames show the dark
# theme and the caret where each typing step left it.
. "$(dirname "$0")/test-lib.sh"
. "$ROOT/tests/capture-lib.sh"
. "$ROOT/tests/vscode-lib.sh"

need_vscode "a seed tutorial recorded in a real code-server"

SPEC=$ROOT/tests/fixtures/seed-specs/functions-tutorial.json
WS=$(jq -r '.steps[0].url | sub(".*folder="; "")' "$SPEC")
FILE=$WS/MethodsDemo.java

need_free_port 8080
# The spec's pre_setup makes its workspace; leave none behind that was
# not there before.
[ -e "$WS" ] || test_at_end "rm -rf '$WS'"

mkdir home
test_expect_success 'the seed tutorial records unchanged, in the project'"'"'s code-server' '
	HOME=$TMP/home make -C "$ROOT" --no-print-directory SPEC="$SPEC" OUT="$TMP/out" \
		CACHE="$TMP/cache" >make.log 2>&1 || { cat make.log; false; } &&
	test_grep "withvscode: started code-server on 127.0.0.1:8080" make.log &&
	test -s out/functions-tutorial.mp4 &&
	test -s home/dev/autonomous-recording/output/functions-tutorial.mp4
'

# What the editor steps type: every type_text but the Quick Open filter.
jq -j '.steps[] | select(.actions) | .actions[] |
	select(.type == "type_text" and .text != "MethodsDemo.java") | .text' "$SPEC" >typed.txt

test_expect_success 'MethodsDemo.java holds exactly what the spec typed' '
	test_cmp typed.txt "$FILE"
'

test_expect_success 'the terminal compiled and ran it on camera' '
	test -s "$WS/MethodsDemo.class" &&
	ocr out/clip/run-program.mp4 -1 350 700 1570 330 >screen.txt &&
	test_grep "Hello, Alice! Nice to meet you." screen.txt &&
	test_grep "factorial(7) = 5040" screen.txt
'

test_expect_success 'dark theme, code at the recording font size' '
	is dark "$(rgb out/clip/type-factorial.mp4 -1 1200 700)" &&
	ocr out/clip/type-class-and-greet.mp4 -1 420 80 900 40 >code.txt &&
	test_grep "public class MethodsDemo" code.txt
'

# caret line after step ID: one more than the newlines typed up to it
test_expect_success 'each typing step ends with the caret on the line it typed to' '
	lines=1 &&
	for id in $(jq -r ".steps[].id" "$SPEC"); do
		add=$(jq -j --arg id "$id" ".steps[] | select(.id == \$id) | .actions // [] | .[] |
			select(.type == \"type_text\" and .text != \"MethodsDemo.java\") | .text" \
			"$SPEC" | tr -cd "\n" | wc -c) &&
		[ "$add" -gt 0 ] || continue
		start=$(caret_line out/clip/$id.mp4 0) &&
		lines=$((lines + add)) &&
		end=$(caret_line out/clip/$id.mp4 -1) &&
		echo "$id: from line $start to $end, want $lines" &&
		test "$end" = "$lines" || return 1
	done
'

test_expect_success 'code-server was stopped afterwards' '
	! listening 8080
'

test_done
