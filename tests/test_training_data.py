"""Training text v2: held-out rules, per-genre cap, the SIGHAN-15 test overlap, word typos."""

from __future__ import annotations

import json
import os
import tarfile
from itertools import product
from pathlib import Path

import numpy as np
import pytest

from electra_corrector.base.charset import is_cjk
from electra_corrector.training import splits
from electra_corrector.training.corpus import cap_characters
from electra_corrector.training.dataset import DEV_PAIR_SHARE, text_splits

PEOPLE = ["我", "你", "他", "我们", "老师", "学生", "我的朋友", "这个孩子", "邻居", "医生"]
TIMES = ["今天", "明天", "昨天", "每天", "周末", "早上", "晚上"]
ACTIONS = ["去学校上课", "在公司工作", "到商店买东西", "在家里看书", "去医院看病", "学习中文"]


def sentences(ending: str) -> list[str]:
    """420 distinct sentences; about 1% of them fall to the dev rule."""
    return [p + t + a + ending for p, t, a in product(PEOPLE, TIMES, ACTIONS)]


def sgml(pairs: list[tuple[str, str]]) -> str:
    records = []
    for source, target in pairs:
        mistakes = "".join(
            f"<MISTAKE><LOCATION>{i + 1}</LOCATION><WRONG>{s}</WRONG>"
            f"<CORRECTION>{t}</CORRECTION></MISTAKE>"
            for i, (s, t) in enumerate(zip(source, target, strict=True))
            if s != t
        )
        records.append(f"<SENTENCE><TEXT>{source}</TEXT>{mistakes}</SENTENCE>")
    return "\n".join(records)


def learner_pairs(count: int, tag: str) -> list[tuple[str, str]]:
    """Distinct (wrong, right) pairs: 在 written as 再."""
    return [(f"{tag}{i}号我再家里看书。", f"{tag}{i}号我在家里看书。") for i in range(count)]


