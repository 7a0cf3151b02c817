"""Where recall goes: each gold character edit, counted once at the first stage that loses it.

not in the confusion table   the candidate filter would never let the right character stand
                             for the wrong one (with the filter off, every edit passes)
not flagged                  no substitute was proposed there: the discriminator's probability
                             was under the threshold and the language model did not flag it
                             (lm_flag), or no plausible substitute was left
not among the candidates     substitutes were proposed there, but not the right one
rejected by the accept rule  the right one was proposed, and the accept rule turned it down
                             (or another substitute won the position)
accepted                     the corrected text has the right character there (counted before
                             the stages between: a second pass may fix what the first's
                             proposals lack)
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

STAGES = (
    "not in the confusion table",
    "not flagged",
    "not among the candidates",
    "rejected by the accept rule",
    "accepted",
)
EXAMPLES_KEPT = 3
# Confusions every writer makes, reported by name; the most frequent others of the data too.
COMMON_PAIRS = ("在/再", "地/得/的", "作/做", "以/已", "哪/那")
FREQUENT_SHOWN = 10


def pair_of(wrong: str, right: str) -> str:
    """The confusion a gold edit belongs to: a named group, or the two characters in order."""
    for group in COMMON_PAIRS:
        if wrong in group and right in group:
            return group
    return "/".join(sorted((wrong, right)))


@dataclass
class Funnel:
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(STAGES, 0))
    # up to EXAMPLES_KEPT (source, offset, wrong, right) per stage, in data order
    examples: dict[str, list[tuple[str, int, str, str]]] = field(
        default_factory=lambda: {stage: [] for stage in STAGES}
    )
    by_pair: dict[str, dict[str, int]] = field(default_factory=dict)  # pair_of -> stage counts

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def add(self, stage: str, example: tuple[str, int, str, str]) -> None:
        self.counts[stage] += 1
        pair = self.by_pair.setdefault(pair_of(*example[2:]), dict.fromkeys(STAGES, 0))
        pair[stage] += 1
        if len(self.examples[stage]) < EXAMPLES_KEPT:
            self.examples[stage].append(example)

    def to_dict(self) -> dict:
        return {
            "gold_edits": self.total,
            "stages": {
                stage: {
                    "count": n,
                    "share": n / self.total if self.total else 0.0,
                    "examples": [
                        {"source": s, "offset": o, "wrong": w, "right": r}
                        for s, o, w, r in self.examples[stage]
                    ],
                }
                for stage, n in self.counts.items()
            },
            "pairs": {pair: self.by_pair[pair] for pair in self.shown_pairs()},
        }

    def shown_pairs(self) -> list[str]:
        """The named confusions, then the most frequent others."""
        others = sorted(
            (p for p in self.by_pair if p not in COMMON_PAIRS),
            key=lambda p: (-sum(self.by_pair[p].values()), p),
        )
        return [p for p in COMMON_PAIRS if p in self.by_pair] + others[:FREQUENT_SHOWN]

    def describe(self) -> str:
        lines = [f"funnel of {self.total} gold character edits (each at the first stage lost):"]
        for stage in STAGES:
            n = self.counts[stage]
            share = n / self.total if self.total else 0.0
            shown = "; ".join(
                f"{s[:o]}[{w}→{r}]{s[o + 1 :]}" for s, o, w, r in self.examples[stage]
            )
            lines.append(f"  {stage:<28} {n:6d} {100 * share:6.1f}%  {shown}")
        lines.append("by confusion: gold edits, accepted, and where the rest were lost")
        for pair in self.shown_pairs():
            counts = self.by_pair[pair]
            total = sum(counts.values())
            lost = ", ".join(f"{s} {n}" for s, n in counts.items() if n and s != STAGES[4])
            accepted = counts[STAGES[4]]
            lines.append(
                f"  {pair:<8} {total:5d}  accepted {accepted:4d} ({100 * accepted / total:5.1f}%)"
                f"  {lost}"
            )
        return "\n".join(lines)


def funnel(
    pairs: Sequence[tuple[str, str]],
    proposals: Sequence[Sequence],
    predictions: Sequence[str],
    plausible: Callable[[str, str], bool],
) -> Funnel:
    """The funnel of `pairs` (source, target), given each source's proposals (objects with
    offset and right, as Corrector.propose returns), the corrected texts, and whether the
    candidate filter lets a right character stand for a wrong one."""
    result = Funnel()
    for (source, target), found, predicted in zip(pairs, proposals, predictions, strict=True):
        proposed: dict[int, set[str]] = {}
        for p in found:
            proposed.setdefault(p.offset, set()).add(p.right)
        for offset, (wrong, right) in enumerate(zip(source, target, strict=True)):
            if wrong == right:
                continue
            if not plausible(wrong, right):
                stage = STAGES[0]
            elif predicted[offset] == right:  # a second pass may fix what the first did not see
                stage = STAGES[4]
            elif offset not in proposed:
                stage = STAGES[1]
            elif right not in proposed[offset]:
                stage = STAGES[2]
            elif predicted[offset] != right:
                stage = STAGES[3]
            else:
                stage = STAGES[4]
            result.add(stage, (source, offset, wrong, right))
    return result
