# Capture: one silent clip per step, as long as its narration needs. The
# clip's meta file (frame count, where the narration starts) comes from the
# same run, hence the grouped target.

$(OUT)/clip/%.mp4 $(OUT)/clip/%.json &: $(OUT)/step/%/cap.json $(OUT)/wav/%.wav $(BIN)/stepcap | $(OUT)/clip/
	$(call say,CAP,$(OUT)/clip/$*.mp4)
	$(Q)$(BIN)/stepcap -w $(OUT)/wav/$*.wav -m $(OUT)/clip/$*.json -o $(OUT)/clip/$*.mp4 $<

.PHONY: clips
clips: $(CLIPS)
