"""Pick a model's decoding settings on the multi-genre dev set, and save them.

The dev set (scripts/build_dev.py, never a test set) holds real error pairs (`learner.tsv`,
`pairs_*.tsv`) and clean sentences of many genres (`clean_*.tsv`). The models run once, at the
lowest threshold, proposing up to --candidates substitutes per flagged character with their word
knowledge; every setting of the grid is then scored on those proposals at once (numpy), so tens
of thousands of settings cost seconds each. The rule: among the settings that change at most
--max-clean of the clean sentences of *each* genre and at most --max-fpr of the error-free
sentences of each pair file, the best sentence correction F1 over all pair files wins. The
winner is checked once more through Corrector.apply, the rule users run.

    python scripts/build_dev.py && python scripts/tune.py --model data/electra_models --save
"""

from __future__ import annotations

import argparse
import json
import pickle
import time
from dataclasses import replace
from itertools import product
from pathlib import Path

import numpy as np

from electra_corrector.evaluation.metrics import Metrics, SentenceCounts, metrics_of

GRID = {
    "threshold": [0.02, 0.05, 0.1],
    "min_gain": [5.0, 6.0, 7.0, 8.0, 9.0, 10.0, 12.0, 14.0, 16.0],
    "detection_weight": [0.5, 0.75, 1.0, 1.5, 2.0],
    "lm_weight": [0.5, 0.7, 1.0, 1.3, 1.6, 2.0],
    "word_weight": [0.0, 0.15, 0.3, 0.5, 0.7],
    "frequency_weight": [0.5, 1.0, 1.5, 2.0, 2.5],
    "max_lm_loss": [None, 2.0, 0.0],
    "lm_flag": [None],
    "kind_cost": [],  # the model's own costs per kind of confusion; --kind-cost varies them
}
# Tried by --vary lm_flag: the language model's own detection (CorrectorOptions.lm_flag).
LM_FLAGS = [None, 3.0, 6.0, 9.0, 12.0, 16.0]


def parse_args(argv=None) -> argparse.Namespace:
    p = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    p.add_argument("--model", type=Path, default=Path("data/electra_models"))
    p.add_argument("--dev", type=Path, default=Path("runs/dev"), help="scripts/build_dev.py output")
    p.add_argument("--candidates", type=int, default=3, help="substitutes weighed per flag")
    p.add_argument("--max-clean", type=float, default=0.015, help="changed share, each genre")
    p.add_argument("--max-fpr", type=float, default=0.05, help="error-free share changed, pairs")
    p.add_argument(
        "--max-learner-fpr",
        type=float,
        default=None,
        help="a tighter limit for learner.tsv alone (SIGHAN-like learner text)",
    )
    p.add_argument("--no-knowledge", action="store_true", help="tune without word knowledge")
    p.add_argument("--batch-size", type=int, default=64)
    p.add_argument(
        "--cache",
        type=Path,
        default=None,
        help="keep the proposals here, keyed by the model, settings and dev set, and reuse them",
    )
    p.add_argument(
        "--vary",
        default=None,
        help="comma-separated settings to tune (default: all of the grid); the others keep the "
        "model's values. lm_flag is tried only when named here",
    )
    p.add_argument(
        "--kind-cost",
        action="append",
        default=[],
        metavar="KIND=V1,V2",
        help="also try these costs for a kind of confusion (repeatable; every combination)",
    )
    p.add_argument(
        "--only",
        action="append",
        default=[],
        metavar="NAME=V1,V2",
        help="try only these values of a setting of the grid (repeatable; 'none' for None)",
    )
    p.add_argument("--save", action="store_true", help="write the choice to corrector_config.json")
    return p.parse_args(argv)


def narrowed(grid: dict, specs: list[str]) -> dict:
    """The grid with the rows --only names replaced by its values."""
    grid = dict(grid)
    for spec in specs:
        name, _, values = spec.partition("=")
        if name not in grid or name == "kind_cost":
            raise SystemExit(f"tune.py: --only {spec}: no such setting in the grid")
        grid[name] = [None if v == "none" else float(v) for v in values.split(",")]
    return grid


