# test-lib.sh - sourced by every tests/tNNNN-*.sh end-to-end script.
# Prints TAP ("ok 3 - what", "not ok 4 - what") and, last, a plan line.
# Each script runs in a fresh temporary folder ($TMP, also the cwd), with
# LC_ALL=C TZ=UTC; $ROOT is the project, $BIN its tool binaries.
# Set TEST_VERBOSE=1 to see each test's output.

set -u
export LC_ALL=C TZ=UTC
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BIN=$ROOT/out/bin
export ROOT BIN
TMP=$(mktemp -d "${TMPDIR:-/tmp}/tour-test.XXXXXX")
trap 'test_cleanup' EXIT
cd "$TMP" || exit 4

test_count=0
test_failed=0
test_cleanup_cmds=""

test_cleanup() {
	eval "$test_cleanup_cmds"
	cd / && rm -rf "$TMP"
}

# Run CMD when the script ends (servers, workers).
test_at_end() {
	test_cleanup_cmds="$test_cleanup_cmds
$1"
}

# test_expect_success "what it proves" 'shell commands'
test_expect_success() {
	test_count=$((test_count + 1))
	local log="$TMP/.test-$test_count.log"
	if (set -e; eval "$2") >"$log" 2>&1; then
		echo "ok $test_count - $1"
	else
		echo "not ok $test_count - $1"
		test_failed=$((test_failed + 1))
		sed 's/^/#   /' "$log" | tail -n 40
	fi
	[ "${TEST_VERBOSE:-0}" = 0 ] || sed 's/^/#   /' "$log"
}

# test_expect_failure "what" 'shell commands': a known breakage, as in git's
# test-lib: TAP "not ok N - what # TODO known breakage", which tests/run.sh
# reports without counting it as failed. Once the commands pass it says so
# ("ok N - what # TODO fixed"): turn it into test_expect_success then.
test_expect_failure() {
	test_count=$((test_count + 1))
	local log="$TMP/.test-$test_count.log"
	if (set -e; eval "$2") >"$log" 2>&1; then
		echo "ok $test_count - $1 # TODO fixed"
	else
		echo "not ok $test_count - $1 # TODO known breakage"
	fi
	[ "${TEST_VERBOSE:-0}" = 0 ] || sed 's/^/#   /' "$log"
}

# test_skip "what" "why": for tests that need what this machine lacks.
test_skip() {
	test_count=$((test_count + 1))
	echo "ok $test_count - $1 # SKIP $2"
}

# test_must_fail CODE cmd...: cmd must exit with exactly CODE.
test_must_fail() {
	local want=$1 got=0
	shift
	"$@" || got=$?
	if [ "$got" != "$want" ]; then
		echo "expected exit $want, got $got from: $*" >&2
		return 1
	fi
}

# test_cmp EXPECTED ACTUAL: files must be equal; shows the diff when not.
test_cmp() {
	diff -u "$1" "$2"
}

# test_grep PATTERN FILE: like grep -q, but shows the file when it fails.
test_grep() {
	if ! grep -q -e "$1" "$2"; then
		echo "no match for '$1' in $2:" >&2
		sed 's/^/| /' "$2" >&2
		return 1
	fi
}

test_done() {
	echo "1..$test_count"
	[ "$test_failed" = 0 ]
}
