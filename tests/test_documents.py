"""Documents people write in: HTML, subtitles (SRT, WebVTT, ASS), LaTeX and Jupyter notebooks.
Each fixture holds the typo 唷 in prose (①, to be fixed) and in every place the format never
edits (②, kept): through the real command line with the hand-set model, which corrects every 唷
it is shown, only ① changes, every other byte stays, and --check's SARIF points at each ① in
the original file. Then hostile inputs."""

from __future__ import annotations

import json
import sys

import pytest

from electra_corrector.markup.syntax import syntax_of
from tests.zips import members, zip_of

FIXED, KEPT = "①", "②"
PROSE = f"我跟朋{FIXED}打算去法国"

HTML = f"""<!DOCTYPE html>
<html><head><title>{PROSE}</title>
<style>.朋{KEPT} {{ color: red }}</style>
<script>var s = "我跟朋{KEPT}打算去法国";</script></head>
<body class="朋{KEPT}" data-note="我跟朋{KEPT}打算去法国">
<p title="{PROSE}">我跟<b>朋{FIXED}</b>打算去法国&amp;我跟朋{FIXED}打算</p>
<!-- 我跟朋{KEPT}打算去法国 --><pre>我跟朋{KEPT}打算</pre><code>朋{KEPT}们</code>
<a href="朋{KEPT}.html">{PROSE}</a><img alt="{PROSE}" src="朋{KEPT}.png">
</body></html>
"""
SRT = f"""1
00:00:01,000 --> 00:00:04,000
<i>{PROSE}</i>
{{\\an8}}<font face="朋{KEPT}">{PROSE}</font>

2
00:00:05,000 --> 00:00:06,000
{PROSE}
"""
VTT = f"""WEBVTT 我跟朋{KEPT}打算

NOTE 我跟朋{KEPT}打算去法国

朋{KEPT}们
00:01.000 --> 00:04.000 align:start
<c.朋{KEPT}>{PROSE}</c>
"""
ASS = f"""[Script Info]
Title: 我跟朋{KEPT}打算去法国

[Events]
Format: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text
Dialogue: 0,0:00:01.00,0:00:04.00,朋{KEPT},朋{KEPT},0,0,0,,{{\\fn朋{KEPT}}}{PROSE}\\N{PROSE}
Comment: 0,0:00:01.00,0:00:04.00,Default,,0,0,0,,我跟朋{KEPT}打算去法国
"""
TEX = f"""\\documentclass{{ctexart}}
\\begin{{document}}
\\section{{{PROSE}}}\\label{{sec:朋{KEPT}}}
{PROSE}，见\\ref{{朋{KEPT}}}和$朋{KEPT}$。% {PROSE}
\\begin{{equation}}
朋{KEPT} = 1
\\end{{equation}}
\\begin{{verbatim}}
我跟朋{KEPT}打算去法国
\\end{{verbatim}}
\\verb|朋{KEPT}| \\cite{{朋{KEPT}}} \\includegraphics[width=3cm]{{朋{KEPT}.png}} \\[朋{KEPT}\\]
\\end{{document}}
"""
NOTEBOOK = {
    "cells": [
        {
            "cell_type": "markdown",
            "metadata": {"note": f"我跟朋{KEPT}打算去法国"},
            "source": [f"# {PROSE}\n", f"`朋{KEPT}们` {PROSE}\n"],
        },
        {
            "cell_type": "code",
            "execution_count": 1,
            "metadata": {},
            "outputs": [{"name": "stdout", "output_type": "stream", "text": [f"我跟朋{KEPT}\n"]}],
            "source": [f"朋{KEPT} = 1  # {PROSE}\n", f'print("{PROSE}")'],
        },
        {"cell_type": "raw", "metadata": {}, "source": [f"我跟朋{KEPT}打算去法国"]},
    ],
    "metadata": {"kernelspec": {"language": "python", "name": "python3"}},
    "nbformat": 4,
    "nbformat_minor": 5,
}
IPYNB = json.dumps(NOTEBOOK, ensure_ascii=False, indent=1) + "\n"  # as Jupyter writes it
DOCUMENTS = {
    "page.html": HTML,
    "film.srt": SRT,
    "film.vtt": VTT,
    "film.ass": ASS,
    "paper.tex": TEX,
    "notes.ipynb": IPYNB,
}


