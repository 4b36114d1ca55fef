#!/bin/sh
# ttslocal: espeak-ng narration into a WAV, Kokoro voice mapping, the TTS cache
. "$(dirname "$0")/test-lib.sh"

# fragment FILE TEXT VOICE SPEED: a tts.json as spec2req writes it
fragment() {
	jq -n --arg text "$2" --arg voice "$3" --argjson speed "$4" \
		'{id: "intro", text: $text, voice: $voice, speed: $speed, language: "en-us"}' >"$1"
}

seconds() {
	ffprobe -v error -show_entries stream=duration -of csv=p=0 "$1"
}

# longer A B: duration of A is greater than that of B
longer() {
	awk -v a="$(seconds "$1")" -v b="$(seconds "$2")" \
		'BEGIN { if (!(a > b)) { print "not longer: " a " <= " b; exit 1 } }'
}

SHORT="Welcome to the tour."
LONG="Welcome to the tour. Today we open the editor, write a small function, and run it twice."

test_expect_success 'a fragment becomes a mono 16-bit PCM WAV' '
	fragment short.json "$SHORT" am_michael 1.0 &&
	"$BIN/ttslocal" -o short.wav short.json &&
	ffprobe -v error -show_entries stream=codec_name,sample_rate,channels -of csv=p=0 short.wav >info &&
	echo "pcm_s16le,22050,1" >expect &&
	test_cmp expect info &&
	awk -v s="$(seconds short.wav)" "BEGIN { exit !(s > 0.5) }"
'

test_expect_success 'longer text gives longer audio' '
	fragment long.json "$LONG" am_michael 1.0 &&
	"$BIN/ttslocal" -o long.wav long.json &&
	longer long.wav short.wav
'

test_expect_success 'speed 2.0 is shorter than speed 1.0' '
	fragment fast.json "$LONG" am_michael 2.0 &&
	"$BIN/ttslocal" -o fast.wav fast.json &&
	longer long.wav fast.wav
'

test_expect_success 'Kokoro voices map to espeak-ng voices by language and gender' '
	for v in am_michael af_heart bf_emma bm_george ff_siwis; do
		fragment $v.json "$SHORT" $v 1.0 &&
		"$BIN/ttslocal" -v -o $v.wav $v.json 2>>log || return 1
	done &&
	sed -n "s/.*, voice \([^,]*\),.*/\1/p" log >voices &&
	printf "%s\n" gmw/en-US+m3 gmw/en-US+f3 gmw/en+f3 gmw/en+m3 roa/fr+f3 >expect &&
	test_cmp expect voices &&
	! cmp -s am_michael.wav af_heart.wav &&
	! cmp -s af_heart.wav bf_emma.wav &&
	! cmp -s bf_emma.wav bm_george.wav
'

test_expect_success 'an espeak-ng voice name is used as it is' '
	fragment rp.json "$SHORT" en-gb-x-rp 1.0 &&
	"$BIN/ttslocal" -v -o rp.wav rp.json 2>log &&
	test_grep ", voice gmw/en-GB-x-rp," log
'

test_expect_success 'an unknown voice falls back to the language, with a warning' '
	fragment odd.json "$SHORT" Michael 1.0 &&
	"$BIN/ttslocal" -o odd.wav odd.json 2>err &&
	echo "ttslocal: odd.json: voice: no espeak-ng voice like \"Michael\", using the en-us default" >expect &&
	test_cmp expect err &&
	test -s odd.wav
'

test_expect_success 'first run synthesises into the cache, second is a cache hit' '
	"$BIN/ttslocal" -v -c cache -o one.wav long.json 2>first &&
	test_grep "^ttslocal: intro: synthesised [0-9.]* s, voice gmw/en-US+m3, key [0-9a-f]\{64\}$" first &&
	key=$(sed "s/.* key //" first) &&
	cmp one.wav cache/$key.wav &&
	"$BIN/ttslocal" -v -c cache -o two.wav long.json 2>second &&
	echo "ttslocal: intro: cache hit $key" >expect &&
	test_cmp expect second &&
	cmp one.wav two.wav &&
	printf "made %s\nhit %s\n" $key $key >expect &&
	jq -r "[.cache, .key // \"-\"] | join(\" \")" one.wav.json two.wav.json >records &&
	test_cmp expect records
'

test_expect_success 'without a cache the record says so' '
	"$BIN/ttslocal" -o plain.wav long.json &&
	test "$(jq -r .cache plain.wav.json)" = off
'

test_expect_success 'a cache hit copies the entry and synthesises nothing' '
	key=$(sed "s/.* key //" first) &&
	ffmpeg -v error -f lavfi -i sine=f=440:r=22050 -t 0.3 -c:a pcm_s16le cache/$key.wav -y &&
	"$BIN/ttslocal" -c cache -o three.wav long.json &&
	cmp cache/$key.wav three.wav
