#!/usr/bin/env bash
# Train the demo with BCL and its cross-entropy baseline, test both and draw
# the README's pictures and table (about 4 minutes on 2 CPU cores).
# Usage: tools/analysis_tools/demo_report.sh [OUT_DIR]   (default docs/images)
set -euo pipefail
cd "$(dirname "$0")/../.."
OUT=${1:-docs/images}
WORK=${WORK_DIR:-work_dirs/demo_report}
mkdir -p "$OUT" "$WORK"

for run in bcl/resnet8_synthetic_lt_demo baselines/resnet8_synthetic_lt_ce; do
    name=$(basename "$run")
    python tools/train.py "configs/$run.py" --work-dir "$WORK/$name"
    python tools/test.py "configs/$run.py" "$WORK/$name/epoch_12.pth" \
        --work-dir "$WORK/$name" --out "$WORK/$name.pkl"
done

BCL=$WORK/resnet8_synthetic_lt_demo.pkl
CE=$WORK/resnet8_synthetic_lt_ce.pkl
python tools/analysis_tools/plot_per_class.py "$BCL" \
    --out "$OUT/demo_per_class_bcl.png" --title 'BCL, SyntheticLT demo'
python tools/analysis_tools/plot_per_class.py "$CE" \
    --out "$OUT/demo_per_class_ce.png" --title 'Cross-entropy, SyntheticLT demo'
python tools/analysis_tools/plot_geometry.py "$BCL" \
    --out "$OUT/demo_geometry_bcl.png" --title 'BCL contrastive features'
python tools/analysis_tools/shot_report.py "$BCL" "$CE" --names BCL CE \
    | tee "$OUT/demo_shot_report.md"