def _bytes(template: str, fixed: str = "唷") -> bytes:
    return template.replace(FIXED, fixed).replace(KEPT, "唷").encode("utf-8")


@pytest.fixture
def folder(tmp_path):
    for name, template in DOCUMENTS.items():
        (tmp_path / name).write_bytes(_bytes(template))
    return tmp_path


def test_each_file_name_picks_its_format():
    names = ("a.html", "b.htm", "c.xhtml", "d.srt", "e.vtt", "f.ass", "g.ssa", "h.tex", "i.ipynb")
    assert [syntax_of(n) for n in names] == [
        *["html"] * 3,
        "srt",
        "vtt",
        *["ass"] * 2,
        "latex",
        "ipynb",
    ]


def test_only_the_prose_changes_and_every_other_byte_stays(correct, folder):
    status, _, err = correct("--in-place", *sorted(folder.glob("*")))
    assert status == 0, err
    for name, template in DOCUMENTS.items():
        assert (folder / name).read_bytes() == _bytes(template, "友"), name
    edited = json.loads((folder / "notes.ipynb").read_text(encoding="utf-8"))
    assert edited == json.loads(_bytes(IPYNB, "友"))  # still the notebook, sources fixed


def test_a_document_without_typos_in_prose_comes_back_byte_identical(correct, tmp_path):
    for name, template in DOCUMENTS.items():
        path = tmp_path / name
        path.write_bytes(_bytes(template, "友"))  # the typo only where it is never edited
        status, _, err = correct("--in-place", path)
        assert (status, path.read_bytes()) == (0, _bytes(template, "友")), (name, err)


def test_check_points_sarif_at_each_typo_in_the_original_file(correct, folder, monkeypatch):
    monkeypatch.chdir(folder)
    status, out, err = correct("--check", "--format", "sarif", *sorted(DOCUMENTS))
    assert status == 1, err
    [run] = json.loads(out)["runs"]
    found = sorted(
        (
            r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
            r["locations"][0]["physicalLocation"]["region"]["startLine"],
            r["locations"][0]["physicalLocation"]["region"]["startColumn"],
        )
        for r in run["results"]
    )
    expected = sorted(
        (name, number, column + 1)  # every character here is in the BMP: UTF-16 = code points
        for name, template in DOCUMENTS.items()
        for number, line in enumerate(template.splitlines(), 1)
        for column, char in enumerate(line)
        if char == FIXED
    )
    assert found == expected


def test_stdin_takes_a_format_by_name(correct, monkeypatch):
    import io

    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(_bytes(SRT))))
    status, out, err = correct("--syntax", "srt")
    assert (status, out) == (0, _bytes(SRT, "友")), err


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("cut.ipynb", _bytes(IPYNB)[: len(_bytes(IPYNB)) // 2]),  # truncated JSON
        ("list.ipynb", b'["\xe6\x88\x91\xe8\xb7\x9f\xe6\x9c\x8b\xe5\x94\xb7"]\n'),  # not a notebook
        ("open.html", '<p>好的</p><p title="我跟朋唷打算去法国\n我跟朋唷'.encode()),
        ("stray.tex", "$我跟朋唷打算去法国\n".encode()),  # math that never closes
    ],
)
def test_a_broken_document_is_left_alone_where_it_cannot_be_read(correct, tmp_path, name, data):
    path = tmp_path / name
    path.write_bytes(data)
    status, out, err = correct("--check", path)
    assert (status, out) == (0, b""), err
    assert path.read_bytes() == data


