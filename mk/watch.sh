#!/bin/bash
# watch.sh SPEC OUT MAKE... - build, then build again each time the spec or
# a file it uses is saved, until interrupted.
#
# Watched (inotifywait, recursively): the spec's folder, the folders of
# the pages its steps open, and those of output.intro_clip/outro_clip and
# settings.f5_ref_audio. Make already knows what the spec itself feeds;
# for the other files it cannot see, the fragment that stands for them is
# touched so make remakes exactly what depends on them:
#   a step's page           -> that step's cap.json (its clip)
#   another page asset      -> every cap.json (a stylesheet shows everywhere);
#                              other files (logs, notes) are left alone
#   intro or outro clip     -> mux.json (the final assembly)
#   the F5 reference voice  -> every tts.json (all narration)
#   an image in slides.dir  -> nothing: make holds it as a prerequisite
set -u
spec=$1 out=$2
shift 2
make_cmd=("$@")
watcher=

stop() {
	[ -z "$watcher" ] || kill "$watcher" 2>/dev/null
	exit 0
}
trap stop INT TERM HUP

abs() {
	case $1 in
	/*) printf '%s\n' "$1" ;;
	*) printf '%s/%s\n' "$(pwd)" "$1" ;;
	esac
}
spec=$(abs "$spec")
out=$(abs "$out")
spec_dir=$(dirname "$spec")
project_out=$(pwd)/out

# resolve PATH: as mux and stepcap read spec paths; nothing for web URLs
resolve() {
	local p=${1%%[?#]*}
	case $p in
	file://*) printf '%s\n' "${p#file://}" ;;
	*://*|about:*|data:*|'') ;;
	'~'|'~/'*) printf '%s\n' "$HOME${p#\~}" ;;
	/*) printf '%s\n' "$p" ;;
	*) printf '%s\n' "$spec_dir/$p" ;;
	esac
}

# read_spec: the files the spec names, into the arrays below
read_spec() {
	local id url
	step_ids=() step_pages=() edges=() ref= deck=
	while IFS=$'\t' read -r id url; do
		step_ids+=("$id")
		step_pages+=("$(resolve "$url")")
	done < <(jq -r '(.steps // .segments)[]? | select(.url) | [.id, .url] | @tsv' "$spec" 2>/dev/null)
	deck=$(jq -r '.slides.dir // empty' "$spec" 2>/dev/null)
	[ -z "$deck" ] || deck=$(resolve "$deck")
	while IFS= read -r url; do
		[ -z "$url" ] || edges+=("$(resolve "$url")")
	done < <(jq -r '.output.intro_clip // empty, .output.outro_clip // empty' "$spec" 2>/dev/null)
	ref=$(jq -r '.settings.f5_ref_audio // empty' "$spec" 2>/dev/null)
	[ -z "$ref" ] || ref=$(resolve "$ref")
}

watch_dirs() {
	local f d
	printf '%s\n' "$spec_dir"
	for f in "${step_pages[@]}" "${edges[@]}" ${ref:+"$ref"} ${deck:+"$deck/."}; do
		d=$(dirname "$f")
		[ -d "$d" ] && printf '%s\n' "$d"
	done | sort -u
}

# touch_fragments PATTERN: make the matching fragments newer than what
# was made from them
touch_fragments() {
	local f
	for f in "$@"; do
		[ -e "$f" ] && touch "$f"
	done
}

# react PATH: what a saved file means for the build; 1 when nothing
react() {
	local path=$1 name i hit=1
	name=$(basename "$path")
	case $path in
	"$out"/*|"$project_out"/*) return 1 ;;
	esac
	case $name in
	.*|*~|*.swp|*.swx|4913) return 1 ;;
	esac
	[ "$path" = "$spec" ] && return 0
	for f in "${edges[@]}"; do
		[ "$path" = "$f" ] && { touch_fragments "$out/mux.json"; hit=0; }
	done
	[ -n "$ref" ] && [ "$path" = "$ref" ] && { touch_fragments "$out"/step/*/tts.json; hit=0; }
	for i in "${!step_pages[@]}"; do
		[ "$path" = "${step_pages[$i]}" ] &&
			{ touch_fragments "$out/step/${step_ids[$i]}/cap.json"; hit=0; }
	done
	[ $hit = 0 ] && return 0
	case $path in
	"${deck:-/nonexistent}"/*) return 0 ;;
	esac
	# gone already: an editor's or sed's temporary file
	[ -e "$path" ] || return 1
	case $name in
	*.html|*.htm|*.css|*.js|*.mjs|*.svg|*.png|*.jpg|*.jpeg|*.gif|*.webp|*.ico|*.woff|*.woff2|*.ttf)
		touch_fragments "$out"/step/*/cap.json
		return 0 ;;
	esac
	return 1
}

# regex of the folders never watched: build output changes all the time
escape() { printf '%s' "$1" | sed 's/[][\.*^$+?(){}|]/\\&/g'; }
exclude="^($(escape "$out")|$(escape "$project_out"))(/|$)"

while :; do
	read_spec
	mapfile -t dirs < <(watch_dirs)
	# watch before building, so a save during the build is not lost
	coproc WATCH { exec inotifywait -m -r -e close_write,moved_to \
		--exclude "$exclude" --format '%w%f' "${dirs[@]}" 2>&1; }
	watcher=$WATCH_PID
	established=0
	while IFS= read -r line <&"${WATCH[0]}"; do
		[ "$line" = "Watches established." ] && { established=1; break; }
		echo "watch: $line" >&2
	done
	if [ $established = 0 ]; then
		echo "watch: inotifywait cannot watch ${dirs[*]}" >&2
		exit 4
	fi
	echo "watch: building $(basename "$spec")"
	if "${make_cmd[@]}"; then
		echo "watch: done; waiting for changes to $(basename "$spec") or the files it uses"
	else
		echo "watch: the build failed; fix it and save again" >&2
	fi
	# a save is often a burst (a temporary file, then a rename): let it
	# settle, then see what it touched
	while :; do
		IFS= read -r line <&"${WATCH[0]}" || { echo "watch: inotifywait stopped" >&2; exit 4; }
		saved=("$line")
		while IFS= read -r -t 0.3 line <&"${WATCH[0]}"; do
			saved+=("$line")
		done
		relevant=1
		while IFS= read -r line; do
			react "$line" && relevant=0
		done < <(printf '%s\n' "${saved[@]}" | sort -u)
		[ $relevant = 0 ] && break
	done
	kill "$watcher" 2>/dev/null
	wait "$watcher" 2>/dev/null
	watcher=
done
