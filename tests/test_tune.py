"""scripts/tune.py: which kind costs a grid weighs, and that --save keeps the model's own."""

from __future__ import annotations

import json
import shutil

import tune

from electra_corrector.engine.options import MODEL_SETTINGS_FILE, CorrectorOptions


def test_kind_costs_vary_the_named_kinds_and_keep_the_models_others():
    base = (("seen", -1.0), ("pinyin", 8.0))
    assert tune.kind_costs(["pinyin=4,0", "near=2"], base) == [
        (("seen", -1.0), ("pinyin", 4.0), ("near", 2.0)),
        (("seen", -1.0), ("near", 2.0)),  # a cost of 0 is no cost
    ]


def test_a_grid_without_kind_costs_weighs_and_saves_the_models_own(
    tiny_model_dir, tmp_path, capsys
):
    model = tmp_path / "model"
    shutil.copytree(tiny_model_dir, model)
    costs = {"seen": -1.0, "shape": 8.0}
    options = CorrectorOptions(threshold=0.3, top_k=21128, kind_cost=tuple(costs.items()))
    (model / MODEL_SETTINGS_FILE).write_text(options.to_json(), encoding="utf-8")
    dev = tmp_path / "dev"
    dev.mkdir()
    (dev / "learner.tsv").write_text("我跟我朋唷打算去法国玩儿。\t我跟我朋友打算去法国玩儿。\n")
    (dev / "clean_news.tsv").write_text("今天天气很好。\t今天天气很好。\n")
    narrow = ["threshold=0.3", "min_gain=5", "detection_weight=1", "lm_weight=1"]
    narrow += ["word_weight=0", "frequency_weight=1", "max_lm_loss=none"]
    only = [arg for value in narrow for arg in ("--only", value)]
    tune.main(["--model", str(model), "--dev", str(dev), *only, "--max-clean", "1", "--save"])
    capsys.readouterr()
    saved = json.loads((model / MODEL_SETTINGS_FILE).read_text(encoding="utf-8"))
    assert saved["kind_cost"] == costs
    assert saved["tuned"]["chosen"]["kind_cost"] == costs
