"""electra-correct-ray on a local 1-CPU Ray runtime (which it must finish on): byte for byte what
electra-correct gives, on the same files."""

from __future__ import annotations

import os
import sys

import pytest

from electra_corrector.cli import main as cli
from electra_corrector.cli.pipeline import DoneLog
from electra_corrector.cluster import distributed
from electra_corrector.cluster import main as distributed_cli

ray = pytest.importorskip("ray")
pq = pytest.importorskip("pyarrow.parquet")

pytestmark = pytest.mark.slow  # Ray

LINES = [
    "我跟我朋唷打算去法国玩儿。",
    "",
    "Hello, 世界 ①② 今天天汽很好，我们去公园散步",
    "  第二天我门在饭店吃饭，然后回家睡觉。",
    "最后一行",
]


def text(nl: str, final_newline: bool = True) -> str:
    return nl.join(LINES) + (nl if final_newline else "")


MARKDOWN = (
    "# 说明\n\n我跟我朋唷打算去法国玩儿。\n\n```python\nprint('我门在饭店吃饭，天汽很好')\n```\n\n"
    "行内代码 `我门朋唷天汽` 不改，第二天我门在饭店吃饭。\n"
).encode()
CODE = ["print('我门在饭店吃饭，天汽很好')".encode(), "`我门朋唷天汽`".encode()]
# Source code: only the comment and the string are checked, each alone; the identifier never.
PYTHON = (
    "# 第二天我门在饭店吃饭，然后回家睡觉。\r\n我门朋唷 = 1\r\n"
    "print('我跟我朋唷打算去法国玩儿。')\r\n"
).encode("gb18030")
IDENTIFIER = "我门朋唷 = 1\r\n".encode("gb18030")

CORPUS = {
    "a.txt": text("\n").encode("utf-8"),
    "nested/b.txt": text("\r\n").encode("gb18030"),
    "nested/deeper/c.txt": text("\n", final_newline=False).encode("utf-8-sig"),
    "nested/deeper/d.txt": text("\r\n", final_newline=False).encode("gb18030"),
    "empty.txt": b"",
    "bad.txt": "好的\n".encode() + b"\xff\xfe broken\n",  # neither UTF-8 nor GB18030: fails
    "doc.md": MARKDOWN,  # its code is never edited
    "tool.py": PYTHON,
    "skipped.rst": b"not matched by --glob\n",
    ".git/COMMIT_EDITMSG": text("\n").encode("utf-8"),  # hidden: never read
    ".notes.txt": text("\n").encode("utf-8"),
    "build/e.txt": text("\n").encode("utf-8"),  # --exclude build
    "image.bin": b"\x89PNG\r\n\x00\x00" + "我门".encode(),  # binary: left alone
}
# What both commands read: --glob '**/*.txt' matches top-level files too.
READ = {"a.txt", "nested/b.txt", "nested/deeper/c.txt", "nested/deeper/d.txt", "empty.txt"}
SELECTION = ["--glob", "**/*.txt", "--glob", "*.md", "--glob", "*.py", "--glob", "*.bin"]
SELECTION += ["--glob", "COMMIT_*"]
SELECTION += ["--exclude", "build"]


@pytest.fixture(scope="module")
def ray_runtime():
    ray.init(num_cpus=1, include_dashboard=False, log_to_driver=False)
    # Ray's default hash shuffle starts aggregator actors: about 10 s more per run on 2 CPUs.
    ray.data.DataContext.get_current().shuffle_strategy = "sort_shuffle_pull_based"
    yield
    ray.shutdown()


@pytest.fixture
def corpus(tmp_path):
    root = tmp_path / "in"
    for name, data in CORPUS.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_bytes(data)
    (tmp_path / "secret.txt").write_bytes(CORPUS["a.txt"])
    (root / "link.txt").symlink_to(tmp_path / "secret.txt")  # leads outside: never read
    return root


def tree(root):
    files = (p for p in root.rglob("*") if p.is_file() and p.name != DoneLog.NAME)
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in files}


