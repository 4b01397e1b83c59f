#!/bin/bash
# Bounded model checks of the stream handshakes (properties under `ifdef FORMAL
# in the RTL), with yosys and yosys-smtbmc, no SymbiYosys needed.
#   tests/formal/run.sh BUILD_DIR
set -euo pipefail
out=${1:-build}/formal
mkdir -p "$out"
check() { # name top depth chparam files...
	local name=$1 top=$2 depth=$3 params=$4
	shift 4
	yosys -q -l "$out/$name.yosys.log" -p "read_verilog -formal -DFORMAL -Irtl $*; \
		${params:+chparam $params $top;} prep -top $top; memory_map; opt -fast; async2sync; dffunmap; write_smt2 -wires $out/$name.smt2"
	if yosys-smtbmc -s z3 -t "$depth" --presat "$out/$name.smt2" > "$out/$name.bmc.log" 2>&1 &&
	   yosys-smtbmc -s z3 -t "$depth" -c "$out/$name.smt2" > "$out/$name.cover.log" 2>&1; then
		echo "formal: $name: assertions hold for $depth cycles, covers reached"
	else
		echo "formal: $name: FAILED (see $out/$name.*.log)"
		tail -n 20 "$out/$name.bmc.log" "$out/$name.cover.log" 2>/dev/null || true
		return 1
	fi
}
# small instances: the properties do not depend on the sizes
check fifo anpr_fifo 12 "-set DATA_W 4 -set ADDR_W 2" rtl/anpr_ram_sdp.v rtl/anpr_fifo.v
check framer anpr_framer 12 "" rtl/anpr_framer.v
check obuf anpr_obuf 12 "" rtl/anpr_obuf.v