'

test_expect_success 'a damaged cache entry is synthesised again' '
	key=$(sed "s/.* key //" first) &&
	head -c 100 one.wav >cache/$key.wav &&
	"$BIN/ttslocal" -v -c cache -o four.wav long.json 2>err &&
	test_grep "damaged cache entry (RIFF size does not match" err &&
	test_grep "synthesised" err &&
	cmp one.wav four.wav &&
	cmp one.wav cache/$key.wav
'

test_expect_success 'text, speed and voice each change the cache key' '
	for f in short fast af_heart; do
		"$BIN/ttslocal" -v -c cache -o x.wav $f.json 2>>log2 || return 1
	done &&
	test $(grep -c synthesised log2) = 3 &&
	ls cache | wc -l >count && echo 4 >expect && test_cmp expect count
'

test_expect_success 'shell syntax in the narration is spoken, not run' '
	fragment shell.json "Try \$(touch pwned) and \`touch pwned2\` ; \$\$ now" am_michael 1.0 &&
	"$BIN/ttslocal" -o shell.wav shell.json &&
	! ls pwned pwned2 2>/dev/null &&
	longer shell.wav short.wav
'

# refused FRAGMENT CODE MESSAGE: exit CODE, MESSAGE on stderr, no output
refused() {
	test_must_fail "$2" "$BIN/ttslocal" -o bad.wav "$1" 2>err &&
	echo "$3" >expect &&
	test_cmp expect err &&
	! test -e bad.wav
}

test_expect_success 'a fragment without text is refused, exit 2' '
	echo "{\"id\": \"x\", \"voice\": \"am_michael\"}" >b.json &&
	refused b.json 2 "ttslocal: b.json: text: missing or not a string"
'

test_expect_success 'a bad speed is refused, exit 2' '
	echo "{\"text\": \"hi\", \"speed\": \"fast\"}" >b.json &&
	refused b.json 2 "ttslocal: b.json: speed: must be a number from 0.25 to 4" &&
	echo "{\"text\": \"hi\", \"speed\": 9}" >b.json &&
	refused b.json 2 "ttslocal: b.json: speed: must be a number from 0.25 to 4"
'

test_expect_success 'an empty voice is refused, exit 2' '
	echo "{\"text\": \"hi\", \"voice\": \"\"}" >b.json &&
	refused b.json 2 "ttslocal: b.json: voice: must be a non-empty string"
'

test_expect_success 'a language espeak-ng lacks is refused, exit 2' '
	echo "{\"text\": \"hi\", \"voice\": \"nobody\", \"language\": \"xx-yy\"}" >b.json &&
	refused b.json 2 "ttslocal: b.json: language: espeak-ng has no voice for \"xx-yy\""
'

test_expect_success 'invalid JSON is refused with its position, exit 2' '
	printf "{\"text\": \"hi\",\n" >b.json &&
	refused b.json 2 "ttslocal: b.json: line 2, column 1: invalid JSON: unexpected end of file"
'

test_expect_success 'an unreadable fragment is an I/O error, exit 4' '
	refused missing.json 4 "ttslocal: missing.json: No such file or directory"
'

test_expect_success 'usage: -h on stdout, exit 0; missing -o, exit 2' '
	"$BIN/ttslocal" -h >out &&
	test_grep "^usage: ttslocal \[-v\] \[-c cachedir\] -o out.wav tts.json" out &&
	test_must_fail 2 "$BIN/ttslocal" short.json 2>err &&
	test_grep "^usage: ttslocal" err
'

test_expect_success 'an empty cache or output path is refused, exit 2, nothing written' '
	test_must_fail 2 "$BIN/ttslocal" -c "" -o empty.wav short.json 2>err &&
	echo "ttslocal: -c: empty path: name a file or folder" >expect &&
	test_cmp expect err &&
	! test -e empty.wav &&
	test_must_fail 2 "$BIN/ttslocal" -o "" short.json 2>err &&
	echo "ttslocal: -o: empty path: name a file or folder" >expect &&
	test_cmp expect err
'

test_expect_success 'espeak-ng without its data is a system error, exit 4' '
	mkdir -p nodata &&
	ESPEAK_DATA_PATH=$PWD/nodata test_must_fail 4 "$BIN/ttslocal" -o nodata.wav short.json 2>err &&
	test_grep "^ttslocal: cannot initialise espeak-ng" err &&
	! test -e nodata.wav
'

test_expect_success 'an output folder that cannot be made is a system error, exit 4' '
	echo file >plain &&
	test_must_fail 4 "$BIN/ttslocal" -o plain/x.wav short.json 2>err &&
	test_grep "^ttslocal: plain/x.wav: Not a directory" err
'

test_expect_success 'no temporary file is left behind' '
	! ls -A . cache | grep "\.tmp\."
'

test_done
