"""The training pipeline: sentence splitting, typo injection, batches, a tiny real training run."""

from __future__ import annotations

import importlib.util
import json
import re
from collections import Counter
from itertools import product
from pathlib import Path

import numpy as np
import pytest

from electra_corrector.base.charset import is_cjk
from electra_corrector.engine.confusion import default_table
from electra_corrector.models.testing import tiny_config
from electra_corrector.training.batches import BatchSampler
from electra_corrector.training.corpus import hold_out, split_sentences
from electra_corrector.training.corruption import Corruptor

SUBJECTS = ["我", "你", "他", "我们", "老师", "学生", "我的朋友", "这个孩子"]
TIMES = ["今天", "明天", "昨天", "每天", "周末"]
ACTIONS = ["去学校上课", "在公司工作", "到商店买东西", "在家里看书", "去医院看病", "学习中文"]
ENDINGS = ["。", "！", "吗？"]


def generated_sentences() -> list[str]:
    """480 distinct, plausible sentences without needing the shared corpus."""
    return [s + t + a + e for s, t, a, e in product(SUBJECTS, TIMES, ACTIONS, ENDINGS)][:480]


@pytest.fixture(scope="module")
def tokenizer():
    from electra_corrector.models.loading import bundled_tokenizer

    return bundled_tokenizer()


@pytest.fixture(scope="module")
def corruptor(tokenizer):
    return Corruptor(tokenizer.get_vocab(), default_table(), error_counts={1: 1.0})


def test_split_sentences_keeps_marks_cuts_long_and_drops_short():
    text = "今天天气很好。我们去公园吧！好。\n" + "长" * 25
    assert split_sentences(text, max_chars=10, min_chars=3) == [
        "今天天气很好。",
        "我们去公园吧！",
        "长" * 10,
        "长" * 10,
        "长" * 5,
    ]


def test_split_sentences_cuts_where_the_dev_rule_was_first_hashed():
    # The dev rule hashes these sentences: the cut must stay that of the original regex, which
    # splits after each mark and at line breaks, never at an ellipsis.
    first_cut = re.compile(r"(?<=[。！？；!?;])|\n")
    texts = [
        "他说：“你好！”然后走了……我们也走吧？好；再见!See you?Yes;no.\r\n第二行。。第三行",
        "没有标点的一段很长的文字" * 20 + "\n\n结尾！！？",
        "省略号……之后接着写，不算句末…真的。",
    ]
    for text in texts:
        expected = []
        for sentence in first_cut.split(text):
            sentence = sentence.strip()
            expected += [sentence[i : i + 40] for i in range(0, len(sentence), 40)]
        expected = [chunk for chunk in expected if len(chunk) >= 2]
        assert split_sentences(text, max_chars=40, min_chars=2) == expected


def test_hold_out_is_fixed_and_disjoint():
    items = list(range(100))
    train, dev = hold_out(items, 10, seed=1)
    assert len(dev) == 10 and sorted(train + dev) == items
    assert hold_out(items, 10, seed=1) == (train, dev)


def test_dev_split_mirrors_sighan_test_sets_and_keeps_clean_text_apart(tmp_path):
    from electra_corrector.evaluation.datasets import load_dataset
    from electra_corrector.training.dataset import write_dev_split

    pairs = [("我跟朋唷去。", "我跟朋友去。"), ("今天很好。", "今天很好。")]
    learner, clean = write_dev_split(tmp_path / "dev.tsv", pairs, ["新闻句子一。", "新闻句子二。"])
    # Each real error also comes back corrected, as an error-free learner sentence.
    assert load_dataset(learner).pairs == [*pairs, ("我跟朋友去。", "我跟朋友去。")]
    assert clean == tmp_path / "dev_clean.tsv"
    assert load_dataset(clean).pairs == [("新闻句子一。",) * 2, ("新闻句子二。",) * 2]