def test_a_notebook_that_is_not_text_is_a_one_line_error_and_stays(correct, tmp_path):
    path = tmp_path / "bad.ipynb"
    data = _bytes(IPYNB).replace("打算".encode(), b"\xff\xfe", 1)
    path.write_bytes(data)
    status, _, err = correct("--in-place", path)
    assert status == 1
    assert err.count("\n") == 1 and str(path) in err
    assert path.read_bytes() == data


def test_inline_ignores_work_in_these_formats_too():
    from electra_corrector.markup import masking, syntax

    lines = ["<p>我跟朋唷打算</p> <!-- electra-correct: ignore -->", "<p>我跟朋唷打算</p>"]
    scan = syntax.scanner("html", lines)
    assert [bool(masking.pieces(line, scan(line))) for line in lines] == [False, True]


def _book(chapters: dict[str, bytes], mimetype: bytes = b"application/epub+zip") -> bytes:
    """An EPUB as its writers make it: `mimetype` first and stored, then the rest deflated."""
    container = '<container><rootfiles><rootfile full-path="OEBPS/content.opf"/></rootfiles>'
    entries = {
        "mimetype": mimetype,
        "META-INF/container.xml": container + "</container>",
        "OEBPS/content.opf": "<package>朋唷</package>",
        "OEBPS/style.css": ".朋唷 { color: red }",
    }
    return zip_of({**entries, **chapters}, deflated=True)


CHAPTERS = ("OEBPS/one.xhtml", "OEBPS/two.xhtml")


def test_a_book_has_its_chapters_corrected_as_html_and_the_rest_kept(correct, tmp_path):
    path = tmp_path / "book.epub"
    path.write_bytes(_book(dict.fromkeys(CHAPTERS, _bytes(HTML))))
    status, _, err = correct("--in-place", path)
    assert status == 0, err
    expected = members(_book(dict.fromkeys(CHAPTERS, _bytes(HTML, "友"))))
    assert members(path.read_bytes()) == expected  # order, compression, every other byte


def test_a_book_without_typos_in_prose_comes_back_byte_identical(correct, tmp_path):
    path = tmp_path / "book.epub"
    data = _book({CHAPTERS[0]: _bytes(HTML, "友")})
    path.write_bytes(data)
    status, _, err = correct("--in-place", path)
    assert (status, path.read_bytes()) == (0, data), err


def test_check_counts_a_books_lines_through_its_chapters(correct, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "book.epub").write_bytes(_book(dict.fromkeys(CHAPTERS, _bytes(HTML))))
    status, out, err = correct("--check", "book.epub")
    assert status == 1, err
    lines = [int(line.split(":")[1]) for line in out.decode().splitlines()]
    one = [n for n, line in enumerate(HTML.splitlines(), 1) for char in line if char == FIXED]
    assert lines == one + [n + len(HTML.splitlines()) for n in one]


@pytest.mark.parametrize(
    ("why", "data"),
    [
        ("no mimetype", _book({CHAPTERS[0]: _bytes(HTML)}, mimetype=b"application/zip")),
        ("not utf-8", _book({CHAPTERS[0]: _bytes(HTML).replace("打算".encode(), b"\xff", 1)})),
        ("truncated", _book({CHAPTERS[0]: _bytes(HTML)})[:-40]),
    ],
)
def test_a_hostile_book_is_a_one_line_error_and_stays(correct, tmp_path, why, data):
    path = tmp_path / "book.epub"
    path.write_bytes(data)
    status, out, err = correct("--in-place", path)
    assert (status, out) == (1, b""), why
    assert err.count("\n") == 1 and str(path) in err, err
    assert path.read_bytes() == data


def test_a_book_on_stdin_by_name_comes_back_whole_without_data_descriptors(correct, monkeypatch):
    import io
    import zipfile

    book = _book({CHAPTERS[0]: _bytes(HTML)})
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(book)))
    status, out, err = correct("--syntax", "epub")
    assert status == 0, err
    assert members(out) == members(_book({CHAPTERS[0]: _bytes(HTML, "友")}))
    with zipfile.ZipFile(io.BytesIO(out)) as written:  # EPUB readers want no descriptors
        assert not any(info.flag_bits & 0x8 for info in written.infolist())
