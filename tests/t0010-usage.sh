#!/bin/bash
# Conventions every tool keeps: -h prints usage to stdout and exits 0; an
# unknown option prints usage to stderr and exits 2, writing nothing.
. "$(dirname "$0")/test-lib.sh"

# Every program in tools/, so a new one is held to them from its first day.
for tool in $(cd "$ROOT/tools" && ls *.c | sed 's/\.c$//'); do
	test_expect_success "$tool -h: usage on stdout, exit 0" "
		\"\$BIN/$tool\" -h >out 2>err &&
		test_grep '^usage: $tool ' out && test ! -s err
	"
	test_expect_success "$tool with an unknown option: usage on stderr, exit 2" "
		test_must_fail 2 \"\$BIN/$tool\" -Z >out 2>err &&
		test_grep 'usage: $tool ' err && test ! -s out &&
		test -z \"\$(ls)\" || test \"\$(ls)\" = \"\$(printf 'err\nout')\"
	"
done

test_expect_success 'deps check passes on a machine set up by make deps' '
	"$ROOT/mk/deps.sh" check jq ffmpeg
'

test_expect_success 'deps check names what is missing and how to get it' '
	test_must_fail 2 "$ROOT/mk/deps.sh" check jq no-such-package-xyz 2>err &&
	test_grep "missing Debian packages: no-such-package-xyz" err &&
	test_grep "make deps" err
'

test_done
