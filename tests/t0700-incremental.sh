#!/bin/bash
# The make graph: every step's WAV and clip is its own target, so a rebuild
# remakes exactly what an edit touched, and nothing when nothing changed.
. "$(dirname "$0")/test-lib.sh"

mkdir site
for p in a b c; do
	cat >site/$p.html <<HTML
<!doctype html><title>Page $p</title>
<body style="margin:0;font:32px sans-serif;background:#eef">
<h1 id="h">Page $p</h1><button id="go" onclick="document.body.style.background='#c33'">Go</button>
</body>
HTML
done
cat >spec.json <<'JSON'
{
  "settings": {"viewport": {"width": 320, "height": 240}, "voice": "am_michael", "lead_in": 0.2, "tail": 0.3},
  "steps": [
    {"id": "a", "url": "site/a.html", "narration": "First page.", "actions": [{"type": "pause", "duration": 0.5}]},
    {"id": "b", "url": "site/b.html", "narration": "Second page.", "actions": [{"type": "click_selector", "selector": "#go"}]},
    {"id": "c", "url": "site/c.html", "narration": "Third page.", "actions": []}
  ]
}
JSON

# build: run make on this tour; the quiet output names each recipe that ran.
build() {
	make -C "$ROOT" --no-print-directory SPEC="$TMP/spec.json" OUT="$TMP/out" \
		CACHE="$TMP/cache" "$@" >make.log 2>&1 || { cat make.log; return 1; }
	grep -E '^  (TTS|CAP|MUX) ' make.log | awk '{print $1, $2}' | sed "s|$TMP/out/||" | sort >ran
	cat ran
}

# expect RECIPE...: exactly these recipes ran in the last build.
expect() {
	printf '%s\n' "$@" | sed '/^$/d' | sort >want
	test_cmp want ran
}

edit() {
	jq "$1" spec.json >spec.new && mv spec.new spec.json
}

test_expect_success 'steps.mk is a make target of its own' '
	build "$TMP/out/steps.mk" && expect &&
	test_grep "^STEPS := a b c$" out/steps.mk && test ! -e out/wav
'

test_expect_success 'full build makes every WAV, clip and the video' '
	build &&
	expect "TTS wav/a.wav" "TTS wav/b.wav" "TTS wav/c.wav" \
		"CAP clip/a.mp4" "CAP clip/b.mp4" "CAP clip/c.mp4" "MUX spec.mp4" &&
	test -s out/spec.mp4
'

test_expect_success 'a second make runs no recipe and changes no file' '
	sleep 1 && touch stamp &&
	build && expect &&
	find out cache -newer stamp >changed && test_cmp /dev/null changed &&
	build V=1 && ! grep -E "spec2req|ttslocal|stepcap|/mux " make.log
'

test_expect_success 'editing one narration remakes that WAV, that clip, the video' '
	edit ".steps[1].narration = \"The second page, now with more words.\"" &&
	build && expect "TTS wav/b.wav" "CAP clip/b.mp4" "MUX spec.mp4"
'

test_expect_success 'editing only actions remakes only that clip and the video' '
	edit ".steps[2].actions = [{\"type\": \"pause\", \"duration\": 1}]" &&
	build && expect "CAP clip/c.mp4" "MUX spec.mp4"
'

test_expect_success 'saving a page remakes the clip of the step that opens it' '
	sleep 1 && sed -i "s/<h1 id=\"h\">Page c</<h1 id=\"h\">Page c, saved again</" site/c.html &&
	build && expect "CAP clip/c.mp4" "MUX spec.mp4"
'

test_expect_success 'reverting a narration edit synthesises nothing (cache)' '
	sleep 1 && touch stamp &&
	edit ".steps[1].narration = \"Second page.\"" &&
	build V=1 >/dev/null && test_grep "ttslocal: b: cache hit" make.log &&
	test -z "$(find cache -newer stamp -type f)"
'

test_expect_success 'changing settings.voice remakes every WAV' '
	edit ".settings.voice = \"bf_emma\"" &&
	build && grep -c "^TTS" ran >n && test "$(cat n)" = 3
'

test_expect_success 'make -j2 from clean gives the same tour' '
	rm -rf out && build -j2 &&
	test "$(grep -c "^CAP" ran)" = 3 && test -s out/spec.mp4 &&
	build -j2 && expect
'

test_expect_success 'shell and make syntax in narration is spoken, never run' '
	edit ".steps[0].narration = \"Cost: \$(touch pwned1) \`touch pwned2\`; rm -rf x \$\$HOME \\\"q\\\" done\"" &&
	edit ".steps[1].actions = [{\"type\": \"click_selector\", \"selector\": \"#go\"}, {\"type\": \"type_text\", \"text\": \"\$(touch pwned3) \`touch pwned4\`\"}]" &&
	build && test ! -e pwned1 && test ! -e pwned2 && test ! -e pwned3 && test ! -e pwned4 &&
	test ! -e "$ROOT/pwned1" && test ! -e "$ROOT/pwned3" &&
	jq -e ".text | contains(\"\$(touch pwned1)\")" out/step/a/tts.json
'

test_expect_success 'a bad spec stops the build and keeps earlier outputs' '
	cp out/spec.mp4 kept.mp4 &&
	edit ".steps[1].id = \"a\"" &&
	! build >/dev/null &&
	test_grep "duplicate id" make.log &&
	cmp kept.mp4 out/spec.mp4
'

test_expect_success 'an unknown BACKEND or a SPEC that does not exist is named' '
	! build BACKEND=cloud >/dev/null && test_grep "BACKEND=cloud is not a backend: use local" make.log &&
	! make -C "$ROOT" --no-print-directory SPEC="$TMP/nope.json" OUT="$TMP/out2" >log 2>&1 &&
	test_grep "nope.json: spec not found" log && test ! -e out2/steps.mk &&
	cp spec.json "it;s.json" &&
	test_must_fail 2 make -C "$ROOT" --no-print-directory SPEC="$TMP/it;s.json" OUT="$TMP/out3" >log 2>&1 &&
	test_grep "SPEC and OUT must be paths without the characters" log && test ! -e out3
'

test_expect_success 'a SPEC or OUT with a make pattern or wildcard character is refused' '
	for c in % : "*" "?" "["; do
		cp spec.json "a${c}b.json" &&
		test_must_fail 2 make -C "$ROOT" --no-print-directory SPEC="$TMP/a${c}b.json" \
			OUT="$TMP/out4" >log 2>&1 &&
		test_grep "SPEC and OUT must be paths without the characters" log &&
		test_must_fail 2 make -C "$ROOT" --no-print-directory SPEC="$TMP/spec.json" \
			OUT="$TMP/o${c}ut" >log 2>&1 &&
		test_grep "SPEC and OUT must be paths without the characters" log || return 1
	done &&
	test ! -e out4 && ! ls -d o?ut 2>/dev/null
'

test_done
