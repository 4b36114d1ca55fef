#!/bin/bash
# bench-colab.sh - the Colab protocol's own overhead: the wall time from
# dispatch (request.json written into the jobs folder) to the last WAV in
# $(OUT)/wav/, minus the worker's synthesis time, on a local jobs folder
# with a real worker (espeak engine). Printed beside the seed's fixed wait
# (10 s for Drive to sync, then a 5 s poll interval) as ratios against it.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
WORK=$ROOT/out/bench-colab
SEED_WAIT=15
RUNS=${RUNS:-3}
rm -rf "$WORK"
mkdir -p "$WORK/jobs"
cp -r specs/demo specs/demo.json "$WORK/"
make --no-print-directory -s tools >/dev/null

worker=
stop_worker() { [ -z "$worker" ] || { kill "$worker" 2>/dev/null; wait "$worker" 2>/dev/null || :; }; worker=; }
trap stop_worker EXIT
calc() { awk "BEGIN { print $1 }"; }

# overhead POLL EDIT: one cold build of the demo's narration (EDIT=0) or a
# one-narration edit (EDIT=1); prints "overhead synthesis" in seconds
overhead() {
	local out=$WORK/out cache=$WORK/cache job sent last synth
	if [ "$2" = 0 ]; then
		rm -rf "$out" "$cache"
	else
		jq ".steps[3].narration = \"Edited at $(date +%s.%N).\"" "$WORK/demo.json" >"$WORK/edit.json"
		mv "$WORK/edit.json" "$WORK/demo.json"
	fi
	make --no-print-directory SPEC="$WORK/demo.json" OUT="$out" CACHE="$cache" \
		BACKEND=colab DRIVE="$WORK/jobs" tts >>"$WORK/make.log" 2>&1
	job=$WORK/jobs/$(ls -t "$WORK/jobs" | head -n 1)
	sent=$(stat -c %.9Y "$job/request.json")
	last=$(for id in $(jq -r ".steps[].id" "$job/request.json"); do stat -c %.9Y "$out/wav/$id.wav"; done | sort -n | tail -n 1)
	synth=$(jq .synthesis_seconds "$job/done.marker")
	echo "$(calc "$last - $sent - $synth") $synth"
}

# median of the first column of stdin
median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

printf 'bench: Colab round trip on a local jobs folder, demo tour (7 steps), espeak worker, median of %s\n' "$RUNS"
printf '  %-40s %8.2f s   ratio %.4f\n' "seed: fixed sync wait + poll interval" "$SEED_WAIT" 1
for poll in 2 0.2; do
	python3 colab/jobworker.py --jobs "$WORK/jobs" --poll "$poll" 2>>"$WORK/worker.log" &
	worker=$!
	for edit in 0 1; do
		for run in $(seq "$RUNS"); do overhead "$poll" "$edit"; done >"$WORK/runs"
		o=$(median <"$WORK/runs")
		s=$(awk '{ print $2 }' "$WORK/runs" | median)
		what=$([ "$edit" = 0 ] && echo "7 steps" || echo "1 edited step")
		printf '  %-40s %8.2f s   ratio %.4f   (synthesis %.2f s not counted)\n' \
			"ours, $what, worker poll ${poll} s" "$o" "$(calc "$o / $SEED_WAIT")" "$s"
	done
	stop_worker
done
