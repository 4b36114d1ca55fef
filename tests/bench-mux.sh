#!/bin/bash
# bench-mux.sh - the final assembly alone: mux on 20 and on 80 steps of
# 15 s (720p, loudnorm on), the time each step adds, beside ffmpeg joining
# the same clips by stream copy and nothing else (the floor: the bytes
# copied), doing so with the finished tour's AAC copied beside them (the
# floor of an edit, which copies its audio too), and while one ffmpeg run
# encodes the finished audio track (the floor of a first assembly); mux
# first with nothing encoded before, then after one step's narration
# changed (mux encodes again only the audio segments the edit changed),
# and after that step grew longer too (which moves every later step
# against the AAC frame grid); and mux's peak memory on a 30-minute tour.
# Every ratio is against a figure measured in this same run.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
WORK=$ROOT/out/bench-mux
rm -rf "$WORK"
mkdir -p "$WORK"
make --no-print-directory -s tools >/dev/null

now() { date +%s.%N; }
calc() { awk "BEGIN { print $1 }"; }

# Four base clips around 15 s, encoded as stepcap encodes by default, with
# meta files like stepcap's, reused in turn.
for k in 0 1 2 3; do
	frames=$((420 + k * 20))
	ffmpeg -v error -f lavfi -i "testsrc=s=1280x720:r=30" -frames:v "$frames" \
		-c:v libx264 -preset veryfast -crf 20 -pix_fmt yuv420p -r 30 -g 60 \
		-map_metadata -1 -fflags +bitexact -flags:v +bitexact -movflags +faststart \
		"$WORK/base-$k.mp4"
	jq -n --argjson frames "$frames" '{fps: 30, frames: $frames,
		narration_start_frame: 15, width: 1280, height: 720,
		video_codec: "libx264", video_crf: 20, video_preset: "veryfast"}' \
		>"$WORK/base-$k.json"
done
# A narration of its own for every step: segments alike in two steps
# would be encoded once, which no real tour gives.
for ((i = 1; i <= 120; i++)); do
	espeak-ng -w "$WORK/n$i.wav" "Step $i. Here we open the page, look at what it \
shows, and explain each part of it in turn, slowly, so nobody is left behind."
done

# tour N: a build folder of N steps, its mux.json and an ffconcat list
tour() {
	local dir=$WORK/t$1 i k steps=""
	mkdir -p "$dir/clip" "$dir/wav"
	printf 'ffconcat version 1.0\n' >"$dir/list.txt"
	for ((i = 1; i <= $1; i++)); do
		k=$((i % 4))
		ln "$WORK/base-$k.mp4" "$dir/clip/s$i.mp4"
		cp "$WORK/base-$k.json" "$dir/clip/s$i.json"
		ln "$WORK/n$i.wav" "$dir/wav/s$i.wav"
		printf "file 'clip/s%d.mp4'\n" "$i" >>"$dir/list.txt"
		steps="$steps${steps:+,}{\"id\":\"s$i\",\"narration\":\"Step $i. Some words.\"}"
	done
	printf '{"spec_dir":"%s","meta":{"title":"Bench"},"output":{"loudnorm":true},"steps":[%s]}\n' \
		"$WORK" "$steps" >"$dir/mux.json"
}

# timed CMD...: wall seconds
timed() {
	local t0 t1
	t0=$(now)
	"$@"
	t1=$(now)
	calc "$t1 - $t0"
}

copy_only() {
	ffmpeg -v error -y -f concat -safe 0 -i "$WORK/t$1/list.txt" -c copy \
		-movflags +faststart "$WORK/t$1/copy.mp4"
}

# The same with the finished tour's own AAC copied beside the video, as mux
# copies its segments after an edit: the floor of any assembly that writes
# both streams (an audio stream beside the video costs ffmpeg more than
# its bytes: a thread and a queue per input, and the interleaving).
copy_both() {
	ffmpeg -v error -y -f concat -safe 0 -i "$WORK/t$1/list.txt" -f aac -i "$WORK/t$1/track.aac" \
		-map 0:v -map 1:a -c copy -movflags +faststart "$WORK/t$1/both.mp4"
}

# The same, with the finished audio track encoded as mux's one ffmpeg run
# encodes it: what is left above that is mux's own work on the audio.
copy_and_encode() {
	ffmpeg -v error -y -f concat -safe 0 -i "$WORK/t$1/list.txt" -i "$WORK/t$1/track.wav" \
		-map 0:v -map 1:a -c:v copy -c:a aac -b:a 192k -aac_coder fast \
		-movflags +faststart "$WORK/t$1/encoded.mp4"
}

