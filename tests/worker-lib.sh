# worker-lib.sh - sourced by the Colab tests after test-lib.sh: a real worker
# (colab/jobworker.py, espeak engine) on a jobs folder, in the background.
# Every process started is listed in $TMP/pids and killed when the script ends.

: >"$TMP/pids"
test_at_end 'kill $(cat "$TMP/pids") 2>/dev/null || :'

# start_worker JOBS [ARGS]: a worker watching JOBS, looking every 0.2 s
start_worker() {
	local jobs=$1
	shift
	python3 "$ROOT/colab/jobworker.py" --jobs "$jobs" --poll 0.2 "$@" 2>>"$TMP/worker.log" &
	echo $! >"$TMP/worker.pid"
	echo $! >>"$TMP/pids"
}

# stop_worker: end the last worker started and wait until it is gone
stop_worker() {
	local pid
	pid=$(cat "$TMP/worker.pid") && kill "$pid" &&
		while kill -0 "$pid" 2>/dev/null; do sleep 0.1; done
}
