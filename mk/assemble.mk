# Assembly: clips joined by stream copy, narration laid at exact offsets.

$(OUT)/$(NAME).mp4: $(OUT)/mux.json $(CLIPS) $(WAVS) $(BIN)/mux
	$(call say,MUX,$@)
	$(Q)$(BIN)/mux -d $(OUT) -o $@ $<
