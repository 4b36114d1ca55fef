#!/bin/sh
# run.sh SECONDS FUZZER... - run each libFuzzer target for SECONDS from its
# seeds in tests/fuzz/corpus/NAME, new inputs kept in out/fuzz/corpus/NAME.
# One line per target (runs, corpus size, CPU seconds); a crash stops it
# with the input saved as out/fuzz/NAME-crash-* and exit 1.
set -u
seconds=$1
shift
status=0
for bin in "$@"; do
	name=${bin##*/fuzz_}
	mkdir -p "out/fuzz/corpus/$name"
	log=out/fuzz/$name.log
	start=$(awk '{ print $14 + $15 + $16 + $17 }' /proc/$$/stat)
	if "$bin" -max_total_time="$seconds" -timeout=10 -print_final_stats=1 \
		-artifact_prefix="out/fuzz/$name-" "out/fuzz/corpus/$name" \
		"tests/fuzz/corpus/$name" >"$log" 2>&1; then
		result=ok
	else
		result=FAILED
		status=1
	fi
	end=$(awk '{ print $14 + $15 + $16 + $17 }' /proc/$$/stat)
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
	cpu=$(( (end - start) / $(getconf CLK_TCK) ))
	printf '  %-10s %s: %s runs, corpus %s, %s CPU s\n' "$name" "$result" "${runs:-?}" \
		"$(ls "out/fuzz/corpus/$name" | wc -l)" "$cpu"
	[ "$result" = ok ] || grep -E "^(==|SUMMARY|.*runtime error)" "$log" | head -n 20 | sed 's/^/    /'
done
exit $status
