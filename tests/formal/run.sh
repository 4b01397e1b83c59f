#!/bin/bash
# Bounded model checks of the stream handshakes with yosys and yosys-smtbmc
# (z3), no SymbiYosys needed. Two kinds:
#  - properties under `ifdef FORMAL in the RTL (anpr_fifo, anpr_framer, anpr_obuf);
#  - properties at a module's ports, in a wrapper tests/formal/fv_<name>.v
#    (anpr_evq, anpr_linker, anpr_store, anpr_emit): the inputs' stream
#    contract assumed (fv_stream.v, OUTPUT 0), the outputs' asserted
#    (OUTPUT 1), plus "no output without input" counts. Their memories can
#    be the stand-ins in tests/formal/free/ (read data free every cycle), so
#    a property proven holds whatever the memory holds.
#   tests/formal/run.sh BUILD_DIR [NAME...]   (NAME: only those checks)
set -euo pipefail
out=${1:-build}/formal
shift || true
only=" $* "
mkdir -p "$out"
# name top depth chparam plain-files formal-files...
# plain-files (space-separated, may be empty): read without FORMAL, for
# submodules whose own properties are checked alone and do not hold in the
# parent's context (anpr_obuf's cover of a full buffer: anpr_emit keeps one
# place free)
check() {
	local name=$1 top=$2 depth=$3 params=$4 plain=$5
	shift 5
	[ "$only" = "  " ] || [[ "$only" == *" $name "* ]] || return 0
	yosys -q -l "$out/$name.yosys.log" -p "${plain:+read_verilog -Irtl $plain;} read_verilog -formal -DFORMAL -Irtl $*; \
		${params:+chparam $params $top;} prep -top $top; memory_map; opt -fast; async2sync; dffunmap; write_smt2 -wires $out/$name.smt2"
	# --unroll: z3 stalls on some wrappers in the default (function) encoding
	if yosys-smtbmc -s z3 --unroll -t "$depth" --presat "$out/$name.smt2" > "$out/$name.bmc.log" 2>&1 &&
	   yosys-smtbmc -s z3 --unroll -t "$depth" -c "$out/$name.smt2" > "$out/$name.cover.log" 2>&1; then
		echo "formal: $name: assertions hold for $depth cycles, covers reached"
	else
		echo "formal: $name: FAILED (see $out/$name.*.log)"
		tail -n 20 "$out/$name.bmc.log" "$out/$name.cover.log" 2>/dev/null | tr '\r' '\n' | grep -av '^ *(' || true
		return 1
	fi
}
F=tests/formal
# small instances: the properties do not depend on the sizes
check fifo anpr_fifo 12 "-set DATA_W 4 -set ADDR_W 2" "" rtl/anpr_ram_sdp.v rtl/anpr_fifo.v
check framer anpr_framer 12 "" "" rtl/anpr_framer.v
check framer2 anpr_framer 12 "-set PPC 2" "" rtl/anpr_framer.v
check obuf anpr_obuf 12 "" "" rtl/anpr_obuf.v
check evq fv_evq 12 "" "" rtl/anpr_ram_sdp.v rtl/anpr_fifo.v rtl/anpr_evq.v $F/fv_stream.v $F/fv_evq.v
check linker fv_linker 12 "" "" $F/free/anpr_ram_sdp.v rtl/anpr_linker.v $F/fv_stream.v $F/fv_linker.v
# store: 20 cycles, so that three frame controls can be offered (a message
# takes six cycles to write): the queue-depth assertion is reached
check store fv_store 20 "" "" $F/free/anpr_ram_sdp.v $F/free/anpr_spram.v rtl/anpr_ram_sp8.v rtl/anpr_store.v \
	$F/fv_stream.v $F/fv_store.v
check emit fv_emit 12 "" "rtl/anpr_obuf.v" $F/free/anpr_ram_sdp.v $F/free/anpr_ram_sdp2.v rtl/anpr_emit.v \
	$F/fv_stream.v $F/fv_emit.v
check pixel fv_pixel 12 "" "" $F/free/anpr_ram_sdp.v rtl/anpr_sobel.v rtl/anpr_blocks.v $F/fv_pixel.v
check pixel2 fv_pixel 12 "-set PPC 2" "" $F/free/anpr_ram_sdp.v rtl/anpr_sobel.v rtl/anpr_blocks.v $F/fv_pixel.v
# bitstreams/cmpconst.v, the board build's techmap of comparisons with a
# constant side, against Yosys's own comparison cells: every comparison of
# fv_cmpconst.v mapped, and the same function (a SAT proof, all inputs)
if [ "$only" = "  " ] || [[ "$only" == *" cmpconst "* ]]; then
	if yosys -q -l "$out/cmpconst.yosys.log" -p "read_verilog $F/fv_cmpconst.v; proc; opt_clean; \
		copy fv_cmpconst gold; techmap -map bitstreams/cmpconst.v fv_cmpconst; opt; \
		select -assert-none fv_cmpconst/t:\$lt fv_cmpconst/t:\$le fv_cmpconst/t:\$gt fv_cmpconst/t:\$ge; \
		select -assert-count 20 gold/t:\$lt gold/t:\$le gold/t:\$gt gold/t:\$ge; \
		miter -equiv -flatten -make_assert gold fv_cmpconst miter; hierarchy -top miter; \
		sat -verify -prove-asserts miter"; then
		echo "formal: cmpconst: the techmap is equivalent on every comparison"
	else
		echo "formal: cmpconst: FAILED (see $out/cmpconst.yosys.log)"
		exit 1
	fi
fi