tour 20
tour 80
tour 120
mux20=$(timed out/bin/mux -d "$WORK/t20" -o "$WORK/t20/tour.mp4" "$WORK/t20/mux.json")
mux80=$(timed out/bin/mux -d "$WORK/t80" -o "$WORK/t80/tour.mp4" "$WORK/t80/mux.json")
# one step's narration in the middle of the tour, said otherwise
espeak-ng -w "$WORK/edited.wav" "Step ten, said otherwise: here we open the page, and \
explain each part of what it shows."
for n in 20 80; do
	rm "$WORK/t$n/wav/s10.wav" && cp "$WORK/edited.wav" "$WORK/t$n/wav/s10.wav"
done
edit20=$(timed out/bin/mux -d "$WORK/t20" -o "$WORK/t20/tour.mp4" "$WORK/t20/mux.json")
edit80=$(timed out/bin/mux -d "$WORK/t80" -o "$WORK/t80/tour.mp4" "$WORK/t80/mux.json")
# then the same step 20 frames longer, as a longer narration makes it:
# every step after it moves against the AAC frame grid
for n in 20 80; do
	rm "$WORK/t$n/clip/s10.mp4" "$WORK/t$n/clip/s10.json"
	ln "$WORK/base-3.mp4" "$WORK/t$n/clip/s10.mp4"
	cp "$WORK/base-3.json" "$WORK/t$n/clip/s10.json"
done
moved20=$(timed out/bin/mux -d "$WORK/t20" -o "$WORK/t20/tour.mp4" "$WORK/t20/mux.json")
moved80=$(timed out/bin/mux -d "$WORK/t80" -o "$WORK/t80/tour.mp4" "$WORK/t80/mux.json")
copy20=$(timed copy_only 20)
copy80=$(timed copy_only 80)
for n in 20 80; do
	ffmpeg -v error -i "$WORK/t$n/tour.mp4" -map 0:a -c:a pcm_s16le "$WORK/t$n/track.wav"
	ffmpeg -v error -i "$WORK/t$n/tour.mp4" -map 0:a -c:a copy -f adts "$WORK/t$n/track.aac"
done
both20=$(timed copy_both 20)
both80=$(timed copy_both 80)
encode20=$(timed copy_and_encode 20)
encode80=$(timed copy_and_encode 80)
per_mux=$(calc "($mux80 - $mux20) / 60")
per_edit=$(calc "($edit80 - $edit20) / 60")
per_moved=$(calc "($moved80 - $moved20) / 60")
per_copy=$(calc "($copy80 - $copy20) / 60")
per_encode=$(calc "($encode80 - $encode20) / 60")
per_both=$(calc "($both80 - $both20) / 60")
/usr/bin/time -f %M -o "$WORK/rss" \
	out/bin/mux -d "$WORK/t120" -o "$WORK/t120/tour.mp4" "$WORK/t120/mux.json"
length=$(ffprobe -v error -show_entries format=duration -of csv=p=0 "$WORK/t120/tour.mp4")

printf 'bench: mux alone, 15 s steps at 1280x720, loudnorm on\n'
printf '  %-30s %8.2f s\n' "mux, 20 steps" "$mux20"
printf '  %-30s %8.2f s\n' "mux, 80 steps" "$mux80"
printf '  %-30s %8.2f s\n' "mux after an edit, 20 steps" "$edit20"
printf '  %-30s %8.2f s\n' "mux after an edit, 80 steps" "$edit80"
printf '  %-30s %8.2f s\n' "... its step longer, 20 steps" "$moved20"
printf '  %-30s %8.2f s\n' "... its step longer, 80 steps" "$moved80"
printf '  %-30s %8.4f s   ratio %.4f\n' "stream copy, per step added" "$per_copy" 1
printf '  %-30s %8.4f s   ratio %.4f\n' "+ its AAC copied, per step" "$per_both" \
	"$(calc "$per_both / $per_copy")"
printf '  %-30s %8.4f s   ratio %.4f\n' "+ audio encode (1 run), per step" "$per_encode" \
	"$(calc "$per_encode / $per_copy")"
printf '  %-30s %8.4f s   ratio %.4f\n' "mux, per step added" "$per_mux" \
	"$(calc "$per_mux / $per_copy")"
printf '  %-30s %8.4f s   ratio %.4f   (%.2f of copying both streams)\n' \
	"mux after an edit, per step" "$per_edit" "$(calc "$per_edit / $per_copy")" \
	"$(calc "$per_edit / $per_both")"
printf '  %-30s %8.4f s   ratio %.4f\n' "... its step longer, per step" "$per_moved" \
	"$(calc "$per_moved / $per_copy")"
printf '  %-30s %8.1f MB  (120 steps, %.0f s of video)\n' "mux peak memory" \
	"$(calc "$(cat "$WORK/rss") / 1024")" "$length"