def test_corruption_swaps_one_cjk_char_for_a_confusable(tokenizer, corruptor):
    ids = np.array(tokenizer("我跟我朋友打算去法国玩儿，OK？")["input_ids"])
    rng = np.random.default_rng(0)
    table = default_table()
    for _ in range(50):
        out = corruptor.corrupt(ids, rng)
        assert out.shape == ids.shape
        (position,) = np.flatnonzero(out != ids)
        right, wrong = tokenizer.convert_ids_to_tokens([int(ids[position]), int(out[position])])
        assert is_cjk(right) and is_cjk(wrong)
        assert table.is_confusable(wrong, right)


@pytest.mark.slow
def test_corruption_prefers_common_wrong_characters(tokenizer):
    vocab = tokenizer.get_vocab()
    ids = np.array(tokenizer("的")["input_ids"])
    common = sorted(default_table().confusables("的"))[0]
    counts = Counter({common: 10**6})
    biased = Corruptor(vocab, default_table(), counts, error_counts={1: 1.0})
    rng = np.random.default_rng(0)
    picks = Counter(int(biased.corrupt(ids, rng)[1]) for _ in range(200))
    assert picks.most_common(1)[0][0] == vocab[common]


def test_corruption_weighs_each_kind_of_confusion(tokenizer):
    from electra_corrector.engine.confusion import ConfusionTable

    vocab = tokenizer.get_vocab()
    table = ConfusionTable.from_text("#kinds\tpinyin\tshape\n在\t再\n再\t在\n土\t\t在\n在\t\t土\n")
    ids = np.array(tokenizer("在")["input_ids"])

    def picks(weights):
        corruptor = Corruptor(vocab, table, error_counts={1: 1.0}, kind_weights=weights)
        rng = np.random.default_rng(0)
        return Counter(
            tokenizer.convert_ids_to_tokens(int(corruptor.corrupt(ids, rng)[1])) for _ in range(400)
        )

    assert set(picks({"pinyin": 1.0, "shape": 0.0})) == {"再"}
    assert set(picks({"pinyin": 0.0, "shape": 1.0})) == {"土"}
    leaning = picks({"pinyin": 1.0, "shape": 0.1})
    assert leaning["再"] > 5 * leaning["土"] > 0


def test_candidate_table_puts_trusted_kinds_first(tokenizer):
    from electra_corrector.engine.confusion import ConfusionTable
    from electra_corrector.training.candidate_loss import candidate_table

    vocab = tokenizer.get_vocab()
    table = ConfusionTable.from_text("#kinds\tseen\tpinyin\tnear\n在\t再\t载宰\t仔\n")
    counts = Counter({"仔": 10**6, "宰": 10})
    row = candidate_table(vocab, table, counts, width=4)[vocab["在"]]
    assert tokenizer.convert_ids_to_tokens([int(i) for i in row]) == ["在", "再", "宰", "载"]


def test_batches_depend_only_on_seed_and_step(tokenizer, corruptor):
    from electra_corrector.training.dataset import encode

    clean = encode(tokenizer, generated_sentences())
    pairs = [(clean[0].copy(), clean[0])]
    make = lambda seed: BatchSampler(clean, pairs, corruptor, 512, 0.3, seed)  # noqa: E731
    a, b = make(5).batch(7), make(5).batch(7)
    assert np.array_equal(a.inputs, b.inputs) and np.array_equal(a.targets, b.targets)
    assert not np.array_equal(make(5).batch(8).inputs, a.inputs)
    # [CLS], [SEP] and padding are never content; every row has some typo.
    assert not a.content[:, 0].any()
    assert ((a.inputs != a.targets) & ~a.content).sum() == 0
    assert a.tokens <= 512 + a.inputs.shape[1]


