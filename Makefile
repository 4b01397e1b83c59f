# ANPR: the FPGA vision pipeline (rtl/), its bit-exact C model and Verilator
# harness (sim/), the host library and tool (host/). One entry point.
#
#   make deps       Debian packages the rest needs (apt-get; CI runs as root)
#   make            tools and simulators
#   make run        the pipeline and the reader on their embedded default (no hardware)
#   make test       unit tests, protocol drift, lint, formal, co-simulation, the usb backend
#   make lint       verilator --lint-only -Wall on every RTL module (rtl/, rtl/usb/)
#   make sim-test   co-simulation only (RTL vs C model), both builds
#   make formal     handshake properties with yosys-smtbmc
#   make bench      speed and memory figures (docs/PERFORMANCE.md)
#   make build/sim_trace   an image through the RTL with an FST waveform
#   make synth      Yosys synth_ice40 area of the up5k build
#   make bitstream  the iCEBreaker (UP5K) bitstream: yosys, nextpnr-ice40, icepack
#   make usb-test   the usb backend (libusb) against an emulated FT232H and bridge (umockdev)
#   make bridge-test  the USB bridge RTL (rtl/usb) against the bridge's C model (tests/bridge)
#   make usb-rtl-test the usb backend against the emulated FT232H with the bridge RTL behind it
#   make synth-bridge Yosys synth_ice40 area of the USB bridge alone
#   make fuzz       libFuzzer on the record, image, hotlist and USB wire parsers, the segmenter and the crop reader (FUZZ_SECONDS each)
#   make eval       drawn plates read; reading accuracy and localisation recall on ../shared/data
#   make train      retrain the character classifier (rewrites its weights)
#   make clean

SHELL      := /bin/bash
BUILD      := build
DATA       ?= ../shared/data
CC         := gcc
CXX        := g++
CSTD       := -std=c11 -D_POSIX_C_SOURCE=200809L
WARN       := -Wall -Wextra -Werror
OPT        ?= -O2 -g
INC        := -Ihost/include -Isim/model
PNG_CFLAGS := $(shell pkg-config --cflags libpng 2>/dev/null)
PNG_LIBS   := $(shell pkg-config --libs libpng 2>/dev/null) -lm -lpthread
USB_CFLAGS := $(shell pkg-config --cflags libusb-1.0 2>/dev/null || echo -I/usr/include/libusb-1.0)
USB_LIBS   := $(shell pkg-config --libs libusb-1.0 2>/dev/null || echo -lusb-1.0)
CFLAGS     := $(CSTD) $(WARN) $(OPT) $(INC) -Isim $(PNG_CFLAGS) $(USB_CFLAGS)
# the test build: AddressSanitizer + UndefinedBehaviorSanitizer
SAN        := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all

DEB_PACKAGES := build-essential pkg-config verilator yosys nextpnr-ice40 fpga-icestorm iverilog \
                z3 boolector libusb-1.0-0-dev libpng-dev libcunit1-dev umockdev libumockdev-dev clang \
                libclang-rt-14-dev libfreetype-dev fonts-urw-base35 fonts-dejavu-extra fonts-liberation2

MODEL_SRC := sim/model/anpr_model.c
# reading plates: segmentation, classifier (its trained weights), grammar
READ_SRC  := host/src/segment.c host/src/classify.c host/src/classifier_weights.c host/src/grammar.c \
             host/src/read.c
# hotlists and alerts
HOT_SRC   := host/src/hotlist.c host/src/hotlive.c host/src/alert.c host/src/json.c
LIB_SRC   := host/src/image.c host/src/records.c $(READ_SRC) $(HOT_SRC)
HOST_SRC  := $(LIB_SRC) host/src/pipe.c host/src/transport_model.c host/src/transport_sim.c \
             host/src/transport_usb.c host/src/usbwire.c host/src/read_frame.c sim/scenes.c sim/plates.c $(MODEL_SRC)
