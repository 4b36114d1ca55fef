# BACKEND=local: espeak-ng on this machine, one rule per step (parallel
# under make -j); results shared through the content-addressed cache.

$(OUT)/wav/%.wav: $(OUT)/step/%/tts.json $(BIN)/ttslocal | $(OUT)/wav/ $(CACHE)/tts/
	$(call say,TTS,$@)
	$(Q)$(BIN)/ttslocal $(VERBOSE) -c $(CACHE)/tts -o $@ $<

.PHONY: tts
tts: $(WAVS)
