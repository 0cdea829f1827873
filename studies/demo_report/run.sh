#!/usr/bin/env bash
# CE vs SCL vs BCL on the embedded demo data: train LA-CE (beta = 0), SCL
# and BCL with the same ResNet-8, data and schedule for each seed, then
# write studies/demo_report/report.md (mean ± std over the seeds of accuracy by shot
# group and the neural-collapse measures) and the geometry pictures of
# seed 0 side by side. 9 runs of 3-4 minutes on 2 CPU cores (about 35 in all).
# Usage: bash studies/demo_report/run.sh [OUT_DIR]   (default: this folder)
#        SEEDS="0 1 2" WORK_DIR=work_dirs/demo_report
set -euo pipefail
cd "$(dirname "$0")/../.."
OUT=${1:-studies/demo_report}
WORK=${WORK_DIR:-work_dirs/demo_report}
SEEDS=${SEEDS:-"0 1 2"}
mkdir -p "$OUT/images" "$WORK"

declare -A CONFIG=(
    [la-ce]=configs/bcl/ablation/resnet8_synthetic_lt_demo_la-ce.py
    [scl]=configs/bcl/ablation/resnet8_synthetic_lt_demo_scl.py
    [bcl]=configs/bcl/resnet8_synthetic_lt_demo.py
)
METHODS=(la-ce scl bcl)
declare -A RUNS
for method in "${METHODS[@]}"; do
    for seed in $SEEDS; do
        dir="$WORK/$method-s$seed"
        if [ ! -f "$dir/epoch_20.pth" ]; then
            python tools/train.py "${CONFIG[$method]}" --work-dir "$dir" \
                --cfg-options randomness.seed="$seed"
        fi
        RUNS[$method]="${RUNS[$method]:+${RUNS[$method]},}$dir"
    done
    first="$WORK/$method-s${SEEDS%% *}"
    for feature in backbone_feat contrast_feat; do
        [ "$method" = la-ce ] && [ "$feature" = contrast_feat ] && continue
        python tools/test.py "${CONFIG[$method]}" "$first/epoch_20.pth" \
            --work-dir "$first/test" --out "$WORK/$method-$feature.npz" \
            --out-feature "$feature"
    done
done

python tools/analysis_tools/compare_runs.py \
    "LA-CE=${RUNS[la-ce]}" "SCL=${RUNS[scl]}" "BCL=${RUNS[bcl]}" \
    --out "$WORK/table.md"
python tools/visualization/plot_geometry.py \
    "$WORK/la-ce-backbone_feat.npz" "$WORK/scl-backbone_feat.npz" \
    "$WORK/bcl-backbone_feat.npz" --names 'LA-CE, backbone' \
    'SCL, backbone' 'BCL, backbone' --out "$OUT/images/demo_geometry_backbone.png"
python tools/visualization/plot_geometry.py \
    "$WORK/scl-contrast_feat.npz" "$WORK/bcl-contrast_feat.npz" \
    --names 'SCL, contrastive' 'BCL, contrastive' \
    --out "$OUT/images/demo_geometry_contrast.png"
python tools/visualization/plot_per_class.py "$WORK/bcl-contrast_feat.npz" \
    --out "$OUT/images/demo_per_class_bcl.png" --title 'BCL, SyntheticLT demo'
python tools/analysis_tools/shot_report.py "$WORK/la-ce-backbone_feat.npz" \
    "$WORK/scl-backbone_feat.npz" "$WORK/bcl-backbone_feat.npz" \
    --names LA-CE SCL BCL > "$WORK/seed0.md"
{
    echo "# CE vs SCL vs BCL on the demo data"
    echo
    echo "Made by \`bash studies/demo_report/run.sh\` (seeds: $SEEDS)."
    echo "Each cell: mean ± standard deviation over the seeds of the final"
    echo "validation (balanced test set, 50 images a class)."
    echo
    cat "$WORK/table.md"
    echo
    echo "Seed ${SEEDS%% *} alone (the run the pictures show):"
    echo
    cat "$WORK/seed0.md"
    echo
    echo "![Backbone class-mean cosines](images/demo_geometry_backbone.png)"
    echo
    echo "![Contrastive class-mean cosines](images/demo_geometry_contrast.png)"
} > "$OUT/report.md"
echo "wrote $OUT/report.md"