def test_mirror_is_byte_identical_to_the_cli(
    ray_runtime, corpus, tmp_path, eager_model_dir, capsys
):
    common = [*SELECTION, "--model", str(eager_model_dir)]
    single, spread = tmp_path / "cli", tmp_path / "ray"

    status = cli.main(["--input-dir", str(corpus), "--output-dir", str(single), *common])
    cli_err = capsys.readouterr().err
    ray_argv = ["--input-dir", str(corpus), "--output-dir", str(spread), *common]
    ray_status = distributed_cli.main([*ray_argv, "--batch-size", "2", "--num-cpus", "1"])
    ray_err = capsys.readouterr().err

    assert status == ray_status == 1  # bad.txt cannot be read, link.txt leads outside
    expected = tree(single)
    assert set(expected) == READ | {"doc.md", "tool.py"}
    assert tree(spread) == expected
    # The model really edited, yet only characters changed, never the bytes around them, and
    # never inside the Markdown's code.
    assert expected["a.txt"] != CORPUS["a.txt"]
    assert expected["nested/b.txt"].count(b"\r\n") == len(LINES)
    assert expected["doc.md"] != MARKDOWN and all(code in expected["doc.md"] for code in CODE)
    assert expected["tool.py"] != PYTHON and IDENTIFIER in expected["tool.py"]
    # One report: the same files named, the same summary.
    named = [f"{corpus / 'bad.txt'}: line 2: not valid UTF-8 text"]
    named.append(f"{corpus / 'link.txt'}: leads outside --input-dir (a symlink?); skipped")
    named.append(f"{corpus / 'image.bin'}: not text (binary), skipped")
    for err, prog in ((cli_err, "electra-correct"), (ray_err, "electra-correct-ray")):
        assert {f"{prog}: {line}" for line in named} <= set(err.splitlines())
        assert f"{prog}: 7 files corrected, 2 failed" in err


def test_ray_reads_the_repository_settings_as_the_cli_does(
    ray_runtime, corpus, tmp_path, eager_model_dir, monkeypatch, capsys
):
    settings = f'model = "{eager_model_dir}"\ninclude = ["*.txt"]\nexclude = ["deeper"]\n'
    (tmp_path / ".electra-correct.toml").write_text(settings + "color = 'never'\n")
    monkeypatch.chdir(tmp_path)  # found from the working folder, as electra-correct finds it
    single, spread = tmp_path / "cli", tmp_path / "ray"
    cli.main(["--input-dir", str(corpus), "--output-dir", str(single)])
    distributed_cli.main(
        ["--input-dir", str(corpus), "--output-dir", str(spread), "--num-cpus", "1"]
    )
    capsys.readouterr()
    assert set(tree(single)) == {"a.txt", "empty.txt", "nested/b.txt", "build/e.txt"}
    assert tree(spread) == tree(single)


def test_ray_follows_no_link_and_names_what_it_cannot_take(
    ray_runtime, tmp_path, eager_model_dir, capsys
):
    src, out, elsewhere = tmp_path / "in", tmp_path / "out", tmp_path / "elsewhere"
    (src / "sub").mkdir(parents=True)
    out.mkdir()
    elsewhere.mkdir()
    for name in ("a.txt", "sub/b.txt", "c.txt"):
        (src / name).write_bytes(CORPUS["a.txt"])
    (src / os.fsdecode(b"caf\xe9.txt")).write_bytes(CORPUS["a.txt"])  # Arrow holds only UTF-8
    victim = tmp_path / "victim.txt"
    victim.write_bytes(b"keep me\n")
    (out / "a.txt").symlink_to(victim)
    (out / "sub").symlink_to(elsewhere)
    argv = ["--input-dir", str(src), "--output-dir", str(out), "--model", str(eager_model_dir)]

    status = distributed_cli.main([*argv, "--glob", "*.txt", "-q"])

    assert status == 1
    assert capsys.readouterr().err.splitlines() == [
        f"electra-correct-ray: {src / 'a.txt'}: cannot write {out / 'a.txt'}: "
        f"{out / 'a.txt'} is a symlink (an output tree follows none)",
        f"electra-correct-ray: {src}/caf\\xe9.txt: the file name is not UTF-8 (Ray needs it); "
        "skipped",
        f"electra-correct-ray: {src / 'sub' / 'b.txt'}: cannot write {out / 'sub' / 'b.txt'}: "
        f"{out / 'sub'} is a symlink (an output tree follows none)",
    ]
    assert victim.read_bytes() == b"keep me\n" and list(elsewhere.iterdir()) == []
    assert (out / "c.txt").is_file() and not (out / "c.txt").is_symlink()


