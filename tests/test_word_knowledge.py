"""Word knowledge in the decision: the trigram model, the word list, the accept rule, and the
user's own words (protected terms, extra confusions) end to end."""

from __future__ import annotations

import pytest

from electra_corrector import Corrector
from electra_corrector.cli.main import main
from electra_corrector.engine.options import CorrectorOptions
from electra_corrector.engine.result import Evidence
from electra_corrector.knowledge.charlm import CharNgrams, char_ids
from electra_corrector.knowledge.evidence import shipped
from electra_corrector.knowledge.userdict import ProtectedTerms, UserDictError, read_confusions
from electra_corrector.knowledge.words import WordList
from electra_corrector.models.testing import write_tiny_pair
from tests.handset import handset_pair


@pytest.fixture(scope="module")
def breaker_dir(tmp_path_factory):
    """A model that wants 疗 -> 了 (a real word broken: 治疗 -> 治了) and, at 有, 又 first and
    友 second (朋有 -> 朋又 is no word, 朋友 is)."""
    from electra_corrector.models.loading import bundled_tokenizer

    tokenizer = bundled_tokenizer()
    disc, gen = handset_pair(
        tokenizer, flagged="疗有猫", preferred="了", extra_bias={"又": 7.5, "友": 7.0}
    )
    return write_tiny_pair(tmp_path_factory.mktemp("breaker"), discriminator=disc, generator=gen)


def test_shipped_knowledge_tells_a_broken_word_from_a_completed_one():
    broken, completed = shipped().score(
        [("那么按照咽喉炎治疗没有", 8, "了"), ("我跟我朋唷打算去法国", 4, "友")]
    )
    lm, words, frequency = broken  # 治疗 -> 治了: context and words say no, though 了 is common
    assert lm < -3 and words < -3 and frequency > 1
    lm, words, frequency = completed  # 朋唷 -> 朋友: both say yes, beyond mere frequency
    assert lm - frequency > 3 and words > 3


def test_trigram_counts_survive_saving_and_score_context(tmp_path):
    ids = char_ids()
    corpus = ["我们去公园散步", "我们去学校上课", "他们去公园玩"] * 5
    model = CharNgrams.count([[ids[c] for c in s] for s in corpus], 21128)
    model.save(tmp_path / "m.npz.xz")
    loaded = CharNgrams.load(tmp_path / "m.npz.xz")
    items = [("我们去公园散步", 4, "圆"), ("我门去公园散步", 1, "们")]
    assert loaded.deltas(items) == pytest.approx(model.deltas(items), abs=0.2)
    worse, better = loaded.deltas(items)
    assert worse < -2 and better > 2


def test_word_cover_counts_the_most_common_covering_word():
    words = WordList({"治疗": 1000, "治疗费": 5, "朋友": 500})
    assert words.cover("治疗费用", 1) == pytest.approx(6.909, abs=1e-3)  # log1p(1000)
    assert words.cover("治疗费用", 1, "了") == 0.0  # 治了 is no word
    assert words.cover("我朋唷", 2, "友") > 6 and words.cover("我朋唷", 2) == 0.0
    assert words.cover("天气", 0, "添") == 0.0


@pytest.mark.parametrize(
    ("evidence", "accepted"),
    [
        (Evidence(0.9, 3.0, lm=-5.0), False),  # vetoed: the trigrams drop by more than 2
        (Evidence(0.9, 3.0, lm=-1.0), True),  # 3 - 0.5 > 1
        (Evidence(0.9, 0.5, lm=2.0), True),  # 0.5 + 1.0 > 1: the context carries it
        (Evidence(0.9, 3.0, lm=0.0, words=-9.0), False),  # 3 - 0.3 * 9 < 1: breaks a word
        (Evidence(0.1, 9.0, lm=9.0), False),  # not flagged
    ],
)
def test_accept_rule_weighs_word_knowledge(evidence, accepted):
    options = CorrectorOptions(
        threshold=0.3, min_gain=1.0, lm_weight=0.5, word_weight=0.3, max_lm_loss=2.0
    )
    assert options.accepts(evidence) is accepted


