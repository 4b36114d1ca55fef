# capture-lib.sh - sourced by the capture tests (after test-lib.sh): write
# capture fragments, read pixels and frame counts out of clips.

PAGES=$ROOT/tests/fixtures/pages
# browser profiles land here, so leftovers can be seen
mkdir -p "$TMP/tmpdir"
TMPDIR=$TMP/tmpdir
export TMPDIR

have_browser() {
	command -v "${CHROMIUM:-chromium-headless-shell}" >/dev/null
}

# frag ID URL ACTIONS [EXTRA]: a capture fragment like spec2req's, 320x240
# at 30 fps, no lead-in, half a second of tail; EXTRA members come first,
# so they win over the defaults.
frag() {
	cat >"$1.json" <<EOT
{${4:+$4,} "id": "$1", "url": "$2", "fps": 30,
 "viewport": {"width": 320, "height": 240}, "video_size": {"width": 320, "height": 240},
 "lead_in": 0, "tail": 0.5, "timeout": 5, "max_retries": 0, "mode": "independent",
 "actions": $3}
EOT
}

# frames CLIP: frames the video really holds
frames() {
	ffprobe -v error -count_frames -select_streams v:0 \
		-show_entries stream=nb_read_frames -of csv=p=0 "$1"
}

# rgb CLIP FRAME X Y: mean colour "R G B" of the 6x6 patch at (X, Y) in
# frame number FRAME (0 is the first; -1 the last)
rgb() {
	local n=$2
	[ "$n" -ge 0 ] || n=$(($(frames "$1") + n))
	ffmpeg -v error -i "$1" -vf "select=eq(n\,$n),crop=6:6:$3:$4,scale=1:1:flags=area" \
		-frames:v 1 -f rawvideo -pix_fmt rgb24 - |
	od -An -tu1 | awk '{ print $1, $2, $3 }'
}

# is COLOUR "R G B": with room for H.264 losses
is() {
	echo "$2" | awk -v want="$1" '{
		ok = 0
		if (want == "red") ok = $1 > 180 && $2 < 80 && $3 < 80
		if (want == "green") ok = $2 > 180 && $1 < 80 && $3 < 80
		if (want == "blue") ok = $3 > 180 && $1 < 80 && $2 < 80
		if (want == "white") ok = $1 > 220 && $2 > 220 && $3 > 220
		if (want == "black") ok = $1 < 50 && $2 < 50 && $3 < 50
		if (want == "dark") ok = $1 + $2 + $3 < 300
		if (!ok) { print "want " want ", got " $0 > "/dev/stderr"; exit 1 }
	}'
}

# patch CLIP FRAME X Y W H: raw pixels of a region of one frame
patch() {
	local n=$2
	[ "$n" -ge 0 ] || n=$(($(frames "$1") + n))
	ffmpeg -v error -i "$1" -vf "select=eq(n\,$n),crop=$5:$6:$3:$4" \
		-frames:v 1 -f rawvideo -pix_fmt rgb24 -
}

# looks_same A B: two patches alike but for coding losses, no byte apart by
# more than 8: a held picture is refined by the pictures sent again after it
looks_same() {
	test "$(wc -c <"$1")" = "$(wc -c <"$2")" &&
	od -An -v -tu1 -w1 "$1" >"$1.bytes" && od -An -v -tu1 -w1 "$2" >"$2.bytes" &&
	paste "$1.bytes" "$2.bytes" |
	awk '{ d = $1 - $2; if (d > 8 || d < -8) bad++ } END { exit bad > 0 }'
}

# meta FILE KEY: a number from a clip's meta file
meta() {
	jq -r ".$2" "$1"
}

# framesums CLIP: per-frame checksums, without the header
framesums() {
	ffmpeg -v error -i "$1" -f framemd5 - | grep -v '^#'
}

# caret_states CLIP: one character per frame, # where the caret shows, for
# a 1 px caret just after two characters of a 20 px monospace field at
# (10, 20): what t0340 and t0350 type
caret_states() {
	ffmpeg -v error -i "$1" -vf "format=gray,crop=3:14:36:27" -f rawvideo - |
	od -An -v -tu1 -w42 |
	awk '{ m = 255; for (i = 1; i <= NF; i++) if ($i < m) m = $i; printf (m < 128 ? "#" : ".") }'
}
