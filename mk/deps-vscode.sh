#!/bin/sh
# deps-vscode.sh PREFIX VERSION - install code-server VERSION into PREFIX
# from the npm registry, with nothing else downloaded: native modules are
# built against the installed Node's headers, and the ripgrep binary that
# @vscode/ripgrep would fetch from GitHub is taken from Debian's ripgrep.
# Nothing is done when PREFIX already holds that version.
set -eu
version=$2
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$(dirname "$1")"
prefix=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
bin=$prefix/node_modules/.bin/code-server

installed_version() {
	node -p 'require(process.argv[1]).version' \
		"$prefix/node_modules/code-server/package.json" 2>/dev/null
}

# Headers for node-gyp (nodejs ships them), a compiler, Kerberos headers
# for the kerberos module, rg itself; and tesseract, with which the tests
# read VS Code's status bar and terminal out of the frames.
"$here/deps.sh" install build-essential python3 libkrb5-dev ripgrep nodejs \
	tesseract-ocr tesseract-ocr-eng
if ! [ -f /usr/include/node/node_version.h ]; then
	echo "deps-vscode: Node's headers are not in /usr/include/node: install a nodejs package that ships them" >&2
	exit 4
fi
[ -x "$bin" ] && [ "$(installed_version)" = "$version" ] && exit 0

node_major=$(node -p 'process.versions.node.split(".")[0]')
[ "$node_major" = 20 ] || echo "deps-vscode: warning: code-server $version wants Node 20, this is Node $node_major" >&2

# @vscode/ripgrep's postinstall looks in its cache before downloading:
# a tarball of Debian's rg under the name it expects satisfies it. The
# name follows the ripgrep release that @vscode/ripgrep 1.15.x pins.
work=$(mktemp -d "${TMPDIR:-/tmp}/deps-vscode.XXXXXX")
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/tmp/vscode-ripgrep-cache-1.15.11" "$work/rg/bin"
cp "$(command -v rg)" "$work/rg/bin/rg"
tar -C "$work/rg/bin" -czf \
	"$work/tmp/vscode-ripgrep-cache-1.15.11/ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz" rg

# code-server writes into $HOME even while installing: keep that in work/.
# A half-finished install is built beside the real one, then moved in.
staging=$prefix.new
rm -rf "$staging"
mkdir -p "$staging"
echo "installing code-server $version into $prefix (about 2 minutes)" >&2
(
	cd "$work"
	HOME=$work/home TMPDIR=$work/tmp XDG_CACHE_HOME=$work/cache \
	npm_config_nodedir=/usr npm_config_unsafe_perm=true npm_config_yes=true \
	npm_config_update_notifier=false npm_config_fund=false npm_config_audit=false \
	npm_config_cache=$work/npm-cache \
		npm install --no-save --loglevel=error --prefix "$staging" "code-server@$version"
) >"$work/npm.log" 2>&1 || {
	echo "deps-vscode: npm install code-server@$version failed; its last lines:" >&2
	tail -n 30 "$work/npm.log" >&2
	rm -rf "$staging"
	exit 4
}
rm -rf "$prefix"
mv "$staging" "$prefix"
echo "code-server $(installed_version) is in $prefix" >&2
