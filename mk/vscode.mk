# VS Code tours: steps that open a local code-server (spec2req sets
# VSCODE_TOUR and writes vscode.json) are captured while one answers there.
# withvscode uses one the user already runs, or starts the project's own
# with the recording profile and stops it after the capture. VSCODE=off
# never starts one.

CODE_SERVER_VERSION := 4.100.3
CODE_SERVER_PREFIX  ?= out/code-server
CODE_SERVER         ?= $(CODE_SERVER_PREFIX)/node_modules/.bin/code-server
VSCODE              ?= on

.PHONY: deps-vscode
deps-vscode:
	$(Q)mk/deps-vscode.sh $(CODE_SERVER_PREFIX) $(CODE_SERVER_VERSION)

$(OUT)/vscode.json: $(SPEC_STAMP) ;

ifeq ($(VSCODE_TOUR),1)
ifneq ($(VSCODE),off)
VSCODE_RUN     := $(BIN)/withvscode -b $(CODE_SERVER) -d $(OUT)/vscode $(OUT)/vscode.json
VSCODE_PREREQS := $(OUT)/vscode.json $(BIN)/withvscode
endif
endif
