"""A Word document against its plain text: a generated .docx of --pages pages (about 500
Chinese characters a page, in paragraphs whose characters are spread over runs of different
formatting, with a table every 20 paragraphs) is corrected by `electra-correct -o`, and so is a
.txt of the same paragraphs, one per line; alternated --rounds times, each a fresh process. The
time of an empty text file (start-up and model load) is taken off both, so the ratio compares
the work on the document itself.

    python -m scripts.benchmark.documents                 # 200 pages, 3 rounds
    python -m scripts.benchmark.documents --pages 20 --rounds 1 --threads 1
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from scripts.shared_data import SHARED_DATA

CHARS_PER_PAGE = 500
FALLBACK = (
    "我跟我朋唷打算去法国玩，他再家里看书，我们一定要在试一次。今天天气很好，大家都去公园散步了。"
)


def paragraphs(pages: int) -> list[str]:
    """Clean sentences of the shared corpus (a fixed slice of each file), a few to a paragraph,
    up to pages x CHARS_PER_PAGE characters; a repeated paragraph where the corpus is absent."""
    wanted, found = pages * CHARS_PER_PAGE, []
    files = sorted((SHARED_DATA / "corpus").glob("*.txt"))
    lines = (
        line.strip()
        for path in files
        for line in path.read_text(encoding="utf-8").splitlines()[1000:1400]
        if 20 <= len(line.strip()) <= 200
    )
    total = 0
    for line in lines if files else iter(lambda: FALLBACK, None):
        found.append(line)
        total += len(line)
        if total >= wanted:
            break
    return found


def write_docx(path: Path, texts: list[str]) -> None:
    import docx

    document = docx.Document()
    for i, text in enumerate(texts):
        if i % 20 == 19:
            document.add_table(rows=1, cols=1).cell(0, 0).text = text
            continue
        paragraph = document.add_paragraph()
        third = max(1, len(text) // 3)
        paragraph.add_run(text[:third]).bold = True
        paragraph.add_run(text[third : 2 * third])
        paragraph.add_run(text[2 * third :]).italic = True
    document.save(path)


def timed(command: list[str], env: dict) -> float:
    start = time.perf_counter()
    subprocess.run(command, check=True, env=env, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def main(argv=None) -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--pages", type=int, default=200)
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--threads", type=int, default=None, help="torch threads (default: all)")
    p.add_argument("--model", default=None, help="default: the bundled model")
    args = p.parse_args(argv)
    env = dict(os.environ)
    if args.threads:
        env["OMP_NUM_THREADS"] = str(args.threads)
    texts = paragraphs(args.pages)
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        write_docx(work / "big.docx", texts)
        (work / "big.txt").write_text("\n".join(texts) + "\n", encoding="utf-8")
        (work / "empty.txt").write_bytes(b"")
        base = [sys.executable, "-m", "electra_corrector", "-q"]
        if args.model:
            base += ["--model", args.model]
        times: dict[str, list[float]] = {"empty": [], "txt": [], "docx": []}
        for _ in range(args.rounds):
            for kind, name in (("empty", "empty.txt"), ("txt", "big.txt"), ("docx", "big.docx")):
                out = work / f"out-{name}"
                times[kind].append(timed([*base, str(work / name), "-o", str(out)], env))
        size = (work / "big.docx").stat().st_size
    median = {kind: statistics.median(values) for kind, values in times.items()}
    work_txt, work_docx = median["txt"] - median["empty"], median["docx"] - median["empty"]
    chars = sum(map(len, texts))
    print(f"{args.pages} pages: {len(texts)} paragraphs, {chars} characters, .docx {size} bytes")
    print(
        f"median of {args.rounds} rounds (seconds): start-up {median['empty']:.2f}, "
        f".txt {median['txt']:.2f}, .docx {median['docx']:.2f}"
    )
    print(
        f"past start-up: .txt {work_txt:.2f} s, .docx {work_docx:.2f} s, "
        f"ratio docx/txt {work_docx / work_txt:.2f}; "
        f"whole runs {median['docx'] / median['txt']:.2f}"
    )


if __name__ == "__main__":
    main()
