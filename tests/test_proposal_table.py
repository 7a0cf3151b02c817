"""The vectorised accept rule (engine/proposal_table.py) decides as CorrectorOptions.accepts and
Corrector.apply do, proposal by proposal, on random evidence and random settings."""

import random

import numpy as np
import pytest

from electra_corrector.engine.confusion import KINDS
from electra_corrector.engine.options import CorrectorOptions
from electra_corrector.engine.proposal_table import ProposalTable
from electra_corrector.engine.result import Proposal

TEXTS = [
    "我们今天去公园玩了很久才回家。",
    "他的成绩很好。",
    "好",  # too little context for min_context > 0
    "请看 https://例子.中国/路径 上的说明文字。",  # the address's characters are untouchable
    "这件事情大家都知到了吗",
]


def random_proposals(rng: random.Random, text: str) -> list[Proposal]:
    cjk = [i for i, ch in enumerate(text) if "\u4e00" <= ch <= "\u9fff"]
    found = []
    for offset in rng.sample(cjk, k=min(len(cjk), rng.randint(0, 6))):
        # several substitutes at one position, one pair of them of equal evidence now and then
        others = [ch for ch in "的地得在再做作已以" if ch != text[offset]]
        for right in rng.sample(others, k=rng.randint(1, 3)):
            found.append(
                Proposal(
                    offset,
                    text[offset],
                    right,
                    probability=rng.choice([rng.random(), 0.0, 1.0, 0.02]),
                    gain=rng.uniform(-5, 25),
                    score=rng.choice([0.5, rng.random()]),
                    lm=rng.uniform(-8, 8),
                    words=rng.uniform(-4, 4),
                    frequency=rng.uniform(-3, 3),
                    kind=rng.choice(["", *KINDS]),
                    rule=rng.choice(["", "", "", "", "再+V+一次"]),
                )
            )
            if rng.random() < 0.1:
                found.append(found[-1]._replace(right="于"))
    return found


def random_options(rng: random.Random) -> CorrectorOptions:
    return CorrectorOptions(
        threshold=rng.choice([0.0, 0.02, 0.5, 1.0]),
        min_gain=rng.uniform(-2, 15),
        detection_weight=rng.choice([0.0, 0.75, 1.5]),
        lm_weight=rng.uniform(0, 2),
        word_weight=rng.uniform(0, 1),
        frequency_weight=rng.uniform(0, 2),
        max_lm_loss=rng.choice([None, 0.0, 2.0]),
        lm_flag=rng.choice([None, 0.0, 3.0]),
        lm_flag_kinds=tuple(rng.sample(KINDS, k=rng.choice([0, 1, 3]))),
        word_knowledge=rng.random() < 0.8,
        kind_cost=tuple((k, rng.uniform(-3, 8)) for k in rng.sample(KINDS, k=2)),
        max_edits=rng.choice([0, 0, 1, 2]),
        min_context=rng.choice([0, 3]),
    )


@pytest.mark.parametrize("seed", range(40))
def test_the_vectorised_rule_accepts_what_options_accepts(seed):
    rng = random.Random(seed)
    found = [random_proposals(rng, t) for t in TEXTS]
    table = ProposalTable(TEXTS, found)
    for _ in range(10):
        options = random_options(rng)
        expected = [options.accepts(p.evidence) for _, p in table.rows]
        assert table.accepted(options).tolist() == expected
        values = [options.value(p.evidence) for _, p in table.rows]
        assert np.allclose(table.values(options), values)


@pytest.mark.parametrize("seed", range(20))
def test_the_vectorised_rule_chooses_the_edits_apply_makes(seed, tiny_corrector):
    rng = random.Random(seed)
    found = [random_proposals(rng, t) for t in TEXTS]
    untouchable = [tiny_corrector.untouchable(t) for t in TEXTS]
    assert untouchable[3], "the URL's characters must be untouchable"
    table = ProposalTable(TEXTS, found, untouchable)
    for _ in range(10):
        options = random_options(rng)
        chosen = table.chosen(options)
        made = {
            (i, p.offset, p.right) for (i, p), yes in zip(table.rows, chosen, strict=True) if yes
        }
        applied = {
            (i, e.offset, e.right)
            for i, (text, ps) in enumerate(zip(TEXTS, found, strict=True))
            for e in tiny_corrector.apply(text, ps, options).edits
        }
        assert made == applied


def test_an_empty_table_chooses_nothing():
    table = ProposalTable(["没有提议的句子。"], [[]])
    assert table.chosen(CorrectorOptions(threshold=0.0, min_gain=-99.0)).tolist() == []
