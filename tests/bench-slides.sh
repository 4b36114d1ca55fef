#!/bin/bash
# bench-slides.sh - slides segments: the time to draw one slide (slidepic,
# a browser per slide) and the speed of a slides clip (slidecap: video
# seconds made per wall-clock second) at 1280x720 and 1920x1080, beside
# ffmpeg alone encoding as many frames of one slide with the same
# parameters, the floor slidecap cannot beat. Every figure is printed
# beside its ratio to the 1280x720 clip measured in this same run.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
WORK=$ROOT/out/bench-slides
rm -rf "$WORK"
mkdir -p "$WORK"
make --no-print-directory -s tools >/dev/null

ffmpeg -v error -f lavfi -i anullsrc=r=24000:cl=mono -t 20 "$WORK/narration.wav"

now() { date +%s.%N; }
calc() { awk "BEGIN { print $1 }"; }

# deck W H: four slides drawn at W x H; prints the mean seconds per slide
deck() {
	local t0 t1 i
	t0=$(now)
	for i in 1 2 3 4; do
		jq -n --argjson w "$1" --argjson h "$2" --arg t "Slide $i" '
			{theme: "dark", video_size: {width: $w, height: $h},
			 slide: {type: "content", title: $t, bullet_points:
			   ["Compare neighbours", "Swap them when out of order",
			    "Repeat until a pass makes no swap"]}}' >"$WORK/s$1-$i.json"
		out/bin/slidepic -o "$WORK/s$1-$i.png" "$WORK/s$1-$i.json"
	done
	t1=$(now)
	calc "($t1 - $t0) / 4"
}

# clip W H: a 20 s segment showing the four slides; prints "video_s wall_s"
clip() {
	local t0 t1
	jq -n --argjson w "$1" --argjson h "$2" --arg d "$WORK" '
		{id: "s", fps: 30, video_size: {width: $w, height: $h}, lead_in: 0.5,
		 tail: 1.0, advance_interval: 5000, background: "#1f1f1f",
		 images: [range(1; 5) | "\($d)/s\($w)-\(.).png"]}' >"$WORK/clip$1.json"
	t0=$(now)
	out/bin/slidecap -w "$WORK/narration.wav" -m "$WORK/clip$1.meta" -o "$WORK/clip$1.mp4" \
		"$WORK/clip$1.json"
	t1=$(now)
	echo "$(jq '.frames / .fps' "$WORK/clip$1.meta") $(calc "$t1 - $t0")"
}

printf 'bench: slides (draw: seconds per slide; clip: video s per wall s)\n'
base=
for size in "1280 720" "1920 1080"; do
	set -- $size
	draw=$(deck "$1" "$2")
	read -r video wall <<<"$(clip "$1" "$2")"
	speed=$(calc "$video / $wall")
	[ -n "$base" ] || base=$speed
	printf '  draw-%-5s %5.2f s per slide\n' "$2" "$draw"
	printf '  clip-%-5s %6.2f video s per wall s (%4.1f s in %5.2f s)  ratio %.4f\n' \
		"$2" "$speed" "$video" "$wall" "$(calc "$speed / $base")"
	# the floor: one slide's picture, as many frames, through the encoder alone
	count=$(jq .frames "$WORK/clip$1.meta")
	t0=$(now)
	for _ in $(seq "$count"); do cat "$WORK/s$1-1.png"; done |
		ffmpeg -v error -f image2pipe -c:v png -framerate 30 -i - -an -c:v libx264 \
			-preset veryfast -crf 20 -pix_fmt yuv420p -r 30 -g 60 -f mp4 -y "$WORK/still$2.mp4"
	t1=$(now)
	wall=$(calc "$t1 - $t0")
	fspeed=$(calc "$count / 30 / $wall")
	printf '  ffmpeg-%-4s %6.2f video s per wall s (%4.1f s in %5.2f s)  ratio %.4f\n' \
		"$2" "$fspeed" "$(calc "$count / 30")" "$wall" "$(calc "$fspeed / $base")"
done
