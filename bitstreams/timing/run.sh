#!/bin/bash
# Fmax estimate while the whole design does not fit the UP5K (make bitstream
# fails to place): place and route, for each seed,
#   rest  the iCEBreaker board design with anpr_emit replaced by a stub
#         (bitstreams/timing/anpr_emit_stub.v), at the board's pins;
#   emit  rtl/anpr_emit.v alone (bitstreams/timing/anpr_emit_wrap.v),
# and print nextpnr's Fmax of each. Paths between the two are not timed.
#   bitstreams/timing/run.sh BUILD_DIR [SEED...]     (default seeds 1 2 3)
set -euo pipefail
out=${1:-build}/timing
shift || true
seeds=${*:-1 2 3}
mkdir -p "$out"
core="rtl/anpr_spram.v rtl/anpr_ram_sp8.v rtl/anpr_ram_sdp.v rtl/anpr_ram_sdp2.v rtl/anpr_fifo.v
      rtl/anpr_obuf.v rtl/anpr_framer.v rtl/anpr_sobel.v rtl/anpr_blocks.v rtl/anpr_evq.v
      rtl/anpr_linker.v rtl/anpr_store.v rtl/anpr_front.v rtl/anpr_back.v
      rtl/anpr_pipeline.v"
synth() { # name top files...
	local name=$1 top=$2
	shift 2
	# the board build's synthesis: its abc9 script included
	{
		echo "read_verilog -DANPR_ICE40 -Irtl $*"
		echo "read_verilog -lib +/ice40/cells_sim.v"
		grep '^scratchpad -set abc9' bitstreams/board_icebreaker.ys
		echo "synth_ice40 -top $top -dsp -abc9 -dff -json $out/$name.json"
	} > "$out/$name.ys"
	timeout 1800 yosys -q -l "$out/$name.yosys.log" "$out/$name.ys"
}
synth rest anpr_icebreaker $core bitstreams/timing/anpr_emit_stub.v rtl/board/anpr_icebreaker.v
synth emit anpr_emit_wrap rtl/anpr_ram_sdp.v rtl/anpr_ram_sdp2.v rtl/anpr_obuf.v rtl/anpr_emit.v \
	bitstreams/timing/anpr_emit_wrap.v
for seed in $seeds; do
	for part in rest:bitstreams/icebreaker.pcf emit:bitstreams/timing/emit_wrap.pcf; do
		name=${part%%:*}
		pcf=${part#*:}
		log=$out/$name.seed$seed.nextpnr.log
		if timeout 3600 nextpnr-ice40 --up5k --package sg48 --pcf "$pcf" --pcf-allow-unconstrained \
			--json "$out/$name.json" --asc "$out/$name.asc" --freq 30 --timing-allow-fail \
			--seed "$seed" -l "$log" -q; then
			lc=$(grep -m1 -E "ICESTORM_LC:" "$log" | sed 's/.*ICESTORM_LC: *//')
			fmax=$(grep -E "Max frequency for clock" "$log" | tail -1 | sed 's/.*: //')
			echo "timing: $name seed $seed: ICESTORM_LC $lc, $fmax"
		else
			echo "timing: $name seed $seed: nextpnr failed (see $log)"
		fi
	done
done
