#!/bin/bash
# bench-assembly.sh - final assembly of a 40-step, roughly 10-minute tour:
# mux (clips joined by stream copy, the audio track built once, two-pass
# loudnorm, one AAC encode) against the older tool's way of re-encoding
# everything (each step's clip transcoded, each step muxed with its
# narration by re-encoding again, then the concatenation re-encoded),
# both measured in this run on the same clips and WAVs.
#
# The clips are made by ffmpeg with stepcap's encoder parameters (libx264
# veryfast crf 20, yuv420p, a keyframe every 2 s), so mux joins them as it
# joins captured ones; the narration is espeak-ng. Sizes can be changed:
# BENCH_STEPS (40), BENCH_STEP_SECONDS (15), BENCH_SIZE (1280x720),
# BENCH_PRESET (medium: the seed specs' output.video_preset).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
STEPS=${BENCH_STEPS:-40}
STEP_SECONDS=${BENCH_STEP_SECONDS:-15}
SIZE=${BENCH_SIZE:-1280x720}
PRESET=${BENCH_PRESET:-medium}
WORK=$ROOT/out/bench-assembly
rm -rf "$WORK"
mkdir -p "$WORK/o/clip" "$WORK/o/wav" "$WORK/seed"
make --no-print-directory -s tools >/dev/null

now() { date +%s.%N; }
calc() { awk "BEGIN { print $1 }"; }

# Four base clips of different lengths around STEP_SECONDS, reused in turn:
# mux's cost does not depend on what the pictures show, the re-encoding's
# barely.
for k in 0 1 2 3; do
	frames=$(( (STEP_SECONDS * 30) - 30 + k * 20 ))
	ffmpeg -v error -f lavfi -i "testsrc=s=$SIZE:r=30" -frames:v "$frames" \
		-c:v libx264 -preset veryfast -crf 20 -pix_fmt yuv420p -r 30 -g 60 \
		-map_metadata -1 -fflags +bitexact -flags:v +bitexact -movflags +faststart \
		"$WORK/base-$k.mp4"
	echo "$frames" >"$WORK/base-$k.frames"
done
steps_json=""
for ((i = 1; i <= STEPS; i++)); do
	k=$((i % 4))
	cp "$WORK/base-$k.mp4" "$WORK/o/clip/s$i.mp4"
	# the meta stepcap writes beside a clip: mux takes its size and codec
	# parameters from here rather than probing the clip
	printf '{"fps":30,"frames":%d,"narration_start_frame":15,"width":%d,"height":%d,%s}\n' \
		"$(cat "$WORK/base-$k.frames")" "${SIZE%x*}" "${SIZE#*x}" \
		'"video_codec":"libx264","video_crf":20,"video_preset":"veryfast"' \
		>"$WORK/o/clip/s$i.json"
	text="Step $i. Here we open the page, look at what it shows, and explain each part of it in turn, slowly, so that nobody watching is left behind."
	espeak-ng -w "$WORK/o/wav/s$i.wav" "$text"
	steps_json="$steps_json${steps_json:+,}{\"id\":\"s$i\",\"title\":\"Step $i\",\"narration\":\"$text\"}"
done
printf '{"spec_dir":"%s","meta":{"title":"Bench"},"output":{"loudnorm":true,"audio_bitrate":"192k"},"steps":[%s]}\n' \
	"$WORK" "$steps_json" >"$WORK/mux.json"
length=$(jq -s 'map(.frames) | add / 30' "$WORK"/o/clip/*.json)

# ours
t0=$(now)
out/bin/mux -d "$WORK/o" -o "$WORK/o/tour.mp4" "$WORK/mux.json"
t1=$(now)
ours=$(calc "$t1 - $t0")

# the older tool's way
x264=(-c:v libx264 -preset "$PRESET" -crf 20 -pix_fmt yuv420p)
t0=$(now)
: >"$WORK/seed/list.txt"
for ((i = 1; i <= STEPS; i++)); do
	ffmpeg -v error -y -i "$WORK/o/clip/s$i.mp4" "${x264[@]}" -an "$WORK/seed/t$i.mp4"
	ffmpeg -v error -y -i "$WORK/seed/t$i.mp4" -i "$WORK/o/wav/s$i.wav" \
		-filter_complex "[1:a]adelay=500:all=1,apad[a]" -map 0:v -map "[a]" \
		"${x264[@]}" -c:a aac -b:a 192k -ar 48000 -shortest "$WORK/seed/m$i.mp4"
	echo "file 'm$i.mp4'" >>"$WORK/seed/list.txt"
done
ffmpeg -v error -y -f concat -safe 0 -i "$WORK/seed/list.txt" "${x264[@]}" \
	-af loudnorm=I=-16:TP=-1.5:LRA=11 -ar 48000 -c:a aac -b:a 192k \
	-movflags +faststart "$WORK/seed/tour.mp4"
t1=$(now)
seed=$(calc "$t1 - $t0")

printf 'bench: final assembly, %d steps, %.0f s of %s video at 30 fps\n' "$STEPS" "$length" "$SIZE"
printf '  %-34s %8.2f s   ratio %.4f\n' "re-encode everything ($PRESET)" "$seed" 1
printf '  %-34s %8.2f s   ratio %.4f (%.1fx faster)\n' "mux (stream copy, 2-pass loudnorm)" \
	"$ours" "$(calc "$ours / $seed")" "$(calc "$seed / $ours")"
