#!/bin/bash
# bench-build.sh - build speed of a generated 20-step tour on the local backend,
# loudness normalised and at a crf other than the default, built with a cold
# cache: the full build, a no-op rebuild, one narration edit, one action edit;
# and the same tour recorded as one continuous page, built and then rebuilt
# after one narration edit.
# Every figure comes from this one run and is printed as a ratio against the
# full build measured here too, never against a number from elsewhere.
# JOBS (default 1: a sequential make) sets make -j.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
JOBS=${JOBS:-1}
WORK=$ROOT/out/bench
rm -rf "$WORK"
mkdir -p "$WORK"
cp -r specs/demo "$WORK/site"

# 20 steps cycling over the demo's pages, each with its own narration so
# that no two share a cache entry.
jq --argjson n 20 '
	.steps as $s
	| .steps = [range($n) as $i | $s[$i % ($s | length)]
		| .id = "step-\($i + 1)"
		| .url = (.url | sub("^demo/"; "site/"))
		| .narration = "Part \($i + 1). " + .narration]
	| .meta.max_duration_seconds = 3600
	| .output.loudnorm = true | .output.video_crf = 23' specs/demo.json >"$WORK/tour.json"

now() { date +%s.%N; }
build() {
	make --no-print-directory -j"$JOBS" SPEC="$WORK/tour.json" OUT="$WORK/out" \
		CACHE="$WORK/cache" >>"$WORK/make.log" 2>&1
}
calc() { awk "BEGIN { print $1 }"; }
elapsed() { calc "$2 - $1"; }

make --no-print-directory -s tools >/dev/null
t0=$(now); build; t1=$(now)
full=$(elapsed "$t0" "$t1")

t0=$(now); build; t1=$(now)
noop=$(elapsed "$t0" "$t1")

jq '.steps[7].narration = "This one sentence was edited, and only its step is rebuilt."' \
	"$WORK/tour.json" >"$WORK/tour.new" && mv "$WORK/tour.new" "$WORK/tour.json"
t0=$(now); build; t1=$(now)
edit=$(elapsed "$t0" "$t1")

jq '.steps[11].actions += [{"type": "pause", "duration": 0.5}]' \
	"$WORK/tour.json" >"$WORK/tour.new" && mv "$WORK/tour.new" "$WORK/tour.json"
t0=$(now); build; t1=$(now)
action=$(elapsed "$t0" "$t1")

length=$(ffprobe -v error -show_entries format=duration -of csv=p=0 "$WORK/out/tour.mp4")

# The same tour recorded as one continuous page, with a cache of its own:
# a narration edit where the page ends still holds that clip's ending
# longer (stepcap -k) rather than recording the tour again.
jq '.settings.mode = "continuous"' "$WORK/tour.json" >"$WORK/continuous.json"
continuous() {
	make --no-print-directory -j"$JOBS" SPEC="$WORK/continuous.json" OUT="$WORK/cout" \
		CACHE="$WORK/ccache" >>"$WORK/continuous.log" 2>&1
}
t0=$(now); continuous; t1=$(now)
cfull=$(elapsed "$t0" "$t1")
jq '.steps[7].narration += " Said again, at greater length, while the page stays as it is."' \
	"$WORK/continuous.json" >"$WORK/tour.new" && mv "$WORK/tour.new" "$WORK/continuous.json"
: >"$WORK/continuous.log"
t0=$(now); continuous; t1=$(now)
cedit=$(elapsed "$t0" "$t1")
grep -q "^  KEEP " "$WORK/continuous.log" && how=held || how=recorded

printf 'bench: generated 20-step tour (%.0f s of video), local backend, loudnorm, crf 23, make -j%s\n' "$length" "$JOBS"
printf '  %-24s %8.2f s   ratio %.4f\n' "full build" "$full" 1
printf '  %-24s %8.2f s   ratio %.4f\n' "no-op rebuild" "$noop" "$(calc "$noop / $full")"
printf '  %-24s %8.2f s   ratio %.4f\n' "one-narration edit" "$edit" "$(calc "$edit / $full")"
printf '  %-24s %8.2f s   ratio %.4f\n' "one-action edit" "$action" "$(calc "$action / $full")"
printf '  the same tour, continuous (its own ratios):\n'
printf '  %-24s %8.2f s   ratio %.4f\n' "full build" "$cfull" 1
printf '  %-24s %8.2f s   ratio %.4f   (%s)\n' "one-narration edit" "$cedit" \
	"$(calc "$cedit / $cfull")" "$how"
