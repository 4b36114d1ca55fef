# audio-lib.sh - sourced by the assembly tests (after test-lib.sh): the
# loudness and true peak of a file's audio, by ffmpeg's EBU R128 meter.

# lufs FILE: integrated loudness, LUFS
lufs() {
	ffmpeg -nostats -i "$1" -map 0:a -af ebur128 -f null - 2>&1 |
	awk '/Integrated loudness/ { found = 1 } found && $1 == "I:" { print $2; exit }'
}

# true_peak FILE: the true peak, dBTP
true_peak() {
	ffmpeg -nostats -i "$1" -map 0:a -af ebur128=peak=true -f null - 2>&1 |
	awk '/True peak/ { f = 1 } f && $1 == "Peak:" { print $2; exit }'
}

# within GOT WANT TOLERANCE (decimals)
within() {
	awk -v g="$1" -v w="$2" -v t="$3" 'BEGIN { d = g - w; if (g == "" || d > t || d < -t) exit 1 }' ||
	{ echo "got '$1', want $2 +- $3" >&2; return 1; }
}
