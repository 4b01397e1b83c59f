# ANPR: FPGA vision pipeline (rtl/), its C model and Verilator harness (sim/),
# the host library and tool (host/). One entry point; `make help` lists targets.

SHELL      := /bin/bash
BUILD      := build
DATA       ?= ../shared/data
CC         ?= gcc
CSTD       := -std=c11 -D_POSIX_C_SOURCE=200809L
WARN       := -Wall -Wextra -Werror
OPT        ?= -O2 -g
INC        := -Ihost/include -Isim/model
PNG_CFLAGS := $(shell pkg-config --cflags libpng 2>/dev/null)
PNG_LIBS   := $(shell pkg-config --libs libpng 2>/dev/null)
CFLAGS     := $(CSTD) $(WARN) $(OPT) $(INC) $(PNG_CFLAGS)
# the test build: AddressSanitizer + UndefinedBehaviorSanitizer
SAN        := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all

DEB_PACKAGES := build-essential pkg-config verilator yosys nextpnr-ice40 fpga-icestorm iverilog \
                z3 boolector libusb-1.0-0-dev libpng-dev libcunit1-dev umockdev libumockdev-dev

MODEL_SRC := sim/model/anpr_model.c
LIB_SRC   := host/src/image.c host/src/records.c

.PHONY: all deps run test lint sim-test formal bench eval clean help

all: $(BUILD)/locate_eval $(BUILD)/overlay

help:
	@echo "targets: deps all run test lint sim-test formal bench eval clean"

# Debian packages everything else needs (CI runs on a fresh machine as root).
deps:
	@missing=$$(for p in $(DEB_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		echo "installing:" $$missing; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	fi

$(BUILD):
	mkdir -p $@

$(BUILD)/locate_eval: tools/locate_eval.c $(MODEL_SRC) $(LIB_SRC) | $(BUILD)
	$(CC) $(CFLAGS) $^ $(PNG_LIBS) -o $@

$(BUILD)/overlay: tools/overlay.c $(MODEL_SRC) $(LIB_SRC) | $(BUILD)
	$(CC) $(CFLAGS) $^ $(PNG_LIBS) -o $@

clean:
	rm -rf $(BUILD)
