"""How often each grammar construction (knowledge/constructions.py) fires on the shared clean
text, file by file, and where: every place it would change is printed, to be read. Also the
one-character verbs the 再+V+一次 construction is built on, counted afresh, against the list
the package ships.

    python scripts/count_constructions.py
"""

from __future__ import annotations

import re
from collections import Counter

from shared_data import SHARED_DATA

from electra_corrector.knowledge.constructions import ONCE_MORE_VERBS, matches
from electra_corrector.knowledge.words import WordList

# Seen as 再X一次 but no verb: 再一一, 再过一会儿 (a span of time).
NOT_VERBS = "一过"


def main() -> None:
    words = WordList.load()
    seen, chars, fired = Counter(), 0, Counter()
    for path in sorted((SHARED_DATA / "corpus").glob("*.txt")):
        text = path.read_text(encoding="utf-8", errors="replace")
        chars += len(text)
        seen.update(m.group(1) for m in re.finditer(r"再(.)一[次遍回趟下]", text))
        for offset, _, name in matches(text, words):
            fired[path.stem, name] += 1
            context = text[max(offset - 12, 0) : offset + 12].replace("\n", " ")
            print(f"{path.stem}\t{name}\t{context}")
    print(f"\n{chars:,} characters of clean text")
    for (stem, name), n in sorted(fired.items()):
        print(f"{stem:28} {name:10} {n}")
    verbs = "".join(sorted(ch for ch, n in seen.items() if n >= 2 and ch not in NOT_VERBS))
    print(f"\nverbs seen twice as 再V一次 and the like: {verbs}")
    print("the shipped list " + ("matches" if set(verbs) == set(ONCE_MORE_VERBS) else "differs"))


if __name__ == "__main__":
    main()