def kind_costs(specs: list[str], base: tuple[tuple[str, float], ...]):
    """Every combination of the costs --kind-cost names, as CorrectorOptions.kind_cost values;
    the kinds it does not name keep the model's cost (`base`), and a cost of 0 is left out."""
    names, values = [], []
    for spec in specs:
        kind, _, costs = spec.partition("=")
        names.append(kind)
        values.append([float(v) for v in costs.split(",")])
    combos = []
    for combo in product(*values):
        costs = {**dict(base), **dict(zip(names, combo, strict=True))}
        combos.append(tuple((kind, cost) for kind, cost in costs.items() if cost))
    return combos


def differences(a: str, b: str) -> int:
    return sum(x != y for x, y in zip(a, b, strict=True))


class DevCounts:
    """The sentence counts (evaluation/metrics.py) that the edits chosen among the dev set's
    proposals give, and their scores per dev file."""

    def __init__(self, table, sources, targets, which: np.ndarray, names: list[str]):
        wrong = np.array([sources[i][o] for i, o in zip(table.text, table.offset, strict=True)])
        gold = np.array([targets[i][o] for i, o in zip(table.text, table.offset, strict=True)])
        self.table, self.which, self.names = table, which, names
        self.at_gold = wrong != gold
        self.right = table.column("right", object) == gold
        self.gold = np.array([differences(s, t) for s, t in zip(sources, targets, strict=True)])
        self.files = [which == k for k in range(len(names))]
        self.clean = np.array([name.startswith("clean_") for name in names])
        self.pairs = np.isin(which, np.flatnonzero(~self.clean))

    def counts(self, chosen: np.ndarray) -> SentenceCounts:
        def per_sentence(mask):
            return np.bincount(self.table.text[mask], minlength=len(self.gold))

        return SentenceCounts(
            self.gold,
            per_sentence(chosen),
            per_sentence(chosen & self.at_gold),
            per_sentence(chosen & self.right),
        )

    def scores(self, chosen: np.ndarray) -> tuple[Metrics, list[Metrics]]:
        """The pair files pooled, and each file alone."""
        counts = self.counts(chosen)
        return metrics_of(counts, self.pairs), [metrics_of(counts, f) for f in self.files]


