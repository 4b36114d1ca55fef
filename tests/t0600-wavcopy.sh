#!/bin/sh
# wavcopy: only complete PCM WAVs (and, with -m, ones matching the manifest) are copied
. "$(dirname "$0")/test-lib.sh"

# manifest NAME FILE: a done.marker-style manifest with FILE listed under NAME
manifest() {
	jq -n --arg name "$1" --argjson bytes "$(wc -c <"$2")" \
		--arg sha "$(sha256sum "$2" | cut -d" " -f1)" \
		'{status: "completed", files: [{name: "other.wav", bytes: 1, sha256: "00"},
		  {name: $name, bytes: $bytes, sha256: $sha, duration: 1.0, sample_rate: 24000}]}'
}

KEY=0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef

# refused CODE MESSAGE ARGS...: exit CODE with MESSAGE, dest.wav untouched
refused() {
	code=$1 message=$2
	shift 2
	echo keep >dest.wav &&
	test_must_fail "$code" "$BIN/wavcopy" "$@" 2>err &&
	echo "$message" >expect &&
	test_cmp expect err &&
	echo keep >expect && test_cmp expect dest.wav
}

test_expect_success 'set up WAVs' '
	mkdir job &&
	ffmpeg -v error -f lavfi -i sine=f=440:r=24000 -t 1 job/step-intro.wav &&
	ffmpeg -v error -f lavfi -i sine=f=550:r=24000 -t 1 job/step-same-size.wav &&
	ffmpeg -v error -f lavfi -i sine=f=440:r=24000 -t 1 -c:a pcm_f32le job/step-float.wav &&
	head -c 20000 job/step-intro.wav >job/step-half.wav
'

test_expect_success 'a complete WAV is copied, into a new folder if need be' '
	"$BIN/wavcopy" job/step-intro.wav out/wav/intro.wav &&
	cmp job/step-intro.wav out/wav/intro.wav
'

test_expect_success 'a WAV still being written is not accepted, exit 1' '
	refused 1 "wavcopy: job/step-half.wav: not accepted: RIFF size does not match the file size (truncated or still being written)" \
		job/step-half.wav dest.wav
'

test_expect_success 'float samples are not accepted, exit 1' '
	refused 1 "wavcopy: job/step-float.wav: not accepted: not integer PCM" job/step-float.wav dest.wav
'

test_expect_success 'a file that is no WAV is not accepted, exit 1' '
	echo "<html>quota exceeded</html>" >job/step-html.wav &&
	refused 1 "wavcopy: job/step-html.wav: not accepted: not a RIFF/WAVE file" job/step-html.wav dest.wav
'

test_expect_success 'a missing source is not accepted (still arriving), exit 1' '
	refused 1 "wavcopy: job/step-none.wav: not accepted: not there (yet)" job/step-none.wav dest.wav
'

test_expect_success 'a source that cannot be read, or a dest that cannot be written: exit 4' '
	mkdir job/step-dir.wav &&
	refused 4 "wavcopy: job/step-dir.wav: Is a directory" job/step-dir.wav dest.wav &&
	echo file >afile &&
	test_must_fail 4 "$BIN/wavcopy" job/step-intro.wav afile/x.wav 2>err &&
	test_grep "^wavcopy: afile/x.wav: Not a directory$" err
'

test_expect_success 'a missing manifest is invalid input, exit 2' '
	refused 2 "wavcopy: nomanifest.json: No such file or directory" \
		-m nomanifest.json job/step-intro.wav dest.wav
'

test_expect_success 'a WAV matching its manifest entry is copied' '
	manifest step-intro.wav job/step-intro.wav >done.marker &&
	"$BIN/wavcopy" -m done.marker job/step-intro.wav m.wav &&
	cmp job/step-intro.wav m.wav
'

test_expect_success 'complete WAVs of the wrong size or content are not accepted, exit 1' '
	manifest step-x.wav job/step-intro.wav >done.marker &&
	ffmpeg -v error -y -f lavfi -i sine=f=440:r=24000 -t 0.5 job/step-x.wav &&
	refused 1 "wavcopy: job/step-x.wav: not accepted: 24078 bytes, the manifest says 48078" \
		-m done.marker job/step-x.wav dest.wav &&
	cp job/step-same-size.wav job/step-x.wav &&
	refused 1 "wavcopy: job/step-x.wav: not accepted: sha256 differs from the manifest" \
		-m done.marker job/step-x.wav dest.wav
'

test_expect_success 'a WAV the manifest does not list is not accepted, exit 1' '
	manifest step-intro.wav job/step-intro.wav >done.marker &&
	refused 1 "wavcopy: job/step-same-size.wav: not accepted: not listed in done.marker" \
		-m done.marker job/step-same-size.wav dest.wav
'

test_expect_success 'a broken manifest is invalid input, exit 2' '
	echo "{\"status\": \"completed\"" >done.marker &&
	refused 2 "wavcopy: done.marker: line 2, column 1: invalid JSON: unexpected end of file" \
		-m done.marker job/step-intro.wav dest.wav &&
	echo "{\"status\": \"completed\"}" >done.marker &&
	refused 2 "wavcopy: done.marker: files: missing or not an array" \
		-m done.marker job/step-intro.wav dest.wav
'

test_expect_success 'with -c and -k the WAV also becomes the cache entry' '
	"$BIN/wavcopy" -c cache -k $KEY job/step-intro.wav c.wav &&
	cmp job/step-intro.wav cache/$KEY.wav &&
	cmp job/step-intro.wav c.wav
'

test_expect_success 'with -r, a record beside dest says where the narration came from' '
	"$BIN/wavcopy" -r made -c cache -k $KEY job/step-intro.wav r1.wav &&
	"$BIN/wavcopy" -r hit cache/$KEY.wav r2.wav &&
	printf "made %s\nhit -\n" $KEY >expect &&
	jq -r "[.cache, .key // \"-\"] | join(\" \")" r1.wav.json r2.wav.json >records &&
	test_cmp expect records &&
	refused 2 "wavcopy: -r maybe: say hit or made" -r maybe job/step-intro.wav r3.wav &&
	test ! -e r3.wav
'

test_expect_success 'a key that is no cache key is refused, exit 2' '
	refused 2 "wavcopy: -k ../x: not a cache key (64 lowercase hex digits)" \
		-c cache -k ../x job/step-intro.wav dest.wav
'

test_expect_success 'usage: -h on stdout, exit 0; -c without -k or one file, exit 2' '
	"$BIN/wavcopy" -h >usage &&
	test_grep "^usage: wavcopy \[-m manifest.json\] \[-c cachedir -k key\] \[-r hit|made\] src.wav dest.wav" usage &&
	test_must_fail 2 "$BIN/wavcopy" -c cache job/step-intro.wav dest.wav 2>err &&
	test_grep "^usage: wavcopy" err &&
	test_must_fail 2 "$BIN/wavcopy" job/step-intro.wav 2>err &&
	test_grep "^usage: wavcopy" err
'

test_expect_success 'a manifest naming the file by its path in the job folder matches it' '
	mkdir -p job/audio && cp job/step-intro.wav job/audio/step-intro.wav &&
	manifest audio/step-intro.wav job/audio/step-intro.wav >done.marker &&
	"$BIN/wavcopy" -m done.marker job/audio/step-intro.wav p.wav &&
	cmp job/step-intro.wav p.wav &&
	refused 1 "wavcopy: job/step-intro.wav: not accepted: not listed in done.marker" \
		-m done.marker job/step-intro.wav dest.wav
'

test_expect_success 'no temporary file is left behind' '
	! ls -A . out/wav cache | grep "\.tmp\."
'

test_done
