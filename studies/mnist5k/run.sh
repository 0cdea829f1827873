#!/usr/bin/env bash
# CE vs LA-CE vs SCL vs BCL vs ProCo vs BCL + ConCutMix on real long-tailed handwritten digits
# (MNIST5kLT, rho = 100, ResNet-32, the CIFAR recipe's losses and views):
# trains each method for each seed, tests every final checkpoint, and
# writes studies/mnist5k/report.md (mean ± std over the seeds of accuracy by
# shot group and the neural-collapse measures), the per-class accuracy plot
# and the class-mean geometry of seed 0. JOBS runs go side by side, one
# thread each (the numbers hold for one thread per run).
# Usage: bash studies/mnist5k/run.sh [OUT_DIR]   (default: this folder)
#        SEEDS="0 1 2" JOBS=2 WORK_DIR=work_dirs/mnist5k_report
set -euo pipefail
cd "$(dirname "$0")/../.."
OUT=${1:-studies/mnist5k}
WORK=${WORK_DIR:-work_dirs/mnist5k_report}
SEEDS=${SEEDS:-"0 1 2"}
JOBS=${JOBS:-2}
EPOCHS=20
START=$(date +%s)
mkdir -p "$OUT/images" "$WORK"
rm -f "$WORK"/*.trained  # marks the runs this call trains
export OMP_NUM_THREADS=1

declare -A CONFIG=(
    [bcl]=configs/bcl/resnet32_mnist5k_lt_r100.py
    [scl]=configs/bcl/ablation/resnet32_mnist5k_lt_r100_scl.py
    [la-ce]=configs/bcl/ablation/resnet32_mnist5k_lt_r100_la-ce.py
    [ce]=configs/baselines/resnet32_mnist5k_lt_r100_ce.py
    [proco]=configs/proco/resnet32_mnist5k_lt_r100.py
    [concutmix]=configs/concutmix/resnet32_mnist5k_lt_r100.py
)
declare -A NAME=([bcl]=BCL [scl]=SCL [la-ce]=LA-CE [ce]=CE [proco]=ProCo
    [concutmix]=ConCutMix)
METHODS=(concutmix bcl proco scl la-ce ce)  # the longest runs first

elapsed() { printf '%dm%02ds' $(( ($(date +%s) - START) / 60 )) \
    $(( ($(date +%s) - START) % 60 )); }

# Run "$@" as a background job, JOBS at a time.
spawn() {
    while [ "$(jobs -rp | wc -l)" -ge "$JOBS" ]; do wait -n; done
    "$@" &
}

train() {  # method seed
    local dir="$WORK/$1-s$2"
    if [ ! -f "$dir/epoch_$EPOCHS.pth" ]; then
        echo "[$(elapsed)] training ${NAME[$1]}, seed $2"
        local begin=$(date +%s)
        python tools/train.py "${CONFIG[$1]}" --work-dir "$dir" \
            --cfg-options randomness.seed="$2" > "$dir.log" 2>&1
        touch "$dir.trained"
        # its training time, as missing_classes_study.py reads it
        awk -v s=$(( $(date +%s) - begin )) 'BEGIN { printf "%.2f\n", s / 60 }' \
            > "$dir.minutes"
    fi
    echo "[$(elapsed)] ${NAME[$1]}, seed $2: $(tail -n 1 "$dir.log")"
}

test_run() {  # method seed feature
    local dir="$WORK/$1-s$2"
    python tools/test.py "${CONFIG[$1]}" "$dir/epoch_$EPOCHS.pth" \
        --work-dir "$dir/test-$3" --out "$dir-$3.npz" --out-feature "$3" \
        > "$dir-$3.log" 2>&1
}

for method in "${METHODS[@]}"; do
    for seed in $SEEDS; do
        mkdir -p "$WORK/$method-s$seed"
        spawn train "$method" "$seed"
    done
done
wait
echo "[$(elapsed)] trained; testing every final checkpoint"
for method in "${METHODS[@]}"; do
    for seed in $SEEDS; do
        spawn test_run "$method" "$seed" backbone_feat
        if [ "$method" != la-ce ] && [ "$method" != ce ]; then
            spawn test_run "$method" "$seed" contrast_feat
        fi
    done
done
wait

runs() {  # method [suffix]: its work dirs (or results files), comma-joined
    local list=""
    for seed in $SEEDS; do list="${list:+$list,}$WORK/$1-s$seed${2:-}"; done
    echo "$list"
}
first=${SEEDS%% *}
python tools/analysis_tools/compare_runs.py "CE=$(runs ce)" \
    "LA-CE=$(runs la-ce)" "SCL=$(runs scl)" "BCL=$(runs bcl)" \
    "ProCo=$(runs proco)" "ConCutMix=$(runs concutmix)" \
    --paired LA-CE:CE BCL:LA-CE BCL:SCL SCL:LA-CE ProCo:LA-CE ProCo:BCL \
    ConCutMix:BCL ConCutMix:LA-CE ConCutMix:ProCo \
    --seeds $SEEDS \
    --out "$WORK/table.md"
python tools/visualization/plot_per_class.py \
    "$(runs ce -backbone_feat.npz)" "$(runs la-ce -backbone_feat.npz)" \
    "$(runs scl -backbone_feat.npz)" "$(runs bcl -backbone_feat.npz)" \
    "$(runs proco -backbone_feat.npz)" "$(runs concutmix -backbone_feat.npz)" \
    --names CE LA-CE SCL BCL ProCo ConCutMix --out "$OUT/images/mnist5k_per_class.png" \
    --title "MNIST5kLT, rho = 100: per-class accuracy (mean over seeds $SEEDS)"
python tools/visualization/plot_geometry.py \
    "$WORK/ce-s$first-backbone_feat.npz" "$WORK/la-ce-s$first-backbone_feat.npz" \
    "$WORK/scl-s$first-backbone_feat.npz" "$WORK/bcl-s$first-backbone_feat.npz" \
    "$WORK/proco-s$first-backbone_feat.npz" \
    --names 'CE, backbone' 'LA-CE, backbone' 'SCL, backbone' 'BCL, backbone' \
    'ProCo, backbone' \
    --out "$OUT/images/mnist5k_geometry_backbone.png"
python tools/visualization/plot_geometry.py \
    "$WORK/scl-s$first-contrast_feat.npz" "$WORK/bcl-s$first-contrast_feat.npz" \
    "$WORK/proco-s$first-contrast_feat.npz" \
    --names 'SCL, contrastive' 'BCL, contrastive' 'ProCo, contrastive' \
    --out "$OUT/images/mnist5k_geometry_contrast.png"
WALL=$(elapsed)
TRAINED=$(find "$WORK" -maxdepth 1 -name '*.trained' | wc -l)
{
    echo "# CE vs LA-CE vs SCL vs BCL vs ProCo vs ConCutMix on long-tailed handwritten digits"
    echo
    echo "Made by \`bash studies/mnist5k/run.sh\` (seeds: $SEEDS;"
    echo "$JOBS runs side by side, one thread each; $WALL wall time on"
    echo "$(getconf _NPROCESSORS_ONLN) CPU cores; it trained $TRAINED of the"
    echo "$(( ${#METHODS[@]} * $(wc -w <<< "$SEEDS") )) runs, and reuses runs"
    echo "already in \`$WORK\`). Data: \`MNIST5kLT\`, 988 training digits"
    echo "(400 → 4 a class, ρ = 100), 100 test digits a class. ResNet-32, the"
    echo "CIFAR recipe's losses, heads and views, $EPOCHS epochs of batch 64;"
    echo "ProCo swaps BCL's loss for ProCo's (LA-CE + 1.0 x ProCo, T = 0.1);"
    echo "ConCutMix is BCL with ConCutMix switched on (class-balanced paste"
    echo "with probability 0.5, the area label for 10 epochs, then the"
    echo "semantically consistent label: top-3, scaling factor 2/255)."
    echo "Each cell: mean ± standard deviation over the seeds of the final"
    echo "validation (many: > 100 training images, few: < 20)."
    echo
    cat "$WORK/table.md"
    echo
    echo "![Per-class accuracy](images/mnist5k_per_class.png)"
    echo
    echo "Seed $first's class-mean geometry:"
    echo
    echo "![Backbone class-mean cosines](images/mnist5k_geometry_backbone.png)"
    echo
    echo "![Contrastive class-mean cosines](images/mnist5k_geometry_contrast.png)"
} > "$OUT/report.md"
echo "[$WALL] wrote $OUT/report.md"
