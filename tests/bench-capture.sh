#!/bin/bash
# bench-capture.sh - capture speed: video seconds recorded per wall-clock
# second, and the share of frames that reused the previous picture, for a
# narrated hold (a still page under ten seconds of narration: most of a
# tour) and a busy step (clicks, typing, scrolling), at 1280x720 and
# 1920x1080; and, as the floor a hold cannot beat, ffmpeg alone encoding
# the hold's frames with the same parameters. Every figure is printed beside
# its ratio to the 1280x720 hold measured in this same run, never against a
# number from elsewhere.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
WORK=$ROOT/out/bench-capture
rm -rf "$WORK"
mkdir -p "$WORK"
make --no-print-directory -s tools >/dev/null

ffmpeg -v error -f lavfi -i anullsrc=r=24000:cl=mono -t 10 "$WORK/narration.wav"

# fragment NAME WIDTH HEIGHT PAGE ACTIONS: a capture fragment like spec2req's
fragment() {
	jq -n --arg id "$1" --arg url "file://$ROOT/specs/demo/$4" \
		--argjson w "$2" --argjson h "$3" --argjson actions "$5" '
		{id: $id, url: $url, fps: 30,
		 viewport: {width: $w, height: $h}, video_size: {width: $w, height: $h},
		 lead_in: 0.5, tail: 1.0, timeout: 30, max_retries: 0,
		 mode: "independent", actions: $actions}' >"$WORK/$1.json"
}

HOLD='[{"type": "wait_for_load"}, {"type": "pause", "duration": 2}]'
BUSY='[{"type": "click_selector", "selector": "#full-name"},
	{"type": "type_text", "text": "Maya Chen", "delay": 60},
	{"type": "click_selector", "selector": "#team-name"},
	{"type": "type_text", "text": "Northwind Studio", "delay": 60},
	{"type": "scroll", "to": "bottom", "speed": "fast"},
	{"type": "scroll", "to": "top", "speed": "fast"},
	{"type": "pause", "duration": 1}]'

now() { date +%s.%N; }
calc() { awk "BEGIN { print $1 }"; }

# measure NAME: capture it; prints "video_s wall_s reused_share"
measure() {
	local t0 t1
	t0=$(now)
	out/bin/stepcap -w "$WORK/narration.wav" -m "$WORK/$1.meta" -o "$WORK/$1.mp4" \
		"$WORK/$1.json"
	t1=$(now)
	echo "$(jq '.frames / .fps' "$WORK/$1.meta") $(calc "$t1 - $t0")" \
		"$(jq '.reused_frames / .frames' "$WORK/$1.meta")"
}

fragment hold-720 1280 720 index.html "$HOLD"
fragment busy-720 1280 720 signup.html "$BUSY"
fragment hold-1080 1920 1080 index.html "$HOLD"
fragment busy-1080 1920 1080 signup.html "$BUSY"

printf 'bench: capture speed, one clip at a time (reused: frames repeating the last picture)\n'
base=
for name in hold-720 busy-720 hold-1080 busy-1080; do
	read -r video wall reused <<<"$(measure "$name")"
	speed=$(calc "$video / $wall")
	[ -n "$base" ] || base=$speed
	printf '  %-10s %6.2f video s per wall s (%4.1f s in %5.2f s)  reused %5.1f%%  ratio %.4f\n' \
		"$name" "$speed" "$video" "$wall" "$(calc "$reused * 100")" "$(calc "$speed / $base")"
done

# the floor: the 1280x720 hold's picture, as many times as it has frames,
# through the encoder alone (what stepcap's ffmpeg does with them)
ffmpeg -v error -i "$WORK/hold-720.mp4" -frames:v 1 -q:v 2 "$WORK/still.jpg"
count=$(jq .frames "$WORK/hold-720.meta")
t0=$(now)
for _ in $(seq "$count"); do cat "$WORK/still.jpg"; done |
	ffmpeg -v error -f image2pipe -c:v mjpeg -framerate 30 -i - -an -c:v libx264 \
		-preset veryfast -crf 20 -pix_fmt yuv420p -r 30 -g 60 -f mp4 -y "$WORK/still.mp4"
t1=$(now)
wall=$(calc "$t1 - $t0")
speed=$(calc "$count / 30 / $wall")
printf '  %-10s %6.2f video s per wall s (%4.1f s in %5.2f s)  encoder alone     ratio %.4f\n' \
	"ffmpeg-720" "$speed" "$(calc "$count / 30")" "$wall" "$(calc "$speed / $base")"