RTL       := $(wildcard rtl/*.v) rtl/anpr_protocol.vh
# the USB bridge (docs/usb.md): one module per file, top anpr_usb_top (bridge + pipeline)
USB_RTL   := $(wildcard rtl/usb/*.v)

# Build presets: the RTL parameters and the C model's struct anpr_model_params.
#   up5k   iCE40 UP5K at up to 1280 wide (the board build)
#   large  up to 2048 wide, for parts with more memory (1080p)
#   large2 large at two pixels a clock (a 16-bit video input: 1080p at 30 fps from 31 MHz)
P_up5k  := MAX_W=1280 RING_LINES=48 CROP_MAX_W=256 CROP_MAX_H=48 SLOT_BYTES=8192 NSLOTS=8
P_large := MAX_W=2048 RING_LINES=96 CROP_MAX_W=320 CROP_MAX_H=96 SLOT_BYTES=32768 NSLOTS=8
P_large2 := $(P_large) PPC=2

VL_INC   := /usr/share/verilator/include
VL_FLAGS := --cc -O3 --x-assign fast --x-initial fast --noassert -Wno-fatal --top-module anpr_pipeline -Irtl \
            --MAKEFLAGS "OPT_FAST=-O3 OPT_SLOW=-O1"
VL_CXX   := $(CXX) -O2 -std=c++17 -I$(VL_INC) -I$(VL_INC)/vltstd


.PHONY: usb-test usb-rtl-test bridge-test synth-bridge
.PHONY: FORCE all deps run test unit train read-test hotlist-test fuzz fuzz-regress lint protocol-check module-test sim-test formal bench synth bitstream eval clean help

all: $(BUILD)/anpr $(BUILD)/read_eval $(BUILD)/locate_eval $(BUILD)/overlay $(BUILD)/cosim_up5k $(BUILD)/bench_pipeline

help:
	@sed -n '4,19p' Makefile

deps:
	@missing=$$(for p in $(DEB_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		echo "installing:" $$missing; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	fi

$(BUILD) $(BUILD)/obj $(BUILD)/san:
	mkdir -p $@

# ---- C objects (optimised) and their sanitized twins ----
# (-MMD: each object also depends on the headers it includes)
$(BUILD)/obj/%.o: %.c | $(BUILD)/obj
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -MMD -MP -Isim/verilator -c $< -o $@

$(BUILD)/san/%.o: %.c | $(BUILD)/san
	@mkdir -p $(dir $@)
	$(CC) $(CSTD) $(WARN) -O1 -g $(SAN) $(INC) -Isim $(PNG_CFLAGS) $(USB_CFLAGS) $(SAN_CFLAGS) -MMD -MP -c $< -o $@

-include $(shell find $(BUILD)/obj $(BUILD)/san -name '*.d' 2>/dev/null)

# the classifier's dot products, the segmenter's per-pixel passes (the binarisation) and the C
# model's edge pass are the host's inner loops: vectorised (integer code: the same results at any -O)
$(BUILD)/obj/host/src/classify.o $(BUILD)/obj/host/src/segment.o $(BUILD)/obj/sim/model/anpr_model.o: CFLAGS += -O3

obj = $(patsubst %.c,$(BUILD)/obj/%.o,$(1))
san = $(patsubst %.c,$(BUILD)/san/%.o,$(1))

$(BUILD)/locate_eval: $(call obj,tools/locate_eval.c $(MODEL_SRC) $(LIB_SRC) host/src/usbwire.c)
	$(CC) $^ $(PNG_LIBS) -o $@

$(BUILD)/overlay: $(call obj,tools/overlay.c $(MODEL_SRC) $(LIB_SRC))
	$(CC) $^ $(PNG_LIBS) -o $@

# ---- protocol: the Verilog include is generated from protocol.h ----
$(BUILD)/gen_protocol_vh: tools/gen_protocol_vh.c | $(BUILD)
	$(CC) $(CFLAGS) $< -o $@

protocol-check: $(BUILD)/gen_protocol_vh
	$(BUILD)/gen_protocol_vh host/include/anpr/protocol.h > $(BUILD)/anpr_protocol.vh
	@cmp $(BUILD)/anpr_protocol.vh rtl/anpr_protocol.vh || \
		{ echo "rtl/anpr_protocol.vh has drifted from protocol.h: run" \
		       "'$(BUILD)/gen_protocol_vh host/include/anpr/protocol.h > rtl/anpr_protocol.vh'"; exit 1; }
	@echo "protocol-check: rtl/anpr_protocol.vh matches protocol.h"

# ---- unit tests (CUnit, sanitized) ----
UNIT_SRC := $(wildcard tests/unit/*.c)
# the frame reader and the pipe too (model backend; usb links, sim is the stub test_usb uses)
UNIT_PIPE := host/src/pipe.c host/src/transport_model.c host/src/transport_usb.c host/src/usbwire.c \
             host/src/read_frame.c
$(BUILD)/unit_tests: $(call san,$(UNIT_SRC) $(MODEL_SRC) $(LIB_SRC) $(UNIT_PIPE) sim/scenes.c sim/plates.c) \
                     $(BUILD)/san/tests/usb/sim_stub.o
	$(CC) $(SAN) $^ $(PNG_LIBS) $(USB_LIBS) -lcunit -o $@

unit: $(BUILD)/unit_tests
	./$(BUILD)/unit_tests

# ---- the usb backend against an emulated FT232H (umockdev), tests/usb ----
UMOCKDEV_CFLAGS := $(patsubst -I%,-isystem %,$(shell pkg-config --cflags umockdev-1.0 2>/dev/null))
UMOCKDEV_LIBS   := $(shell pkg-config --libs umockdev-1.0 2>/dev/null || echo -lumockdev -lgobject-2.0 -lglib-2.0)
$(BUILD)/san/tests/usb/%.o: SAN_CFLAGS = $(UMOCKDEV_CFLAGS) -Isim/bridge -Ihost/src
USB_TEST_SRC := tests/usb/test_usb.c tests/usb/ft232h_emu.c sim/bridge/anpr_bridge.c sim/scenes.c host/src/image.c \
                host/src/pipe.c host/src/transport_model.c host/src/transport_usb.c host/src/usbwire.c \
                host/src/records.c $(MODEL_SRC)
$(BUILD)/test_usb: $(call san,$(USB_TEST_SRC)) $(BUILD)/san/tests/usb/sim_stub.o
	$(CC) $(SAN) $^ $(USB_LIBS) $(UMOCKDEV_LIBS) $(PNG_LIBS) -o $@

# umockdev's preload library comes before the sanitizer runtime: ASan's link-order check is off for it
usb-test: $(BUILD)/test_usb $(BUILD)/anpr
	ASAN_OPTIONS=verify_asan_link_order=0 umockdev-wrapper ./$(BUILD)/test_usb $(BUILD)

# the same tests with the bridge RTL behind the emulated FT232H (sim/bridge/anpr_bridge_rtl.cpp: the
# Verilated bridge + pipeline of bridge-test on its FT245 pins) instead of the bridge's C model
$(BUILD)/san/tests/usb/test_usb_rtl.o: tests/usb/test_usb.c | $(BUILD)/san
	@mkdir -p $(dir $@)
	$(CC) $(CSTD) $(WARN) -O1 -g $(SAN) $(INC) -Isim $(PNG_CFLAGS) $(USB_CFLAGS) $(UMOCKDEV_CFLAGS) -Isim/bridge \
		-Ihost/src -DUSB_RTL -MMD -MP -c $< -o $@

$(BUILD)/vl_usb/anpr_bridge_rtl.o: sim/bridge/anpr_bridge_rtl.cpp sim/bridge/anpr_usb_rtl.h sim/bridge/anpr_bridge.h \
                                   $(BUILD)/vl_usb/Vanpr_usb_top__ALL.a
	$(VL_CXX) -isystem $(VL_INC) -isystem $(BUILD)/vl_usb -Wall -Wextra -Werror $(INC) -Isim -Isim/bridge -c $< -o $@

$(BUILD)/test_usb_rtl: $(BUILD)/san/tests/usb/test_usb_rtl.o \
                       $(call san,$(filter-out tests/usb/test_usb.c sim/bridge/anpr_bridge.c,$(USB_TEST_SRC))) \
                       $(BUILD)/san/tests/usb/sim_stub.o $(BUILD)/vl_usb/anpr_bridge_rtl.o \
                       $(BUILD)/vl_usb/Vanpr_usb_top__ALL.a $(BUILD)/vl_usb/verilated.o
	$(CXX) $(SAN) $^ $(BUILD)/vl_usb/verilated_threads.o $(USB_LIBS) $(UMOCKDEV_LIBS) $(PNG_LIBS) -o $@

usb-rtl-test: $(BUILD)/test_usb_rtl $(BUILD)/anpr
	ASAN_OPTIONS=verify_asan_link_order=0 umockdev-wrapper ./$(BUILD)/test_usb_rtl $(BUILD)

# ---- Verilator builds, one per preset ----
# $(1) build name, $(2) preset, $(3) extra Verilator flags
define verilator_build
$(BUILD)/vl_$(1)/Vanpr_pipeline__ALL.a: $(RTL) | $(BUILD) $(if $(filter $(1),$(VL_PGO)),$(PGO_OBJ))
	verilator $(VL_FLAGS) $(3) --Mdir $(BUILD)/vl_$(1) $(foreach p,$(P_$(2)),-G$(p)) rtl/anpr_pipeline.v \
		--build -j 2 > $(BUILD)/vl_$(1).log 2>&1 || { cat $(BUILD)/vl_$(1).log; exit 1; }
$(if $(filter $(1),$(VL_PGO)),$(call verilator_pgo,$(1),$(2)))

$(BUILD)/vl_$(1)/anpr_sim.o: sim/verilator/anpr_sim.cpp sim/verilator/anpr_sim.h $(BUILD)/vl_$(1)/Vanpr_pipeline__ALL.a
	$(VL_CXX) -I$(BUILD)/vl_$(1) $(INC) $(if $(3),-DVM_TRACE=1,) $(foreach p,$(P_$(2)),-DANPR_SIM_$(p)) -c $$< -o $$@

$(BUILD)/vl_$(1)/verilated.o: $(BUILD)/vl_$(1)/Vanpr_pipeline__ALL.a
	$(VL_CXX) -c $(VL_INC)/verilated.cpp -o $$@
	$(VL_CXX) -c $(VL_INC)/verilated_threads.cpp -o $(BUILD)/vl_$(1)/verilated_threads.o
	$(if $(3),$(VL_CXX) -c $(VL_INC)/verilated_fst_c.cpp -o $(BUILD)/vl_$(1)/verilated_fst_c.o)

VL_OBJ_$(1) := $(BUILD)/vl_$(1)/anpr_sim.o $(BUILD)/vl_$(1)/Vanpr_pipeline__ALL.a $(BUILD)/vl_$(1)/verilated.o

$(BUILD)/cosim_$(1): $(call obj,tests/cosim/cosim.c sim/scenes.c sim/datadir.c $(MODEL_SRC) $(LIB_SRC)) $$(VL_OBJ_$(1))
	$(CXX) $$^ $(BUILD)/vl_$(1)/verilated_threads.o $(PNG_LIBS) -lpthread -o $$@
endef
# The sim backend's build (up5k) is compiled a second time with GCC's profile of
# its generated scenes (cosim --quick, linked against an instrumented copy; the
# training program's own objects are order-only: a host change does not rebuild it):
# about 16 % more cycles per second (docs/PERFORMANCE.md section 2). VL_PGO= turns it off.
VL_PGO ?= up5k
PGO_OBJ = $(call obj,tests/cosim/cosim.c sim/scenes.c sim/datadir.c $(MODEL_SRC) $(LIB_SRC))
# $(1) build name, $(2) preset: the recipe lines that follow the first build
define verilator_pgo
	@echo "verilator: $(BUILD)/vl_$(1): profile-guided rebuild (instrumented run of cosim --quick)"
	rm -f $(BUILD)/vl_$(1)/*.o $(BUILD)/vl_$(1)/*.a $(BUILD)/vl_$(1)/*.gcda
	$(MAKE) -s -C $(BUILD)/vl_$(1) -f Vanpr_pipeline.mk OPT_FAST="-O3 -fprofile-generate" OPT_SLOW=-O1 \
		Vanpr_pipeline__ALL.a >> $(BUILD)/vl_$(1).log 2>&1
	$(VL_CXX) -I$(BUILD)/vl_$(1) $(INC) $(foreach p,$(P_$(2)),-DANPR_SIM_$(p)) -c sim/verilator/anpr_sim.cpp \
		-o $(BUILD)/vl_$(1)/pgo_sim.o
	$(VL_CXX) -c $(VL_INC)/verilated.cpp -o $(BUILD)/vl_$(1)/pgo_verilated.o
	$(VL_CXX) -c $(VL_INC)/verilated_threads.cpp -o $(BUILD)/vl_$(1)/pgo_threads.o
	$(CXX) $(PGO_OBJ) $(BUILD)/vl_$(1)/pgo_sim.o $(BUILD)/vl_$(1)/Vanpr_pipeline__ALL.a \
		$(BUILD)/vl_$(1)/pgo_verilated.o $(BUILD)/vl_$(1)/pgo_threads.o $(PNG_LIBS) -lpthread -fprofile-generate \
		-o $(BUILD)/vl_$(1)/pgo_train
	./$(BUILD)/vl_$(1)/pgo_train --quick > $(BUILD)/vl_$(1)/pgo_train.log 2>&1 || \
		{ cat $(BUILD)/vl_$(1)/pgo_train.log; exit 1; }
	rm -f $(BUILD)/vl_$(1)/*.o $(BUILD)/vl_$(1)/*.a $(BUILD)/vl_$(1)/pgo_train
	$(MAKE) -s -C $(BUILD)/vl_$(1) -f Vanpr_pipeline.mk \
		OPT_FAST="-O3 -fprofile-use -fprofile-correction -Wno-missing-profile" OPT_SLOW=-O1 \
		Vanpr_pipeline__ALL.a >> $(BUILD)/vl_$(1).log 2>&1
endef
$(eval $(call verilator_build,up5k,up5k,))
$(eval $(call verilator_build,large,large,))
$(eval $(call verilator_build,large2,large2,))
$(eval $(call verilator_build,trace,up5k,--trace-fst --trace-structs))

# one image through the RTL with an FST or VCD waveform (lab runs)
$(BUILD)/sim_trace: $(call obj,tools/sim_trace.c $(MODEL_SRC) $(LIB_SRC)) $(VL_OBJ_trace)
	$(CXX) $^ $(BUILD)/vl_trace/verilated_threads.o $(BUILD)/vl_trace/verilated_fst_c.o \
		$(PNG_LIBS) -lz -lpthread -o $@

# the anpr tool: host library with the model and sim (up5k RTL) backends
$(BUILD)/anpr: $(call obj,host/tools/anpr.c $(HOST_SRC)) $(VL_OBJ_up5k)
	$(CXX) $^ $(BUILD)/vl_up5k/verilated_threads.o $(PNG_LIBS) $(USB_LIBS) -lpthread -o $@

# the main job on its embedded default: a generated 1280x720 scene through
# the C model and the RTL, records compared; then a gantry frame of drawn UK
# plates localised by the RTL, read, checked against a hotlist, alerts raised
run: $(BUILD)/anpr
	./$(BUILD)/anpr demo

# reading accuracy over $(DATA) (make eval)
$(BUILD)/read_eval: $(call obj,tools/read_eval.c tools/dataset.c $(HOST_SRC)) $(VL_OBJ_up5k)
	$(CXX) $^ $(BUILD)/vl_up5k/verilated_threads.o $(PNG_LIBS) $(USB_LIBS) -lpthread -o $@

# reading drawn UK plates (sim/plates.c), no data needed (make eval)
$(BUILD)/drawn_eval: $(call obj,tools/drawn_eval.c $(HOST_SRC)) $(VL_OBJ_up5k)
	$(CXX) $^ $(BUILD)/vl_up5k/verilated_threads.o $(PNG_LIBS) $(USB_LIBS) -lpthread -o $@

# speed of reading: one character, a whole 1280x720 frame (make bench)
$(BUILD)/bench_read: $(call obj,tools/bench_read.c tools/dataset.c $(HOST_SRC)) $(VL_OBJ_up5k)
	$(CXX) $^ $(BUILD)/vl_up5k/verilated_threads.o $(PNG_LIBS) $(USB_LIBS) -lpthread -o $@

# the classifier's trainer; `make train` rewrites host/src/classifier_weights.c
TRAIN_ARGS ?= --epochs 30 --rounds 2 --c1 8 --c2 32 --hidden 64 --lr 0.002 --augment 0.6 --average 0.5 --flag1 0.5 --seg rows --members 2 --seed 1
$(BUILD)/train: $(call obj,tools/train.c tools/dataset.c host/src/segment.c host/src/classify.c host/src/image.c \
                   host/src/records.c)
	$(CC) $^ $(PNG_LIBS) $(FT_LIBS) -o $@
# the trainer renders synthetic characters from packaged fonts with FreeType
FT_CFLAGS := $(shell pkg-config --cflags freetype2 2>/dev/null)
FT_LIBS   := $(shell pkg-config --libs freetype2 2>/dev/null || echo -lfreetype)
$(BUILD)/obj/tools/train.o: CFLAGS += $(FT_CFLAGS)

train: $(BUILD)/train
	@[ -d $(DATA)/gb-chars ] || { echo "train: $(DATA) not found: the classifier trains on its gb-chars, uk-crops and br-crops"; exit 1; }
	./$(BUILD)/train --data $(DATA) $(TRAIN_ARGS) --out host/src/classifier_weights.c

# speed, cycles per frame, latency, memory (docs/PERFORMANCE.md)
$(BUILD)/bench_pipeline: $(call obj,tools/bench_pipeline.c sim/scenes.c $(MODEL_SRC) $(LIB_SRC)) $(VL_OBJ_up5k)
	$(CXX) $^ $(BUILD)/vl_up5k/verilated_threads.o $(PNG_LIBS) -lpthread -o $@
# the same figures 2-4 for the large build at one and two pixels a clock (large, large2)
define bench_large
$(BUILD)/bench_pipeline_$(1): $(call obj,tools/bench_pipeline.c sim/scenes.c $(MODEL_SRC) $(LIB_SRC)) $$(VL_OBJ_$(1))
	$(CXX) $$^ $(BUILD)/vl_$(1)/verilated_threads.o $(PNG_LIBS) -lpthread -o $$@
endef
$(eval $(call bench_large,large))
$(eval $(call bench_large,large2))

bench: $(BUILD)/bench_pipeline $(BUILD)/bench_pipeline_large $(BUILD)/bench_pipeline_large2 $(BUILD)/locate_eval $(BUILD)/bench_read $(BUILD)/bench_hotlist
	./$(BUILD)/bench_hotlist
	./$(BUILD)/bench_read $(if $(wildcard $(DATA)/us-scenes),--data $(DATA),)
	./$(BUILD)/bench_pipeline $(if $(wildcard $(DATA)/us-scenes),--data $(DATA),)
	./$(BUILD)/bench_pipeline_large $(if $(wildcard $(DATA)/us-scenes),--data $(DATA),)
	./$(BUILD)/bench_pipeline_large2 $(if $(wildcard $(DATA)/us-scenes),--data $(DATA),)
	@[ -d $(DATA)/eu-scenes ] && ./$(BUILD)/locate_eval --preset up5k $(DATA)/eu-scenes $(DATA)/us-scenes || true
	@[ -d $(DATA)/eu-scenes ] && ./$(BUILD)/locate_eval --preset large $(DATA)/eu-scenes $(DATA)/us-scenes || true

# stream modules against reference queues (Icarus, self-checking)
$(BUILD)/tb_%: tests/bench/tb_%.v rtl/anpr_%.v rtl/anpr_ram_sdp.v | $(BUILD)
	iverilog -g2005 -Irtl -o $@ $^

module-test: $(BUILD)/tb_fifo $(BUILD)/tb_obuf
	@for t in $^; do vvp -n $$t | tee $$t.log | tail -1; grep -q PASS $$t.log || exit 1; done

# ---- the stream modules alone against the C model's stage trace ----
# (tests/modsim: one Verilated library per unit, one up5k binary)
# $(1) unit name (its Verilated class V$(1)), $(2) top module, $(3) its top file, $(4) its parameters
# (names from P_up5k), $(5) more -G settings
MS_DIR := $(BUILD)/ms
define modsim_unit
$(MS_DIR)/$(1)/V$(1)__ALL.a: $(RTL) $(3) | $(BUILD)
	@mkdir -p $(MS_DIR)
	verilator --cc -O3 --x-assign fast --x-initial fast --noassert -Wno-fatal -Irtl --top-module $(2) \
		--prefix V$(1) --Mdir $(MS_DIR)/$(1) $(foreach p,$(filter $(addsuffix =%,$(4)),$(P_up5k)),-G$(p)) $(5) \
		$(3) --MAKEFLAGS "OPT_FAST=-O2 OPT_SLOW=-O1" --build -j 2 > $(MS_DIR)/$(1).log 2>&1 || \
		{ cat $(MS_DIR)/$(1).log; exit 1; }
MS_LIBS += $(MS_DIR)/$(1)/V$(1)__ALL.a
MS_UNITS += $(1)
endef
$(eval $(call modsim_unit,anpr_front,anpr_front,rtl/anpr_front.v,MAX_W RING_LINES,))
# the front end at two pixels a clock
$(eval $(call modsim_unit,anpr_front2,anpr_front,rtl/anpr_front.v,MAX_W RING_LINES,-GPPC=2))
$(eval $(call modsim_unit,anpr_linker,anpr_linker,rtl/anpr_linker.v,))
$(eval $(call modsim_unit,anpr_back,anpr_back,rtl/anpr_back.v,MAX_W RING_LINES CROP_MAX_W CROP_MAX_H SLOT_BYTES NSLOTS))

$(MS_DIR)/modsim.o: tests/modsim/modsim.cpp sim/model/anpr_model.h sim/scenes.h sim/datadir.h host/include/anpr/image.h host/include/anpr/protocol.h $(MS_LIBS)
	$(VL_CXX) -isystem $(VL_INC) -Wall -Wextra -Werror $(foreach u,$(MS_UNITS),-isystem $(MS_DIR)/$(u)) $(INC) -Isim \
		$(foreach p,$(P_up5k),-DMODSIM_$(p)) -c $< -o $@

$(MS_DIR)/verilated.o: $(MS_LIBS)
	$(VL_CXX) -c $(VL_INC)/verilated.cpp -o $@
	$(VL_CXX) -c $(VL_INC)/verilated_threads.cpp -o $(MS_DIR)/verilated_threads.o

$(BUILD)/modsim: $(MS_DIR)/modsim.o $(call obj,sim/scenes.c sim/datadir.c $(MODEL_SRC) host/src/image.c) $(MS_LIBS) $(MS_DIR)/verilated.o
	$(CXX) $^ $(MS_DIR)/verilated_threads.o $(PNG_LIBS) -lpthread -o $@

# ---- the USB bridge RTL (rtl/usb/) against the bridge's C model (tests/bridge) ----
# anpr_usb_top (bridge + pipeline, up5k) with a short command timeout and the
# model's revision (0) in the ID register
BRIDGE_TMO := 4000
$(BUILD)/vl_usb/Vanpr_usb_top__ALL.a: $(RTL) $(USB_RTL) rtl/anpr_cfg_defaults.vh | $(BUILD)
	verilator --cc -O3 --x-assign fast --x-initial fast --noassert -Wno-fatal -Irtl -Irtl/usb \
		--top-module anpr_usb_top --Mdir $(BUILD)/vl_usb $(foreach p,$(P_up5k),-G$(p)) \
		-GTIMEOUT_CYCLES=$(BRIDGE_TMO) -GREVISION=0 rtl/usb/anpr_usb_top.v \
		--MAKEFLAGS "OPT_FAST=-O2 OPT_SLOW=-O1" --build -j 2 > $(BUILD)/vl_usb.log 2>&1 || \
		{ cat $(BUILD)/vl_usb.log; exit 1; }

$(BUILD)/vl_usb/bridge_test.o: tests/bridge/bridge_test.cpp sim/bridge/anpr_usb_rtl.h $(BUILD)/vl_usb/Vanpr_usb_top__ALL.a
	$(VL_CXX) -isystem $(VL_INC) -isystem $(BUILD)/vl_usb -Wall -Wextra -Werror $(INC) -Isim -Isim/bridge \
		-DBRIDGE_TIMEOUT_CYCLES=$(BRIDGE_TMO) -c $< -o $@

$(BUILD)/vl_usb/verilated.o: $(BUILD)/vl_usb/Vanpr_usb_top__ALL.a
	$(VL_CXX) -c $(VL_INC)/verilated.cpp -o $@
	$(VL_CXX) -c $(VL_INC)/verilated_threads.cpp -o $(BUILD)/vl_usb/verilated_threads.o

$(BUILD)/bridge_test: $(BUILD)/vl_usb/bridge_test.o $(call obj,sim/bridge/anpr_bridge.c host/src/usbwire.c \
                      host/src/records.c sim/scenes.c $(MODEL_SRC)) $(BUILD)/vl_usb/Vanpr_usb_top__ALL.a \
                      $(BUILD)/vl_usb/verilated.o
	$(CXX) $^ $(BUILD)/vl_usb/verilated_threads.o -lpthread -o $@

# each case at its fixed stalls and the board's clocks, then once more at stalls and a pipeline clock drawn
# (from a fixed seed) between 5 and 99 MHz
bridge-test: $(BUILD)/bridge_test
	./$(BUILD)/bridge_test --more 1

# RTL vs C model, per module (modsim) and whole. Real images join in when $(DATA) exists.
sim-test: module-test $(BUILD)/modsim $(BUILD)/cosim_up5k $(BUILD)/cosim_large $(BUILD)/cosim_large2
	./$(BUILD)/modsim $(if $(wildcard $(DATA)/eu-scenes),--data $(DATA),)
	./$(BUILD)/cosim_up5k $(if $(wildcard $(DATA)/eu-scenes),--data $(DATA),)
	./$(BUILD)/cosim_large --quick $(if $(wildcard $(DATA)/eu-scenes),--data $(DATA),)
	./$(BUILD)/cosim_large2 $(if $(wildcard $(DATA)/eu-scenes),--data $(DATA),)
	@[ -d $(DATA)/eu-scenes ] || echo "sim-test: $(DATA) not found: real-image co-simulation skipped"

lint:
	@for f in rtl/anpr_*.v; do \
		verilator --lint-only -Wall -Irtl $$f || exit 1; \
	done
	@for f in rtl/anpr_framer.v rtl/anpr_sobel.v rtl/anpr_blocks.v rtl/anpr_front.v rtl/anpr_pipeline.v; do \
		verilator --lint-only -Wall -Irtl -GPPC=2 $$f || exit 1; \
	done
	@for f in $(USB_RTL); do \
		verilator --lint-only -Wall -Irtl -Irtl/usb $$f || exit 1; \
	done
	@echo "lint: verilator --lint-only -Wall clean on $$(ls rtl/anpr_*.v | wc -l) modules (those with PPC at 1 and 2) and the USB bridge's $(words $(USB_RTL)) (rtl/usb)"
	@iverilog -g2005 -Irtl -o /dev/null rtl/anpr_*.v $(USB_RTL) && echo "lint: Icarus (-g2005) accepts the RTL"
	@yosys -q -p "read_verilog -Irtl $(filter %.v,$(RTL)) $(USB_RTL); hierarchy -top anpr_usb_top; proc" && \
		echo "lint: Yosys elaborates the USB bridge with the pipeline (rtl/usb/anpr_usb_top.v)"
	@yosys -q -p "read_verilog -Irtl $(filter %.v,$(RTL)); hierarchy -top anpr_pipeline; proc" && \
		echo "lint: Yosys reads and elaborates the RTL"
	@yosys -q -p "read_verilog -DANPR_ICE40 -Irtl $(BOARD_RTL); read_verilog -lib +/ice40/cells_sim.v; \
		hierarchy -top anpr_icebreaker; proc" && \
		echo "lint: Yosys elaborates the iCEBreaker top (rtl/board/) with SB_SPRAM256KA"

formal:
	tests/formal/run.sh $(BUILD)

# area of the pipeline alone (cfg_* free) on the iCE40 UP5K, per module in build/synth_up5k.stat
synth: | $(BUILD)
	timeout 1800 yosys -q -l $(BUILD)/synth_up5k.log bitstreams/synth_up5k.ys
	@sed -n '/=== design hierarchy ===/,$$p' $(BUILD)/synth_up5k.stat | grep -E "SB_|cells" | head -14

# area of the USB bridge alone (rtl/usb/anpr_usb_bridge.v, up5k build parameters) on the iCE40 UP5K
# (build/synth_bridge.stat): what the board must free to fit it (docs/usb.md section 6)
synth-bridge: | $(BUILD)
	timeout 1800 yosys -q -l $(BUILD)/synth_bridge.log bitstreams/synth_bridge.ys
	@sed -n '/=== design hierarchy ===/,$$p' $(BUILD)/synth_bridge.stat | grep -E "SB_|cells" | head -14

# the iCEBreaker bitstream (bitstreams/README.md): synthesis of the board top,
# place and route for the UP5K-SG48 at BOARD_MHZ, icepack. Reports in build/:
# board_icebreaker.stat (cells), nextpnr_icebreaker.log (utilisation, Fmax),
# nextpnr_icebreaker.json. The placement seeds are tried in turn until one
# meets BOARD_MHZ (NEXTPNR_SEEDS; NEXTPNR_SEED=n tries n alone): the design
# is close to the board clock, and a small change elsewhere can move one
# seed's Fmax under it.
NEXTPNR_SEEDS ?= $(if $(NEXTPNR_SEED),$(NEXTPNR_SEED),1 2 3 4 5 6)
# the board clock nextpnr must meet (rtl/board/anpr_icebreaker.v's PLL: 19.875 MHz); a miss fails the build
BOARD_MHZ ?= 20
BOARD_RTL := $(filter %.v,$(RTL)) rtl/board/anpr_icebreaker.v
bitstream: $(BUILD)/anpr_icebreaker.bin

$(BUILD)/anpr_icebreaker.json: $(BOARD_RTL) rtl/anpr_protocol.vh rtl/anpr_cfg_defaults.vh bitstreams/board_icebreaker.ys bitstreams/cmpconst.v | $(BUILD)
	timeout 1800 yosys -q -l $(BUILD)/board_icebreaker.log bitstreams/board_icebreaker.ys
	@grep -E "SB_" $(BUILD)/board_icebreaker.stat

# the clock and seeds asked for: a change places and routes again (else
# `make bitstream BOARD_MHZ=30` after a 16 MHz build was "nothing to be done")
$(BUILD)/nextpnr_args: FORCE | $(BUILD)
	@echo "--freq $(BOARD_MHZ), seeds $(NEXTPNR_SEEDS)" | cmp -s - $@ || \
		echo "--freq $(BOARD_MHZ), seeds $(NEXTPNR_SEEDS)" > $@
FORCE:

# a failed run leaves neither the .asc nor an older run's .bin behind
$(BUILD)/anpr_icebreaker.asc: $(BUILD)/anpr_icebreaker.json bitstreams/icebreaker.pcf $(BUILD)/nextpnr_args
	@rm -f $@ $(BUILD)/anpr_icebreaker.bin; for s in $(NEXTPNR_SEEDS); do \
		echo "nextpnr-ice40 --freq $(BOARD_MHZ) --seed $$s"; \
		if timeout 3600 nextpnr-ice40 --up5k --package sg48 --pcf bitstreams/icebreaker.pcf --json $< \
			--asc $@ --freq $(BOARD_MHZ) --seed $$s --report $(BUILD)/nextpnr_icebreaker.json \
			-l $(BUILD)/nextpnr_icebreaker.log -q; then \
			grep -E "ICESTORM_(LC|RAM|DSP|SPRAM): |Max frequency" $(BUILD)/nextpnr_icebreaker.log; \
			echo "seed $$s meets $(BOARD_MHZ) MHz"; exit 0; \
		fi; \
		rm -f $@; grep -E "ICESTORM_(LC|RAM|DSP|SPRAM): |ERROR|Max frequency" $(BUILD)/nextpnr_icebreaker.log; \
	done; echo "no seed of $(NEXTPNR_SEEDS) meets $(BOARD_MHZ) MHz: no bitstream"; exit 1

$(BUILD)/anpr_icebreaker.bin: $(BUILD)/anpr_icebreaker.asc
	icepack $< $@
	@ls -l $@

eval: $(BUILD)/locate_eval $(BUILD)/read_eval $(BUILD)/drawn_eval
	./$(BUILD)/drawn_eval
	@if [ ! -d $(DATA)/eu-scenes ]; then echo "eval: $(DATA) not found: no real images to measure"; else \
		set -e; \
		./$(BUILD)/read_eval --data $(DATA); \
		./$(BUILD)/locate_eval --preset up5k $(DATA)/eu-scenes $(DATA)/us-scenes; \
		./$(BUILD)/locate_eval --preset large $(DATA)/eu-scenes $(DATA)/us-scenes; \
	fi

# the anpr read / classify command-line contract; real images join in when $(DATA) exists
read-test: $(BUILD)/anpr $(BUILD)/mkscene $(BUILD)/read_eval
	tests/read/run.sh $(BUILD) $(DATA)

# hotlists and alerts through the anpr tool, on a generated frame
$(BUILD)/mkscene: $(call obj,tests/hotlist/mkscene.c sim/scenes.c sim/plates.c)
	$(CC) $^ -o $@

hotlist-test: $(BUILD)/anpr $(BUILD)/mkscene
	tests/hotlist/run.sh $(BUILD)

# hotlist figures over 10 million generated entries (make bench)
$(BUILD)/bench_hotlist: $(call obj,tools/bench_hotlist.c $(HOST_SRC)) $(VL_OBJ_up5k)
	$(CXX) $^ $(BUILD)/vl_up5k/verilated_threads.o $(PNG_LIBS) $(USB_LIBS) -lpthread -o $@

# libFuzzer targets (clang). `make fuzz` explores for FUZZ_SECONDS each from
# the seed corpora (tests/fuzz/corpus) into build/corpus; `make fuzz-regress`
# (in make test) replays the seeds only.
FUZZ_SECONDS ?= 60
FUZZ_CC := clang -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all $(CSTD) $(INC) $(PNG_CFLAGS)
$(BUILD)/fuzz_records: tests/fuzz/fuzz_records.c host/src/records.c | $(BUILD)
	$(FUZZ_CC) $^ -o $@
$(BUILD)/fuzz_image: tests/fuzz/fuzz_image.c host/src/image.c | $(BUILD)
	$(FUZZ_CC) $^ $(PNG_LIBS) -o $@
$(BUILD)/fuzz_hotlist: tests/fuzz/fuzz_hotlist.c host/src/hotlist.c | $(BUILD)
	$(FUZZ_CC) $^ -o $@
$(BUILD)/fuzz_segment: tests/fuzz/fuzz_segment.c host/src/segment.c tests/fuzz/fuzz_crop.h | $(BUILD)
	$(FUZZ_CC) $(filter %.c,$^) -o $@
$(BUILD)/fuzz_read: tests/fuzz/fuzz_read.c host/src/read.c host/src/segment.c host/src/classify.c \
		host/src/classifier_weights.c host/src/grammar.c tests/fuzz/fuzz_crop.h | $(BUILD)
	$(FUZZ_CC) $(filter %.c,$^) -lm -o $@

$(BUILD)/fuzz_usbwire: tests/fuzz/fuzz_usbwire.c host/src/usbwire.c sim/bridge/anpr_bridge.c $(MODEL_SRC) | $(BUILD)
	$(FUZZ_CC) -Isim/bridge $^ -o $@

fuzz: $(BUILD)/fuzz_records $(BUILD)/fuzz_image $(BUILD)/fuzz_hotlist $(BUILD)/fuzz_usbwire $(BUILD)/fuzz_segment \
		$(BUILD)/fuzz_read
	@for t in records image hotlist usbwire segment read; do \
		mkdir -p $(BUILD)/corpus/$$t; \
		echo "fuzz_$$t: $(FUZZ_SECONDS) s"; \
		out=$$(./$(BUILD)/fuzz_$$t -max_total_time=$(FUZZ_SECONDS) -max_len=8192 -print_final_stats=1 \
			$(BUILD)/corpus/$$t $$( [ -d tests/fuzz/corpus/$$t ] && echo tests/fuzz/corpus/$$t ) 2>&1); \
		st=$$?; \
		echo "$$out" | grep -E "^(Done|#[0-9]+[[:space:]]+DONE|stat::number_of_executed_units)|ERROR|SUMMARY"; \
		[ $$st -eq 0 ] || { echo "$$out" | tail -60; echo "fuzz: fuzz_$$t found a failure (crash-*, leak-* or timeout-* here)"; exit 1; }; \
	done

# a seed that crashes fails the target (the fuzzer's status, not a pipe's)
fuzz-regress: $(BUILD)/fuzz_hotlist $(BUILD)/fuzz_usbwire $(BUILD)/fuzz_image $(BUILD)/fuzz_read
	@for t in hotlist image usbwire read; do \
		out=$$(./$(BUILD)/fuzz_$$t -runs=0 tests/fuzz/corpus/$$t 2>&1) || \
			{ echo "$$out" | tail -40; echo "fuzz-regress: fuzz_$$t failed on its seeds"; exit 1; }; \
		echo "fuzz_$$t: $$(echo "$$out" | tail -1) (tests/fuzz/corpus/$$t)"; \
	done

test: deps protocol-check unit lint formal sim-test bridge-test read-test hotlist-test usb-test usb-rtl-test fuzz-regress run

clean:
	rm -rf $(BUILD)
