"""The pieces of scripts/build_confusion.py on tiny hand-made inputs (no font, no corpus)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pytest

from electra_corrector.engine.confusion import ConfusionTable


@pytest.fixture(scope="module")
def build():
    path = Path(__file__).resolve().parents[1] / "scripts" / "build_confusion.py"
    spec = importlib.util.spec_from_file_location("build_confusion", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_syllables_split_and_their_near_sounds(build):
    assert build.split_syllable("zhong") == ("zh", "ong")
    assert build.split_syllable("zong") == ("z", "ong")
    assert build.split_syllable("an") == ("", "an")
    inventory = {"zan", "zhang", "zhan", "can", "lin", "ning", "nin", "lu", "lv"}
    assert build.near_syllables("zhan", inventory) == {"zan", "zhang"}
    assert build.near_syllables("nin", inventory) == {"lin", "ning"}
    assert build.near_syllables("lv", inventory) == {"lu"}
    assert build.near_syllables("can", inventory) == set()  # chan, cang are not in it


def test_same_reading_over_every_reading_and_near_reading(build):
    readings = {
        "中": {"zhong"},
        "钟": {"zhong"},
        "种": {"zhong", "chong"},  # polyphonic: both readings count
        "虫": {"chong"},
        "宗": {"zong"},
        "僻": {"pi"},
    }
    same, near = build.by_sound(readings, rights={"中", "种", "虫", "宗", "钟"})
    assert same["中"] == {"钟", "种"} and same["虫"] == {"种"} and same["种"] == {"中", "钟", "虫"}
    assert near["中"] == {"宗"} and near["宗"] == {"中", "钟", "种"}  # z/zh
    assert "僻" not in same and "僻" not in near
    # a right must be common: without 钟 among the rights nothing is put in its place
    same, _ = build.by_sound(readings, rights={"中"})
    assert same == {"钟": {"中"}, "种": {"中"}}


def test_glyph_neighbours_are_the_most_similar_bitmaps(build):
    bitmaps = np.array(
        [
            [1.0, 1.0, 0.0, 0.0],
            [1.0, 0.9, 0.1, 0.0],  # close to the first
            [0.0, 0.0, 1.0, 1.0],
            [0.0, 0.0, 0.0, 0.0],  # a glyph the font lacks
        ]
    )
    targets = np.arange(4)
    assert build.glyph_neighbours(bitmaps, targets, k=1, min_similarity=0.9) == [[1], [0], [], []]
    # only targets are neighbours, and k bounds how many
    assert build.glyph_neighbours(bitmaps, np.array([0, 2]), k=2, min_similarity=0.0)[1] == [0, 2]
    shape = build.by_shape(list("甲乙丙丁"), bitmaps, rights={"甲"}, k=1, sim=0.9)
    assert shape == {"乙": {"甲"}}  # 甲's nearest, 乙, is no common character


def test_variants_go_to_their_simplified_form_only(build):
    def to_simplified(text: str) -> str:
        return {"頭": "头", "乾": "干", "后": "后"}.get(text, text)

    assert build.by_variant("頭乾后头", to_simplified, known={"头"}) == {"頭": {"头"}}


def test_seen_pairs_are_the_substitutions_as_written(build):
    pairs = [("我门去", "我们去"), ("不一样长", "不一样"), ("再见", "在见")]
    assert build.by_pairs(pairs, known=set("门们再在")) == {"门": {"们"}, "再": {"在"}}


def test_each_pair_once_under_its_first_kind_and_the_file_reads_back(build):
    sources = {
        "pinyin": {"门": {"们", "闷"}},
        "seen": {"门": {"们"}},
        "near": {"门": {"闷", "扪"}},
        "variant": {"門": {"门"}},
    }
    table = build.merge(sources)
    assert table == {"门": {"seen": "们", "pinyin": "闷", "near": "扪"}, "門": {"variant": "门"}}
    read = ConfusionTable.from_text(build.table_text(table, "test"))
    assert [read.kind("门", c) for c in "们闷扪"] == ["seen", "pinyin", "near"]
    assert read.kind("門", "门") == "variant" and read.kind("门", "門") is None


def test_coverage_counts_every_gold_edit_per_file_source_by_source(build, tmp_path):
    (tmp_path / "learner.tsv").write_text("我门去\t我们去\n天气好\t天气好\n", encoding="utf-8")
    (tmp_path / "pairs_x.tsv").write_text("頭很疼\t头很痛\n", encoding="utf-8")
    sources = {"listed": {"门": {"们"}}, "variant": {"頭": {"头"}}, "shape": {"疼": {"痛"}}}
    lines = build.coverage_report(sources, tmp_path).splitlines()
    assert lines[1].split() == ["gold", "edits", "1", "2", "3"]
    assert lines[2].split() == ["+", "listed", "100.0%", "0.0%", "33.3%"]
    assert lines[3].split() == ["+", "variant", "100.0%", "50.0%", "66.7%"]
    assert lines[5].split() == ["+", "shape", "100.0%", "100.0%", "100.0%"]