def test_parquet_rows_join_back_to_lines(ray_runtime, corpus, tmp_path, eager_model_dir):
    out = tmp_path / "rows"
    argv = ["--input-dir", str(corpus), "--output-dir", str(out), "--format", "parquet"]
    argv += ["--concurrency", "1"]  # a second actor costs start-up time, and is tested above

    argv += ["--glob", "*.txt", "--exclude", "build", "--model", str(eager_model_dir), "-q"]

    assert distributed_cli.main(argv) == 1  # link.txt leads outside: named

    rows = pq.read_table(out).to_pylist()
    lines = {(r["file"], r["line"]): r for r in rows}
    c = lines[(str(corpus / "nested/deeper/c.txt"), 3)]
    assert c["source"] == LINES[2]
    assert len(c["text"]) == len(c["source"])
    for edit in c["edits"]:
        assert c["source"][edit["offset"]] == edit["wrong"]
        assert c["text"][edit["offset"]] == edit["right"]
    assert any(r["edits"] for r in rows)
    assert lines[(str(corpus / "bad.txt"), 0)]["error"] == "line 2: not valid UTF-8 text"
    assert len(rows) == 4 * len(LINES) + 1  # the empty file has no lines


def test_parquet_input_keeps_its_columns(ray_runtime, tmp_path, eager_model_dir):
    import pyarrow as pa

    (tmp_path / "docs").mkdir()
    docs = {"id": [7, 8, 9], "body": [LINES[0], None, LINES[2]]}
    pq.write_table(pa.table(docs), tmp_path / "docs" / "part-0.parquet")
    argv = ["--input-dir", str(tmp_path / "docs"), "--output-dir", str(tmp_path / "out")]
    argv += ["--input-format", "parquet", "--text-column", "body", "--format", "parquet"]
    argv += ["--concurrency", "1"]

    assert distributed_cli.main([*argv, "--model", str(eager_model_dir), "-q"]) == 0

    rows = sorted(pq.read_table(tmp_path / "out").to_pylist(), key=lambda r: r["id"])
    assert [(r["id"], r["source"]) for r in rows] == list(
        zip(docs["id"], docs["body"], strict=True)
    )
    assert rows[1]["text"] is None and rows[1]["edits"] == []
    assert rows[0]["text"] != LINES[0] and len(rows[0]["text"]) == len(LINES[0])
    assert {r["file"] for r in rows} == {str(tmp_path / "docs" / "part-0.parquet")}


def test_the_pipeline_is_usable_from_python(ray_runtime, corpus, tmp_path, eager_model_dir):
    import json

    from electra_corrector.engine.corrector import Corrector

    out = tmp_path / "api"
    engine = distributed.Engine(model=str(eager_model_dir), batch_size=4, keywords={"max_edits": 1})

    outcome = distributed.correct_tree(
        str(corpus), str(out), engine, glob="*.txt", exclude=["build"], output_format="jsonl"
    )

    assert outcome == distributed.Outcome(
        corrected=5,
        failed=[
            f"{corpus / 'bad.txt'}: line 2: not valid UTF-8 text",
            f"{corpus / 'link.txt'}: leads outside --input-dir (a symlink?); skipped",
        ],
    )
    records = [json.loads(line) for line in (out / "nested/b.txt").read_text().splitlines()]
    expected = Corrector(model=str(eager_model_dir), max_edits=1).correct_batch(LINES)
    assert [r["text"] for r in records] == [c.text for c in expected]
    assert [len(r["edits"]) for r in records] == [len(c.edits) for c in expected]
    assert max(len(r["edits"]) for r in records) == 1
    with pytest.raises(distributed.InputError) as error:
        distributed.correct_tree(str(corpus / "a.txt"), str(out), engine)
    assert error.value.parameter == "input_dir"


def test_without_ray_says_how_to_install_it(monkeypatch, capsys, tmp_path):
    monkeypatch.setitem(sys.modules, "ray", None)  # import ray raises ImportError

    status = distributed_cli.main(
        ["--input-dir", str(tmp_path), "--output-dir", str(tmp_path / "o")]
    )

    assert status == 2
    assert "pip install 'electra-correct[ray]'" in capsys.readouterr().err
