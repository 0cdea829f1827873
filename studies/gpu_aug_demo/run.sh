#!/usr/bin/env bash
# The gpu-aug demo against the CPU demo: trains BCL on the embedded demo
# data with the CPU views (resnet8_synthetic_lt_demo.py) and with the views'
# photometric work done by DeviceAugmentDataPreprocessor (..._gpu-aug.py,
# here on the CPU as the device), for each seed, and prints the mean ± std
# of the final validation of each, and their difference paired by seed
# (compare_runs.py). Runs go one at a time,
# one thread each; about 4 minutes a run on 2 CPU cores.
# Usage: bash studies/gpu_aug_demo/run.sh
#        SEEDS="0 1 2" WORK_DIR=work_dirs/gpu_aug_demo
set -euo pipefail
cd "$(dirname "$0")/../.."
WORK=${WORK_DIR:-work_dirs/gpu_aug_demo}
SEEDS=${SEEDS:-"0 1 2"}
export OMP_NUM_THREADS=1
mkdir -p "$WORK"
declare -A CONFIG=(
    [cpu]=configs/bcl/resnet8_synthetic_lt_demo.py
    [gpu-aug]=configs/bcl/resnet8_synthetic_lt_demo_gpu-aug.py
)
declare -A RUNS
for variant in cpu gpu-aug; do
    for seed in $SEEDS; do
        dir="$WORK/$variant-s$seed"
        if [ ! -f "$dir/epoch_20.pth" ]; then
            echo "training the $variant demo, seed $seed"
            python tools/train.py "${CONFIG[$variant]}" --work-dir "$dir" \
                --cfg-options randomness.seed="$seed" > "$dir.log" 2>&1
        fi
        RUNS[$variant]="${RUNS[$variant]:+${RUNS[$variant]},}$dir"
    done
done
python tools/analysis_tools/compare_runs.py \
    "BCL demo, CPU views=${RUNS[cpu]}" \
    "BCL demo, gpu-aug views=${RUNS[gpu-aug]}" \
    --paired "BCL demo, gpu-aug views:BCL demo, CPU views" --seeds $SEEDS \
    --out "$WORK/table.md"
