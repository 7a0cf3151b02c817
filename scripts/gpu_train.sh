#!/usr/bin/env bash
# Train the default model on one CUDA GPU in about 8 minutes of wall time, and score it on dev.
#
# Here, once (reads ../shared/data; ~1 minute; runs/ is git-ignored):
#     python scripts/train.py --save-sample runs/gpu_sample
# On the GPU machine, through the device tool (carry: ["runs/gpu_sample"]):
#     scripts/gpu_train.sh
# From the checkout's root. It continues from the shipped model (INIT=data/electra_models; INIT= trains a fresh pair, then
# pass --d-shape/--g-shape), writes $OUT/model.tgz (the exported model folder), $OUT/train.log
# and $OUT/dev.json, $OUT/dev_clean.json (dev scores, also printed). Extra arguments go to scripts/train.py.
# A tiny check on CPU: DEVICE=cpu WORKERS=1 scripts/gpu_train.sh --steps 5 (tests/test_training_data.py)
set -euo pipefail

SAMPLE=${SAMPLE:-runs/gpu_sample}
OUT=${OUT:-runs/gpu}
ROOT=$(cd "$(dirname "$0")/.." && pwd)  # the checkout; runs/ goes in the current folder
INIT=${INIT-$ROOT/data/electra_models}
MINUTES=${MINUTES:-5}
DEVICE=${DEVICE:-cuda}
PRECISION=${PRECISION:-bf16}
WORKERS=${WORKERS:-12}
PYTHON=${PYTHON:-python3}
export PYTHONPATH="$ROOT${PYTHONPATH:+:$PYTHONPATH}" PYTHONUNBUFFERED=1

work=runs/gpu_run
mkdir -p "$OUT" "$work"
# With --steps among the extra arguments, the run ends at whichever of the two comes first.
"$PYTHON" "$ROOT/scripts/train.py" --sample "$SAMPLE" ${INIT:+--init "$INIT"} --minutes "$MINUTES" \
    --device "$DEVICE" --precision "$PRECISION" --loader-workers "$WORKERS" --threads 4 \
    --batch-tokens 65536 --lr 1e-3 --keep-fraction 0.1 --g-objective candidates \
    --eval-minutes 1 --checkpoint-minutes 2 --no-progress --name gpu_run \
    --dev-out "$work/dev/dev.tsv" --out "$work/model" "$@" 2>&1 | tee "$OUT/train.log"
tar czf "$OUT/model.tgz" -C "$work" model
# Decoding settings are the untuned defaults: tune.py picks them here afterwards, on CPU.
for part in dev dev_clean; do
    "$PYTHON" -m electra_corrector.evaluation.cli --model "$work/model" --device "$DEVICE" \
        --json "$work/dev/$part.tsv" | tee "$OUT/$part.json"
done
