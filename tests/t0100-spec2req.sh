#!/bin/bash
# spec2req: accepts the seed tool's specs, refuses bad ones with one message
# naming the JSON path, exit 2, and nothing written.
. "$(dirname "$0")/test-lib.sh"

# the older tool's real specs, kept as written
SEEDS=$ROOT/tests/fixtures/seed-specs

# A valid two-step spec; each bad case below edits one thing with jq.
cat >good.json <<'JSON'
{
  "meta": {"title": "T"},
  "settings": {"voice": "am_michael", "speech_speed": 1.0},
  "steps": [
    {"id": "one", "url": "page.html", "narration": "First.",
     "actions": [{"type": "pause", "duration": 1}]},
    {"id": "two", "url": "https://example.org/x?y=1#z", "narration": "Second.",
     "actions": [{"type": "click_selector", "selector": "#b"}]}
  ]
}
JSON

# bad NAME JQ-FILTER EXPECTED-MESSAGE: the edited spec fails with exit 2,
# prints exactly one line containing the message, and writes nothing.
bad() {
	jq "$2" good.json >"$1.json"
	test_must_fail 2 "$BIN/spec2req" -o "out-$1" "$1.json" 2>"$1.err"
	test_grep "$3" "$1.err"
	test "$(wc -l <"$1.err")" = 1
	test ! -e "out-$1"
}

for seed in "$SEEDS"/*.json; do
	case "$seed" in *mixed*) continue ;; esac
	test_expect_success "accepts seed spec $(basename "$seed")" "
		\"\$BIN/spec2req\" -o out-seed \"$seed\" 2>err &&
		test -s out-seed/steps.mk && ! grep -v 'unknown key' err
	"
done

test_expect_success 'the segments seed is accepted (tests/t0360-slides.sh has the rest)' '
	"$BIN/spec2req" "$SEEDS/bubblesort-mixed-tutorial.json" 2>err &&
	! grep -v "slides.theme" err
'

test_expect_success 'valid spec: fragments, steps.mk and mux.json' '
	"$BIN/spec2req" -o out good.json &&
	test_grep "^STEPS := one two$" out/steps.mk &&
	jq -e ".text == \"First.\" and .voice == \"am_michael\" and .engine == \"espeak-ng\"" out/step/one/tts.json &&
	jq -e ".url == \"file://$PWD/page.html\"" out/step/one/cap.json &&
	jq -e ".url == \"https://example.org/x?y=1#z\"" out/step/two/cap.json &&
	jq -e ".steps | length == 2" out/mux.json
'

test_expect_success 'unchanged fragments keep their mtime' '
	cp good.json edit.json &&
	"$BIN/spec2req" -o out edit.json &&
	touch -d "2000-01-01" out/step/*/*.json out/steps.mk &&
	jq ".steps[0].narration = \"Changed.\"" good.json >edit.json &&
	"$BIN/spec2req" -o out edit.json &&
	test -n "$(find out/step/one/tts.json -newermt 2001-01-01)" &&
	test -z "$(find out/step/two out/step/one/cap.json out/steps.mk -type f -newermt 2001-01-01)"
'

test_expect_success 'spec not found' '
	test_must_fail 2 "$BIN/spec2req" -o out-nf nope.json 2>err &&
	test_grep "nope.json: spec not found" err && test ! -e out-nf
'

test_expect_success 'invalid JSON names line and column' '
	printf "{\n  \"steps\": [\n    {\"id\": \"a\",,}\n  ]\n}\n" >broken.json &&
	test_must_fail 2 "$BIN/spec2req" -o out-b broken.json 2>err &&
	test_grep "broken.json: line 3, column 17: invalid JSON" err && test ! -e out-b
'

test_expect_success 'not an object' 'bad notobj "[.steps]" "must be a JSON object"'
test_expect_success 'missing steps' 'bad nosteps "del(.steps)" "steps: missing"'
test_expect_success 'a maximum duration below the target is refused' '
	bad shortmax ".meta = {target_duration_seconds: 90, max_duration_seconds: 60}" \
		"meta.max_duration_seconds: 60 s is below meta.target_duration_seconds (90 s): raise the maximum or lower the target"
'
test_expect_success 'a maximum equal to the target is accepted' '
	jq ".meta = {target_duration_seconds: 90, max_duration_seconds: 90}" good.json >samemax.json &&
	"$BIN/spec2req" samemax.json
