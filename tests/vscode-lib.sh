# vscode-lib.sh - sourced by the tests that record in a real code-server
# (after test-lib.sh and capture-lib.sh): is it installed, a free port, and
# what VS Code's status bar says in a frame.

CODE_SERVER=$ROOT/out/code-server/node_modules/.bin/code-server

# need_vscode WHAT: skip the script's tests when code-server (make
# deps-vscode), tesseract or the browser is missing; in CI that is a failure.
need_vscode() {
	local missing=""
	[ -x "$CODE_SERVER" ] || missing="code-server (make deps-vscode)"
	command -v tesseract >/dev/null || missing="$missing tesseract (make deps-vscode)"
	have_browser || missing="$missing chromium-headless-shell (make deps)"
	[ -n "$missing" ] || return 0
	if [ "${CI:-}" = true ]; then
		test_expect_success "$1" "echo 'missing: $missing' >&2; false"
	else
		test_skip "$1" "missing: $missing"
	fi
	test_done
	exit
}

# need_free_port PORT: the seed tutorials open 127.0.0.1:8080 as written;
# when something else listens there, skip (in CI: fail) the script.
need_free_port() {
	listening "$1" || return 0
	if [ "${CI:-}" = true ]; then
		test_expect_success "port $1 is free for the seed tutorial" "false"
	else
		test_skip "a seed tutorial on 127.0.0.1:$1" "something already listens there"
	fi
	test_done
	exit
}

# free_port: a TCP port nothing listens on now
free_port() {
	python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# listening PORT: whether something accepts connections on 127.0.0.1:PORT
listening() {
	(exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# status_bar CLIP FRAME: the right half of VS Code's status bar in that
# frame (-1: the last; the bar is 22 pixels high), read by OCR: "Ln 5, Col 1  Spaces: 4  UTF-8 ..."
status_bar() {
	local n=$2
	[ "$n" -ge 0 ] || n=$(($(frames "$1") + n))
	ffmpeg -v error -y -i "$1" -vf "select=eq(n\,$n),crop=iw/2:22:iw/2:ih-22,scale=iw*4:ih*4:flags=bicubic,negate" \
		-frames:v 1 "$TMP/status.png" &&
	tesseract "$TMP/status.png" - 2>/dev/null | head -n 1
}

# caret_line CLIP FRAME: the caret's line number, as the status bar shows it
caret_line() {
	status_bar "$1" "$2" | sed -n 's/.*Ln *\([0-9][0-9]*\).*/\1/p'
}

# ocr CLIP FRAME X Y W H: the text in a region of one frame, light on dark
ocr() {
	local n=$2
	[ "$n" -ge 0 ] || n=$(($(frames "$1") + n))
	ffmpeg -v error -y -i "$1" -vf "select=eq(n\,$n),crop=$5:$6:$3:$4,scale=iw*3:ih*3:flags=bicubic,negate" \
		-frames:v 1 "$TMP/ocr.png" &&
	tesseract "$TMP/ocr.png" - 2>/dev/null
}
