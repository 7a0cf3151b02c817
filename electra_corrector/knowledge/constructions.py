"""Grammar constructions that name the right character where the models cannot see it.

在 and 再 are both frequent and both fit their neighbours, so the trigram, the word list and a
2-layer discriminator find no error in 我们一定要在试一次 (the model card, "Session 18"): the
clue, 一次 after a verb, is two characters away. A construction states that clue: 在 before a
verb and 一次/一遍/一下/一回/一趟 is 再 ("once more"), and so is 在 before 也不/也没 ("never
again"). Each was checked against the shared 50M characters of clean text, where its 在 form
is rare and a typo wherever it was read (scripts/count_constructions.py prints the counts).

A 在 that ends a word (现在, 正在, 不在, 好在...) is never taken: 现在试一下 is right.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from electra_corrector.knowledge.words import WordList

# One-character verbs seen at least twice as 再V一次/遍/下/回/趟 in the shared clean text.
ONCE_MORE_VERBS = "买做写刷去发听当打按来泡用看称等考装讲试说读跑转输"
# Words that end in 在 and are missing from the shipped word list.
ENDS_IN_ZAI = frozenset({"好在"})


class Construction(NamedTuple):
    name: str  # what Evidence.rule reports
    pattern: re.Pattern  # matches at the character to replace, lookaheads only
    right: str


CONSTRUCTIONS = (
    Construction(
        "再+V+一次",
        # not 一下午 (在看一下午), 一下子 or 一次性 (在用一次性餐具): there 在 is right
        re.compile(rf"在(?=[{ONCE_MORE_VERBS}]一(?:[次遍回趟](?!性)|下(?![午子])))"),
        "再",
    ),
    Construction("再也不", re.compile("在(?=也[不没])"), "再"),
)


def matches(text: str, words: WordList) -> list[tuple[int, str, str]]:
    """(offset, right, construction name) for each place of `text` a construction corrects."""
    found = []
    for construction in CONSTRUCTIONS:
        for m in construction.pattern.finditer(text):
            at = m.start()
            before = text[at - 1 : at + 1] if at else ""
            if before in words or before in ENDS_IN_ZAI:
                continue
            found.append((at, construction.right, construction.name))
    return sorted(found)