def main(argv=None) -> dict:
    args = parse_args(argv)
    from electra_corrector import Corrector
    from electra_corrector.engine.options import MODEL_SETTINGS_FILE, CorrectorOptions
    from electra_corrector.engine.proposal_table import ProposalTable
    from electra_corrector.evaluation.datasets import load_dataset
    from electra_corrector.textio.files import AtomicFile

    files = sorted(args.dev.glob("*.tsv"))
    data = {f.stem: load_dataset(f, format="tsv") for f in files}
    sources = [s for d in data.values() for s, _ in d.pairs]
    targets = [t for d in data.values() for _, t in d.pairs]
    which = np.array([k for k, d in enumerate(data.values()) for _ in d.pairs])
    names = list(data)
    base = CorrectorOptions.load(args.model)
    grid = {**GRID, "kind_cost": [base.kind_cost]}
    if args.vary:
        names_varied = args.vary.split(",")
        unknown = set(names_varied) - set(grid)
        if unknown:
            raise SystemExit(f"tune.py: --vary names no setting of the grid: {sorted(unknown)}")
        if "lm_flag" in names_varied:
            grid["lm_flag"] = LM_FLAGS
        grid = {k: v if k in names_varied else [getattr(base, k)] for k, v in grid.items()}
    if args.no_knowledge:
        grid.update(lm_weight=[0.0], word_weight=[0.0], frequency_weight=[0.0], max_lm_loss=[None])
        grid.update(min_gain=[x / 2 for x in range(-4, 11)], detection_weight=[0, 0.5, 0.75, 1])
        grid.update(lm_flag=[None])
    grid = narrowed(grid, args.only)
    if args.kind_cost:
        grid["kind_cost"] = kind_costs(args.kind_cost, base.kind_cost)
    lm_flags = [x for x in grid["lm_flag"] if x is not None]
    corrector = Corrector(
        model=str(args.model),
        batch_size=args.batch_size,
        options=base.updated(
            threshold=min(grid["threshold"]),
            lm_flag=min(lm_flags) if lm_flags else None,
            candidates=args.candidates,
            word_knowledge=not args.no_knowledge,
        ),
    )
    started = time.time()
    # Keyed by the model's files themselves (a folder name says nothing about what is in it
    # now) and what shapes the proposals; the accept rule, which the grid varies, is left out.
    dev = {name: d.sha1 for name, d in data.items()}
    name = f"{corrector.fingerprint(proposals_only=True, dev=dev)}.pkl"
    cache = args.cache / name if args.cache else None
    if cache and cache.is_file():
        found = pickle.loads(cache.read_bytes())
    else:
        found = corrector.propose(sources)
        if cache:
            cache.parent.mkdir(parents=True, exist_ok=True)
            cache.write_bytes(pickle.dumps(found))
    print(f"proposals for {len(sources)} sentences in {time.time() - started:.0f}s", flush=True)
    untouchable = [corrector.untouchable(source) for source in sources]
    dev_counts = DevCounts(
        ProposalTable(sources, found, untouchable), sources, targets, which, names
    )
    learner = names.index("learner") if "learner" in names else None
    best = None
    tried = allowed = 0
    for values in product(*grid.values()):
        setting = dict(zip(grid, values, strict=True))
        options = replace(corrector.options, **setting)
        pooled, per_file = dev_counts.scores(dev_counts.table.chosen(options))
        tried += 1
        fpr = np.array([m.false_positive_rate for m in per_file])
        worst_clean = fpr[dev_counts.clean].max()
        worst_pairs = fpr[~dev_counts.clean].max()
        within = worst_clean <= args.max_clean and worst_pairs <= args.max_fpr
        if args.max_learner_fpr is not None and learner is not None:
            within &= fpr[learner] <= args.max_learner_fpr
        allowed += within
        f1 = pooled.sentence_correction.f1
        # Within the limits, the best F1; while none is, the least harmful.
        key = (within, f1 if within else -max(worst_clean, worst_pairs))
        if best is None or key > best[0]:
            best = (key, setting, options, pooled, per_file)
    _, setting, options, pooled_metrics, file_metrics = best
    print(f"{tried} settings scored, {allowed} within the limits", flush=True)
    print("chosen:", json.dumps(setting), flush=True)
    per_file = {
        name: {
            "f1": m.sentence_correction.f1,
            "precision": m.sentence_correction.precision,
            "recall": m.sentence_correction.recall,
            "fpr": m.false_positive_rate,
        }
        for name, m in zip(names, file_metrics, strict=True)
    }
    c = pooled_metrics.sentence_correction
    pooled = {"f1": c.f1, "precision": c.precision, "recall": c.recall}
    print(f"pooled pairs: {json.dumps({k: round(v, 4) for k, v in pooled.items()})}")
    for name, v in per_file.items():
        print(
            f"  {name:34s} F1 {v['f1']:.3f}  P {v['precision']:.3f}  R {v['recall']:.3f}  "
            f"changed error-free {v['fpr']:.2%}"
        )

    # The same choice through the rule users run: the vectorised rule must agree.
    texts = [corrector.apply(s, f, options).text for s, f in zip(sources, found, strict=True)]
    changed_check = np.array([differences(s, t) for s, t in zip(sources, texts, strict=True)])
    if not np.array_equal(
        changed_check, dev_counts.counts(dev_counts.table.chosen(options)).changed
    ):
        raise SystemExit("tune.py: the vectorised rule disagrees with Corrector.apply")

    if args.save:
        path = args.model / MODEL_SETTINGS_FILE
        saved = json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}
        extra = {k: v for k, v in saved.items() if k not in CorrectorOptions.__dataclass_fields__}
        extra["tuned"] = {
            "dev": dev,
            "max_clean": args.max_clean,
            "max_fpr": args.max_fpr,
            **(
                {"max_learner_fpr": args.max_learner_fpr}
                if args.max_learner_fpr is not None
                else {}
            ),
            "chosen": {
                **setting,
                "kind_cost": dict(setting["kind_cost"]),
                "candidates": args.candidates,
            },
            "precision": corrector.precision,  # what the proposals were computed in
            "pooled": {k: round(v, 4) for k, v in pooled.items()},
            "per_file": {n: {k: round(v, 4) for k, v in s.items()} for n, s in per_file.items()},
        }
        with AtomicFile(path) as out:  # a model folder never holds half a config
            out.stream.write(options.to_json(**extra).encode("utf-8"))
        print(f"saved to {path}", flush=True)
    return {"setting": setting, "pooled": pooled, "per_file": per_file}


if __name__ == "__main__":
    main()