def test_a_real_word_is_kept_and_a_non_word_is_fixed(breaker_dir):
    text = ["那么按照咽喉炎治疗", "我跟我朋有打算去法国"]
    blind = Corrector(breaker_dir, word_knowledge=False, candidates=2)
    assert [r.text for r in blind.correct_batch(text)] == [
        "那么按照咽喉炎治了",
        "我跟我朋又打算去法国",
    ]
    knowing = Corrector(breaker_dir, candidates=2, lm_weight=0.5, word_weight=0.3, max_lm_loss=2)
    results = knowing.correct_batch(text)
    # 了 is vetoed at 治疗; at 朋有 the second candidate 友 wins on word knowledge.
    assert [r.text for r in results] == [text[0], "我跟我朋友打算去法国"]
    evidence = results[1].edits[0].evidence
    assert evidence.lm > 0 and evidence.words > 0
    assert results[1].edits[0].to_json()["evidence"]["words"] == round(evidence.words, 4)


def test_protected_terms_cover_overlapping_occurrences():
    terms = ProtectedTerms(["张三丰", "三丰田"])
    assert terms.positions("我见张三丰田里") == {2, 3, 4, 5}
    assert not ProtectedTerms([]) and ProtectedTerms([]).positions("张三") == set()


def test_confusion_file_names_its_bad_line(tmp_path):
    path = tmp_path / "c.txt"
    path.write_text("# mine\n期代 期待\n门 们们\n", encoding="utf-8")
    with pytest.raises(UserDictError, match=r"c\.txt:3:"):
        read_confusions(path)


@pytest.fixture
def run_cli(capsys, monkeypatch, breaker_dir, tmp_path):
    def run(*argv, text: str):
        source = tmp_path / "in.txt"
        source.write_text(text, encoding="utf-8")
        status = main(
            [str(source), "--model", str(breaker_dir), "--no-word-knowledge", *map(str, argv)]
        )
        out, err = capsys.readouterr()
        return status, out, err

    return run


def test_cli_protect_keeps_a_term_the_model_would_change(run_cli, tmp_path):
    text = "医生说治疗要早。\n"
    assert run_cli(text=text)[1] == "医生说治了要早。\n"
    (tmp_path / "terms.txt").write_text("# domain terms\n治疗\n", encoding="utf-8")
    status, out, _ = run_cli("--protect", tmp_path / "terms.txt", text=text)
    assert status == 0 and out == text


def test_cli_confusions_add_a_substitution(run_cli, tmp_path):
    text = "我的猫很可爱。\n"
    assert run_cli(text=text)[1] == text  # 猫 -> 了 is no known confusion
    (tmp_path / "c.txt").write_text("猫 了\n", encoding="utf-8")
    status, out, _ = run_cli("--confusions", tmp_path / "c.txt", text=text)
    assert status == 0 and out == "我的了很可爱。\n"


def test_cli_bad_dictionary_is_a_one_line_usage_error(run_cli, tmp_path):
    (tmp_path / "c.txt").write_text("猫\n", encoding="utf-8")
    status, out, err = run_cli("--confusions", tmp_path / "c.txt", text="我的猫。\n")
    assert status == 2 and out == "" and "c.txt:1:" in err and "Traceback" not in err


def test_knowledge_loads_beside_the_models_and_its_failure_reaches_the_caller(
    breaker_dir, monkeypatch
):
    from electra_corrector.knowledge import evidence as knowledge

    monkeypatch.setattr(knowledge, "_loaded", [])

    def broken(cls, path=None):
        raise OSError("char_ngrams.npz.xz: corrupt input data")

    monkeypatch.setattr(CharNgrams, "load", classmethod(broken))
    with pytest.raises(OSError, match="corrupt input data"):
        Corrector(breaker_dir, precision="fp32")
    assert Corrector(breaker_dir, precision="fp32", word_knowledge=False).correct("治疗").text
    monkeypatch.undo()
    with_knowledge = Corrector(breaker_dir, precision="fp32")
    assert with_knowledge._knowledge is knowledge.shipped()
