#!/bin/sh
# The fuzz targets (tests/fuzz/), a few seconds each from their seeds, so
# that a parser change that crashes on a known input shows in `make test`.
# `make fuzz` runs them for longer. Skipped where clang has no libFuzzer.
. "$(dirname "$0")/test-lib.sh"

SECONDS_EACH=${FUZZ_TEST_SECONDS:-3}

echo 'int LLVMFuzzerTestOneInput(const char *d, unsigned long n) { return 0; }' >probe.c
if ! clang -fsanitize=fuzzer,address,undefined -o probe probe.c >/dev/null 2>&1; then
	test_skip "fuzz targets" "clang with libFuzzer is not installed (make fuzz-deps)"
	test_done
	exit
fi

test_expect_success 'the fuzz targets build' '
	make -C "$ROOT" --no-print-directory fuzz-build >build.log 2>&1 || { cat build.log; false; }
'

for src in "$ROOT"/tests/fuzz/fuzz_*.c; do
	name=${src##*/fuzz_}
	name=${name%.c}
	test_expect_success "fuzz $name: ${SECONDS_EACH} s from its seeds, no crash" "
		mkdir -p corpus-$name &&
		\"\$ROOT/out/fuzz/fuzz_$name\" -max_total_time=$SECONDS_EACH -timeout=10 \\
			-artifact_prefix=\"\$TMP/$name-\" corpus-$name \"\$ROOT/tests/fuzz/corpus/$name\" \\
			>$name.log 2>&1 || { grep -E '^(==|SUMMARY)|runtime error' $name.log; false; }
	"
done

test_done