@pytest.mark.slow
@pytest.mark.parametrize("objective", ["vocab", "candidates"])
def test_tiny_training_learns_saves_and_loads_back(tmp_path, tokenizer, corruptor, objective):
    import torch
    from transformers import ElectraForMaskedLM, ElectraForPreTraining

    from electra_corrector.training import models
    from electra_corrector.training.candidate_loss import candidate_table
    from electra_corrector.training.dataset import encode
    from electra_corrector.training.trainer import Trainer, TrainSettings

    clean = encode(tokenizer, generated_sentences())
    discriminator, generator = models.fresh_pair(tiny_config(), tiny_config(), seed=0)
    settings = TrainSettings(
        run_dir=tmp_path / "run",
        steps=40,
        batch_tokens=512,
        lr=3e-3,
        threads=1,
        progress=False,
        g_objective=objective,
    )
    sampler = BatchSampler(clean[:400], [], corruptor, settings.batch_tokens, 0.0, seed=0)
    candidates = candidate_table(tokenizer.get_vocab(), default_table(), Counter())
    trainer = Trainer(settings, discriminator, generator, sampler, candidates)
    dev = [
        (corruptor.corrupt(ids, np.random.default_rng(i)), ids) for i, ids in enumerate(clean[400:])
    ]
    before = trainer.evaluate(dev)
    losses = [trainer.train_step() for _ in range(settings.steps)]
    after = trainer.evaluate(dev)
    first, last = np.mean(losses[:5], axis=0), np.mean(losses[-5:], axis=0)
    assert last[0] < 0.8 * first[0] and last[1] < 0.85 * first[1]  # D and G training losses fall
    assert after["d_loss"] < before["d_loss"]

    out = models.export_pair(trainer.d, trainer.g, tmp_path / "model")
    d = ElectraForPreTraining.from_pretrained(out / "discriminator").eval()
    g = ElectraForMaskedLM.from_pretrained(out / "generator").eval()
    assert d.dtype == g.dtype == torch.float32  # fp16 on disk, float32 to compute
    ids = torch.from_numpy(clean[0][None])
    trainer.d.eval()
    trainer.g.eval()
    with torch.no_grad():
        assert torch.allclose(d(ids).logits, trainer.d(ids).logits, atol=1e-2)
        assert torch.allclose(g(ids).logits, trainer.g(ids).logits, atol=5e-2)
    assert (out / "discriminator" / "vocab.txt").is_file()


def test_candidate_objective_masks_only_right_characters(tmp_path, tokenizer, corruptor):
    from electra_corrector.models.assets import MASK_ID
    from electra_corrector.training import models
    from electra_corrector.training.candidate_loss import candidate_table
    from electra_corrector.training.dataset import encode
    from electra_corrector.training.trainer import Trainer, TrainSettings

    clean = encode(tokenizer, generated_sentences()[:40])
    d, g = models.fresh_pair(tiny_config(), tiny_config(), seed=0)
    settings = TrainSettings(
        run_dir=tmp_path, steps=1, threads=1, progress=False, mask_fraction=1.0
    )
    sampler = BatchSampler(clean, [], corruptor, 256, 0.0, seed=0)
    candidates = candidate_table(tokenizer.get_vocab(), default_table(), Counter())
    trainer = Trainer(settings, d, g, sampler, candidates)
    seen = []
    trainer.g.electra.register_forward_pre_hook(
        lambda _, args, kwargs: seen.append(kwargs["input_ids"]), with_kwargs=True
    )
    batch = sampler.batch(0)
    rng = np.random.default_rng(0)
    trainer.losses(batch, rng, train=True)
    replaced = (batch.inputs != batch.targets) & batch.content
    given = seen[-1].numpy()
    assert replaced.any()
    assert (given[batch.content & ~replaced] == MASK_ID).all()  # every right char masked
    assert np.array_equal(given[replaced], batch.inputs[replaced])  # the typos still shown
    assert np.array_equal(given[~batch.content], batch.inputs[~batch.content])
    trainer.losses(batch, rng, train=False)
    assert np.array_equal(seen[-1].numpy(), batch.inputs)  # evaluation reads the text as is