@pytest.fixture
def shared(tmp_path):
    """A tiny stand-in for ../shared/data: two corpus files, SIGHAN files and one pair file."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "big.txt").write_text("\n".join(sentences("。") * 2), encoding="utf-8")
    (corpus / "small.txt").write_text("\n".join(sentences("！")[:40]), encoding="utf-8")
    sighan = tmp_path / "sighan"
    sighan.mkdir()
    tsv = learner_pairs(60, "甲")
    (sighan / "sighan15_train.tsv").write_text(
        "".join(f"{s}\t{t}\n" for s, t in tsv), encoding="utf-8"
    )
    (sighan / "sighan15_train_test_overlap.txt").write_text(
        f"# line numbers\n3\t{tsv[2][0]}\n7\t{tsv[6][0]}\n", encoding="utf-8"
    )
    (sighan / "train14.sgml").write_text(sgml(learner_pairs(30, "乙")), encoding="utf-8")
    # train15 repeats an overlap pair: it must go too, whichever file brings it.
    (sighan / "train15.sgml").write_text(sgml([tsv[6], *learner_pairs(30, "丙")]), encoding="utf-8")
    pairs = tmp_path / "pairs"
    pairs.mkdir()
    extra = [*learner_pairs(200, "丁"), tsv[2], (tsv[6][1], tsv[6][1])]
    (pairs / "med.tsv").write_text("".join(f"{s}\t{t}\n" for s, t in extra), encoding="utf-8")
    return tmp_path


def split(shared, genre_chars=10**9):
    return text_splits(
        sorted((shared / "corpus").glob("*.txt")), shared / "sighan", shared / "pairs", genre_chars
    )


def test_no_dev_sentence_dev_pair_or_test_overlap_reaches_training(shared):
    text = split(shared)
    corpus = set(sentences("。") + sentences("！")[:40])
    held = {s for s in corpus if splits.is_dev_sentence(s)}
    assert held and held.isdisjoint(text.train_sentences)
    assert set(text.train_sentences) == corpus - held  # deduplicated, nothing else lost
    assert set(text.dev_sentences) == held

    train = set(text.train_pairs)
    assert train.isdisjoint(text.dev_pairs)
    overlap_lines = (shared / "sighan" / "sighan15_train.tsv").read_text().splitlines()
    overlap = {side for n in (3, 7) for side in overlap_lines[n - 1].split("\t")}
    for source, target in text.train_pairs + text.dev_pairs:
        assert source not in overlap and target not in overlap
    extra = learner_pairs(200, "丁")
    assert any(splits.is_dev_pair(s) for s, _ in extra)
    assert {p for p in extra if not splits.is_dev_pair(p[0])} <= train
    assert not {p for p in extra if splits.is_dev_pair(p[0])} & train
    sighan = 60 + 30 + 30 - 2
    assert 0 < len(text.dev_pairs) <= int((sighan + 2) * DEV_PAIR_SHARE)
    assert text.stats["pairs"] == {
        "sighan_train": sighan - len(text.dev_pairs),
        "extra": sum(not splits.is_dev_pair(s) for s, _ in extra),
    }


def test_the_dev_split_of_sighan_pairs_does_not_move_when_overlap_lines_go(shared):
    before = split(shared)
    (shared / "sighan" / "sighan15_train_test_overlap.txt").write_text("# none\n", encoding="utf-8")
    after = split(shared)
    assert set(before.dev_pairs) <= set(after.dev_pairs)
    assert set(before.train_pairs) <= set(after.train_pairs)


def test_genre_cap_takes_a_fixed_sample_of_big_files_only(shared):
    big = [s for s in sentences("。") if not splits.is_dev_sentence(s)]
    budget = sum(map(len, big)) // 4
    text = split(shared, genre_chars=budget)
    stats = text.stats["corpus"]
    assert budget <= stats["big"]["chars"] < budget + max(map(len, big))
    assert stats["small"]["sentences"] == sum(
        not splits.is_dev_sentence(s) for s in sentences("！")[:40]
    )
    kept = [s for s in text.train_sentences if s.endswith("。")]
    assert kept == [s for s in big if s in set(kept)]  # original order
    # The sample depends on the text alone: not on the order or the company it comes in.
    assert set(cap_characters(big[::-1], budget)) == set(kept)
    assert split(shared, genre_chars=budget).train_sentences == text.train_sentences


# -- word-level typos -----------------------------------------------------------------------

LEXICON = """期待 900 v
期代 50 n
以至 500 c
以致 400 c
已至 60 v
学习 2000 v
学期 800 n
AB型 900 n
一 5000 m
中文字符集合 900 n
"""


@pytest.fixture(scope="module")
def tokenizer():
    from electra_corrector.models.loading import bundled_tokenizer

    return bundled_tokenizer()


@pytest.fixture
def words(tmp_path, tokenizer):
    pytest.importorskip("pypinyin")
    from electra_corrector.training.word_confusion import cached_word_table

    lexicon = tmp_path / "dict.txt"
    lexicon.write_text(LEXICON, encoding="utf-8")
    return cached_word_table(lexicon, tokenizer.get_vocab(), tmp_path / "cache")


def test_word_table_pairs_same_length_same_pinyin_words_only(tmp_path, tokenizer, words):
    from electra_corrector.training.word_confusion import cached_word_table

    vocab = tokenizer.get_vocab()
    chars = {v: k for k, v in vocab.items()}
    table = {
        "".join(chars[t] for t in word): {"".join(chars[t] for t in row) for row in alternatives}
        for word, (alternatives, _) in words.items()
    }
    assert table == {
        "期待": {"期代"},
        "期代": {"期待"},
        "以至": {"以致", "已至"},
        "以致": {"以至", "已至"},
        "已至": {"以至", "以致"},
    }
    cached = cached_word_table(tmp_path / "dict.txt", vocab, tmp_path / "cache")
    assert cached.keys() == words.keys()
    assert len(list((tmp_path / "cache").iterdir())) == 1


@pytest.mark.slow
def test_word_typos_keep_length_change_only_cjk_and_swap_whole_words(tokenizer, words):
    from electra_corrector.engine.confusion import default_table
    from electra_corrector.training.corruption import Corruptor

    vocab = tokenizer.get_vocab()
    chars = {v: k for k, v in vocab.items()}
    only_words = Corruptor(vocab, default_table(), error_counts={1: 1.0}, words=words, word_share=1)
    mixed = Corruptor(vocab, default_table(), error_counts={3: 1.0}, words=words, word_share=0.5)
    text = "我们期待a型的3个以至于123学习。"
    ids = np.array(tokenizer(text)["input_ids"])
    rng = np.random.default_rng(0)
    seen = set()
    for _ in range(200):
        out = only_words.corrupt(ids, rng)
        changed = "".join(chars[t] for t in out[1:-1])
        assert len(out) == len(ids) and changed != text
        seen.add(changed)
        mixed_out = mixed.corrupt(ids, rng)
        assert len(mixed_out) == len(ids)
        for before, after in zip(ids, mixed_out, strict=True):
            assert before == after or (is_cjk(chars[before]) and is_cjk(chars[after]))
    assert seen == {
        "我们期代a型的3个以至于123学习。",
        "我们期待a型的3个以致于123学习。",
        "我们期待a型的3个已至于123学习。",
    }


# -- the GPU recipe, run on CPU -------------------------------------------------------------


@pytest.mark.slow
def test_gpu_recipe_trains_from_a_sample_and_scores_dev(tmp_path, shared, words):
    import subprocess
    import sys

    from electra_corrector.training.sample import read_sample

    root = Path(__file__).resolve().parents[1]
    sample = tmp_path / "sample"
    lexicon = tmp_path / "dict.txt"  # written by the words fixture
    subprocess.run(
        [
            *(sys.executable, root / "scripts" / "train.py", "--save-sample", sample),
            *("--corpus", *sorted((shared / "corpus").glob("*.txt"))),
            *("--sighan", shared / "sighan", "--pairs", shared / "pairs", "--lexicon", lexicon),
        ],
        cwd=tmp_path,
        check=True,
        capture_output=True,
    )
    text, table = read_sample(sample)
    expected = split(shared, genre_chars=3_000_000)
    assert text == expected and table.keys() == words.keys()

    env = {
        **os.environ,
        "SAMPLE": str(sample),
        "OUT": str(tmp_path / "out"),
        "INIT": "",
        "DEVICE": "cpu",
        "PRECISION": "bf16",  # autocast runs on CPU too
        "WORKERS": "1",
        "PYTHON": sys.executable,
    }
    shape = ["--d-shape", "1,32,2,64", "--g-shape", "1,32,2,64", "--batch-tokens", "256"]
    kinds = ["--typo-kinds", "seen=1,listed=0.5"]
    done = subprocess.run(
        ["bash", root / "scripts" / "gpu_train.sh", "--steps", "3", *shape, *kinds],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    out = tmp_path / "out"
    assert '"step": 3' in (out / "train.log").read_text()
    learner = json.loads((out / "dev.json").read_text())
    clean = json.loads((out / "dev_clean.json").read_text())
    # dev.tsv: the held-out pairs and the corrected side of each; dev_clean.tsv: clean sentences
    echoes = sum(s != t for s, t in text.dev_pairs)
    assert learner["results"][0]["sentences"] == len(text.dev_pairs) + echoes
    assert clean["results"][0]["metrics"]["error_free"] == len(text.dev_sentences)
    with tarfile.open(out / "model.tgz") as archive:
        names = set(archive.getnames())
        config = json.load(archive.extractfile("model/corrector_config.json"))
    assert {"model/discriminator/model.safetensors", "model/generator/model.safetensors"} <= names
    # the kinds of typo drawn are part of the record; kinds not named weigh 0
    assert config["trained"]["typo_kinds"] == {
        "variant": 0.0,
        "seen": 1.0,
        "listed": 0.5,
        "pinyin": 0.0,
        "shape": 0.0,
        "near": 0.0,
    }


def test_typo_kinds_names_a_kind_it_does_not_know_in_one_line():
    import subprocess
    import sys

    root = Path(__file__).resolve().parents[1]
    done = subprocess.run(
        [sys.executable, root / "scripts" / "train.py", "--typo-kinds", "seen=1,sound=2"],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 2
    assert "'sound' is no kind of confusion (variant, seen, listed" in done.stderr.splitlines()[-1]
