# Dependencies, all Debian packages. `make deps` installs what is missing;
# every other target first checks (cheaply, once per package set) that the
# tools it needs are there and says how to get them when they are not.

DEPS_PACKAGES := build-essential pkg-config ffmpeg jq rclone inotify-tools \
	libcjson-dev espeak-ng libespeak-ng-dev libssl-dev chromium-headless-shell \
	fonts-dejavu-core python3 libebur128-dev tesseract-ocr poppler-utils procps
DEPS_STAMP := out/.deps-ok

.PHONY: deps
deps:
	$(Q)mk/deps.sh install $(DEPS_PACKAGES)
	$(Q)mkdir -p out && touch $(DEPS_STAMP)

$(DEPS_STAMP): mk/deps.mk mk/deps.sh
	$(Q)mk/deps.sh check $(DEPS_PACKAGES)
	$(Q)mkdir -p out && touch $@