@pytest.mark.parametrize("native", [True, False])
def test_bf16_on_a_cpu_without_it_warns(tmp_path, tokenizer, corruptor, monkeypatch, native):
    import warnings

    from electra_corrector.training import models, trainer
    from electra_corrector.training.dataset import encode

    monkeypatch.setattr(trainer, "cpu_has_bf16", lambda: native)
    clean = encode(tokenizer, generated_sentences()[:8])
    d, g = models.fresh_pair(tiny_config(), tiny_config(), seed=0)
    settings = trainer.TrainSettings(
        run_dir=tmp_path, steps=1, threads=1, progress=False, precision="bf16", g_objective="vocab"
    )
    sampler = BatchSampler(clean, [], corruptor, 256, 0.0, seed=0)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        trainer.Trainer(settings, d, g, sampler)
    said = [str(w.message) for w in caught if "AVX512-BF16" in str(w.message)]
    assert len(said) == (0 if native else 1)


def test_checkpoint_resumes_the_same_state(tmp_path, tokenizer, corruptor, monkeypatch):
    from electra_corrector.training import models
    from electra_corrector.training.dataset import encode
    from electra_corrector.training.trainer import Trainer, TrainSettings

    clean = encode(tokenizer, generated_sentences())

    def trainer():
        d, g = models.fresh_pair(tiny_config(), tiny_config(), seed=0)
        settings = TrainSettings(
            run_dir=tmp_path,
            steps=4,
            batch_tokens=256,
            threads=1,
            progress=False,
            g_objective="vocab",
        )
        return Trainer(settings, d, g, BatchSampler(clean, [], corruptor, 256, 0.0, seed=0))

    straight = trainer()
    for _ in range(2):
        straight.train_step()
    straight.save_checkpoint()
    expected = [straight.train_step()[:2] for _ in range(2)]

    resumed = trainer()
    resumed.load_checkpoint(resumed.checkpoint_path())
    assert resumed.step == 2
    for d_loss, g_loss in expected:
        assert resumed.train_step()[:2] == pytest.approx((d_loss, g_loss), rel=1e-5)

    # A save that dies half-way (a full disk, a kill) leaves the last good checkpoint as it was.
    import torch

    saved = straight.checkpoint_path().read_bytes()

    def dies_half_way(state, stream):
        stream.write(b"half a checkpoint")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(torch, "save", dies_half_way)
    with pytest.raises(OSError):
        straight.save_checkpoint()
    assert straight.checkpoint_path().read_bytes() == saved
    assert not list(straight.checkpoint_path().parent.glob("*.tmp"))


@pytest.mark.slow
def test_cli_trains_and_exports_a_loadable_model(tmp_path, monkeypatch):
    from electra_corrector.engine.options import CorrectorOptions
    from electra_corrector.training.splits import is_dev_sentence

    monkeypatch.chdir(tmp_path)
    corpus = tmp_path / "corpus.txt"
    corpus.write_text("\n".join(generated_sentences()), encoding="utf-8")
    spec = importlib.util.spec_from_file_location(
        "train_script", Path(__file__).resolve().parents[1] / "scripts" / "train.py"
    )
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    script.main(
        [
            "--corpus",
            str(corpus),
            "--sighan",
            "",
            "--pairs",
            "",
            "--lexicon",
            "",
            "--steps",
            "3",
            "--d-shape",
            "1,32,2,64",
            "--g-shape",
            "1,32,2,64",
            "--batch-tokens",
            "256",
            "--no-progress",
            "--threads",
            "1",
            "--name",
            "t",
            "--out",
            "model",
        ]
    )
    # No SIGHAN pairs here: the dev split is all clean held-out sentences.
    assert (tmp_path / "runs" / "dev.tsv").read_text(encoding="utf-8") == ""
    dev = (tmp_path / "runs" / "dev_clean.tsv").read_text(encoding="utf-8").splitlines()
    held = [s for s in generated_sentences() if is_dev_sentence(s)]
    assert dev == [f"{s}\t{s}" for s in held] and held
    options = CorrectorOptions.load(tmp_path / "model")
    assert options.generator_input == "as_written"
    saved = json.loads((tmp_path / "model" / "corrector_config.json").read_text())
    assert saved["trained"]["steps"] == 3
    assert (tmp_path / "runs" / "t" / "ckpt" / "last.pt").is_file()
    assert (tmp_path / "model" / "typo_counts.tsv").is_file()
    for part in ("discriminator", "generator"):
        assert (tmp_path / "model" / part / "model.safetensors").is_file()