'
test_expect_success 'empty steps' 'bad empty ".steps = []" "steps: is empty"'
test_expect_success 'steps of the wrong type' 'bad steptype ".steps = 3" "steps: expected an array, got a number"'
test_expect_success 'missing required field' 'bad nourl "del(.steps[1].url)" "steps\[1\]: missing \"url\" (required)"'
test_expect_success 'wrong value type' 'bad speed ".settings.speech_speed = \"fast\"" "settings.speech_speed: expected a number, got a string"'
test_expect_success 'duplicate id' 'bad dup ".steps[1].id = \"one\"" "steps\[1\].id: duplicate id \"one\""'
test_expect_success 'id with a slash' 'bad slash ".steps[0].id = \"../x\"" "steps\[0\].id: \"../x\" starts with"'
test_expect_success 'id with a space' 'bad space ".steps[0].id = \"a b\"" "outside \[A-Za-z0-9._-\]"'
test_expect_success 'empty narration' 'bad blank ".steps[0].narration = \"  \"" "steps\[0\].narration: is empty"'
test_expect_success 'unknown action, with a suggestion' \
	'bad clik_sel ".steps[1].actions[0].type = \"clik_selector\"" "steps\[1\].actions\[0\].type: unknown action \"clik_selector\" (did you mean \"click_selector\"?)"'
test_expect_success 'shortened action name, with a suggestion' \
	'bad clik ".steps[1].actions[0].type = \"clik\"" "steps\[1\].actions\[0\].type: unknown action \"clik\" (did you mean \"click_selector\"?)"'
test_expect_success 'unknown action far from any: the list of known ones' \
	'bad zoom ".steps[1].actions[0].type = \"zoom\"" "unknown action \"zoom\": use one of wait_for_load, .*, eval$"'
test_expect_success 'action missing its parameter' \
	'bad noparam "del(.steps[1].actions[0].selector)" "steps\[1\].actions\[0\]: missing \"selector\" (required)"'
test_expect_success 'value out of range' \
	'bad range ".settings.speech_speed = 9" "settings.speech_speed: 9 is out of range: use a value from 0.25 to 4"'
test_expect_success 'enum value checked' \
	'bad mode ".settings.mode = \"parallel\"" "settings.mode: \"parallel\" is not one of: independent, continuous"'
test_expect_success 'odd video size refused' \
	'bad odd ".settings.video_size = {\"width\": 1281, \"height\": 720}" "settings.video_size.width: 1281 is odd"'
test_expect_success 'actions that wait for an element take a timeout of their own' '
	jq ".steps[1].actions = [
		{type: \"type_text\", text: \"x\", selector: \"#f\", timeout: 300},
		{type: \"select\", selector: \"#s\", value: \"b\", timeout: 300},
		{type: \"eval\", expression: \"1\", timeout: 300}]" good.json >timeouts.json &&
	"$BIN/spec2req" -o out-timeouts timeouts.json 2>err && test_cmp /dev/null err &&
	jq -c "[.actions[].timeout]" out-timeouts/step/two/cap.json >got &&
	echo "[300,300,300]" >expect && test_cmp expect got
'

test_expect_success 'text that is not UTF-8 is refused, naming where' '
	printf "{\"steps\": [{\"id\": \"a\", \"url\": \"a.html\", \"narration\": \"Hi.\",
		\"actions\": [{\"type\": \"type_text\", \"text\": \"caf\\351\"}]}]}" >latin1.json &&
	test_must_fail 2 "$BIN/spec2req" -o out-latin1 latin1.json 2>err &&
	echo "spec2req: latin1.json: steps[0].actions[0].text: not valid UTF-8 (byte 4): save the spec as UTF-8" >expect &&
	test_cmp expect err && test ! -e out-latin1
'
test_expect_success 'unknown assertion' \
	'bad assert ".steps[0].assertions = [{\"type\": \"url_is\", \"value\": \"x\"}]" "steps\[0\].assertions\[0\].type: unknown assertion \"url_is\""'

test_expect_success 'unknown keys warn but pass' '
	jq ".settings.speach_speed = 1" good.json >typo.json &&
	"$BIN/spec2req" typo.json 2>err &&
	test_grep "settings.speach_speed: unknown key, ignored" err
'

test_expect_success 'a bad edit leaves the earlier fragments intact' '
	"$BIN/spec2req" -o keep good.json &&
	cp -r keep before &&
	jq ".steps[1].id = \"one\"" good.json >dup.json &&
	test_must_fail 2 "$BIN/spec2req" -o keep dup.json 2>/dev/null &&
	diff -r before keep
'

test_expect_success 'usage: -h to stdout exit 0, bad option exit 2' '
	"$BIN/spec2req" -h >out.txt && test_grep "^usage: spec2req" out.txt &&
	test_must_fail 2 "$BIN/spec2req" -x good.json 2>err && test_grep "^usage:" err &&
	test_must_fail 2 "$BIN/spec2req" -b cloud good.json 2>err && test_grep "unknown backend" err
'

test_done
