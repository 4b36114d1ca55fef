#!/bin/bash
# record-tour: the older tool's command line, mapped onto one make argv
. "$(dirname "$0")/test-lib.sh"

# A make that only records its arguments, one per line, stands in for the
# real one where the mapping is what is tested.
mkdir stub
cat >stub/make <<'SH'
#!/bin/sh
for a in "$@"; do printf '%s\n' "$a"; done >"$MAKE_ARGS"
SH
chmod +x stub/make
export MAKE_ARGS=$TMP/args

mkdir specs site
cat >site/p.html <<'HTML'
<!doctype html><title>P</title><body><h1>P</h1></body>
HTML
cat >specs/tour.json <<'JSON'
{"settings": {"viewport": {"width": 320, "height": 240}},
 "steps": [{"id": "a", "url": "../site/p.html", "narration": "First."},
           {"id": "b", "url": "../site/p.html", "narration": "Second."}]}
JSON

# mapped ARGS...: what record-tour asks of make, one argument a line
mapped() {
	PATH=$TMP/stub:$PATH "$ROOT/record-tour" "$@"
}

test_expect_success 'the seed command line becomes make variables, spec made absolute' '
	mapped specs/tour.json --tts-backend colab-f5 --colab-drive-path "$TMP/My Drive/jobs" \
		--colab-timeout 900 -j 3 &&
	printf "%s\n" -C "$ROOT" --no-print-directory -j 3 "SPEC=$TMP/specs/tour.json" \
		BACKEND=colab-f5 "DRIVE=$TMP/My Drive/jobs" COLAB_TIMEOUT=900 all >expect &&
	test_cmp expect args
'

test_expect_success '--opt=value forms, and --dry-run asks for the narration only' '
	mapped --tts-backend=colab --colab-timeout=60 --dry-run "$TMP/specs/tour.json" &&
	printf "%s\n" BACKEND=colab COLAB_TIMEOUT=60 tts >expect &&
	tail -n 3 args >actual && test_cmp expect actual
'

test_expect_success '--zoom becomes ZOOM=, and only a camera mode is taken' '
	mapped specs/tour.json --zoom mobile &&
	tail -n 2 args >actual && printf "%s\n" ZOOM=mobile all >expect &&
	test_cmp expect actual &&
	mapped specs/tour.json --zoom=auto && grep -x ZOOM=auto args &&
	test_must_fail 2 mapped specs/tour.json --zoom 3x 2>err &&
	test_grep "^record-tour: --zoom \"3x\": use off, auto or mobile" err
'

test_expect_success 'text meant for a shell stays one argument' '
	test_must_fail 2 mapped specs/tour.json --colab-drive-path "\$(touch pwned); x" 2>err &&
	test_grep "make would read" err && test ! -e pwned &&
	mapped specs/tour.json --colab-drive-path "a;b \`touch pwned\`" &&
	grep -x "DRIVE=a;b \`touch pwned\`" args && test ! -e pwned
'

test_expect_success 'a spec path make cannot hold is refused, exit 2' '
	mkdir "with space" && cp specs/tour.json "with space/t.json" &&
	test_must_fail 2 mapped "with space/t.json" 2>err &&
	test_grep "^record-tour: $TMP/with space/t.json: make cannot hold this path" err &&
	cp specs/tour.json "specs/t\$(x).json" &&
	test_must_fail 2 mapped "specs/t\$(x).json" 2>err &&
	test_grep "make cannot hold this path" err
'

test_expect_success 'usage errors: exit 2, the problem named' '
	test_must_fail 2 mapped specs/tour.json --tts-backend kokoro 2>err &&
	test_grep "^record-tour: --tts-backend \"kokoro\": use local, colab or colab-f5" err &&
	test_must_fail 2 mapped specs/tour.json --colab-timeout soon 2>err &&
	test_grep "colab-timeout \"soon\": a whole number of seconds" err &&
	test_must_fail 2 mapped specs/tour.json --fast 2>err &&
	test_grep "^record-tour: unknown option --fast" err &&
	test_must_fail 2 mapped 2>err && test_grep "no SPEC given" err &&
	test_must_fail 2 mapped specs/nope.json 2>err &&
	test_grep "^record-tour: specs/nope.json: spec not found" err &&
	test_must_fail 2 mapped specs/tour.json --colab-timeout 2>err &&
	test_grep "needs a value" err &&
	"$ROOT/record-tour" -h >out && test_grep "^usage: record-tour SPEC" out
'

# OUT and CACHE reach make from the environment, as with make itself
test_expect_success 'a real --dry-run makes the WAVs and no clip' '
	{ OUT=$TMP/build CACHE=$TMP/cache "$ROOT/record-tour" specs/tour.json --dry-run >log 2>&1 ||
	  { cat log; false; }; } &&
	test -s build/wav/a.wav && test -s build/wav/b.wav && test ! -e build/clip/a.mp4
'

# A make whose recipe failed with the code in $RECIPE_CODE, as make says it.
mkdir failing
cat >failing/make <<'SH'
#!/bin/sh
echo "stepcap: step a: something went wrong" >&2
[ -z "$RECIPE_CODE" ] || echo "make: *** [mk/capture.mk:20: out/tour/clip/a.mp4] Error $RECIPE_CODE" >&2
echo "make: *** Waiting for unfinished jobs...." >&2
exit 2
SH
chmod +x failing/make

test_expect_success 'the failing tool'"'"'s exit code comes through make, its message too' '
	for code in 1 2 3 4; do
		RECIPE_CODE=$code PATH=$TMP/failing:$PATH \
			test_must_fail $code "$ROOT/record-tour" specs/tour.json 2>err &&
		test_grep "^stepcap: step a: something went wrong$" err || return 1
	done &&
	RECIPE_CODE=130 PATH=$TMP/failing:$PATH test_must_fail 1 "$ROOT/record-tour" specs/tour.json &&
	RECIPE_CODE= PATH=$TMP/failing:$PATH test_must_fail 2 "$ROOT/record-tour" specs/tour.json
'

test_expect_success 'real failures keep their codes: invalid spec 2, unwritable build folder 4' '
	echo "{\"steps\": []}" >specs/empty.json &&
	OUT=$TMP/build2 CACHE=$TMP/cache test_must_fail 2 "$ROOT/record-tour" specs/empty.json --dry-run 2>err &&
	test_grep "^spec2req: .*steps: is empty" err &&
	echo file >plain && mkdir -p tmpdir &&
	TMPDIR=$TMP/tmpdir OUT=$TMP/plain/build CACHE=$TMP/cache \
		test_must_fail 4 "$ROOT/record-tour" specs/tour.json --dry-run 2>err &&
	test_grep "plain/build" err &&
	test -z "$(ls -A tmpdir)"
'

test_done
