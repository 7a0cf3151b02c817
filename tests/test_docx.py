"""Word documents through the real command line with the hand-set model (every 唷 it is shown
becomes 友): the prose is corrected in the run that holds each character, its formatting and
everything else kept; --track-changes writes revisions that LibreOffice accepts and rejects;
reports give paragraph positions; hostile files are refused with one line and left as they
were."""

from __future__ import annotations

import io
import re
import zipfile

import pytest

from electra_corrector.markup import docx as word
from electra_corrector.markup.syntax import syntax_of
from electra_corrector.markup.zipped import ContainerError
from tests.libreoffice import converted_text, needs_office, needs_uno, revised_text
from tests.wordfiles import HYPERLINK, PROSE_TYPOS, clean_document, members, typo_document
from tests.zips import zip_of

pytest.importorskip("docx")  # python-docx, from the test extra


@pytest.fixture
def document(tmp_path):
    return typo_document(tmp_path / "report.docx")


def _opened(path):
    import docx

    return docx.Document(str(path))


def test_word_file_names_pick_the_word_format():
    assert [syntax_of(n) for n in ("a.docx", "b.DOCX", "c.docm", "d.dotx")] == ["docx"] * 4


def test_in_place_fixes_the_prose_and_keeps_formatting_links_fields_and_revisions(
    correct, document
):
    before = members(document)
    status, out, err = correct("--in-place", document)
    assert (status, out) == (0, b""), err
    after = members(document)
    assert list(after) == list(before)  # every member, in its order
    edited = {name for name in before if after[name] != before[name]}
    assert edited == {
        "word/document.xml",
        "word/header1.xml",
        "word/footer1.xml",
        "word/comments.xml",
    }
    fixed = sum(after[name].count("友".encode()) for name in edited)
    assert fixed == PROSE_TYPOS
    for name in edited:  # nothing but 唷 -> 友 changed: put back, it is the original part
        assert after[name].replace("友".encode(), "唷".encode()) == before[name], name

    opened = _opened(document)
    first = opened.paragraphs[0]
    assert [(r.text, r.bold, r.italic) for r in first.runs] == [
        ("我跟我", False, None),
        ("朋", True, None),
        ("友打算去法国", None, True),  # the character changed in its own run, italic still
    ]
    assert opened.tables[0].cell(0, 0).text == "表格里有朋友的名字"
    assert opened.sections[0].footer.paragraphs[0].text == "页脚：我跟朋友打算"
    assert opened.sections[0].header.paragraphs[0].text == "页眉：我跟朋友打算"
    assert HYPERLINK in after["word/_rels/document.xml.rels"].decode()
    body = after["word/document.xml"].decode()
    assert "朋友的主页" in body  # a link's text is prose
    for kept in ("REF 朋唷", 'w:name="朋唷"', "<w:delText>朋唷</w:delText>", "<w:t>朋唷</w:t>"):
        assert kept in body, kept  # field code, bookmark, deletion, insertion, field result
    assert "批注：我跟朋友打算" in after["word/comments.xml"].decode()


def test_a_document_with_nothing_to_correct_comes_back_byte_identical(correct, tmp_path):
    path = clean_document(tmp_path / "clean.docx")
    data = path.read_bytes()
    status, _, err = correct("--in-place", path)
    assert (status, path.read_bytes()) == (0, data), err


def test_check_reports_paragraph_positions(correct, document, monkeypatch):
    monkeypatch.chdir(document.parent)
    status, out, err = correct("--check", document.name)
    assert status == 1, err
    lines = [line.split(" (")[0] for line in out.decode().splitlines()]  # the score left out
    assert len(lines) == PROSE_TYPOS
    # Paragraphs count through the body (the table's cell is its second), then the header,
    # the footer and the comments; the column is the character's in its paragraph.
    assert lines[:3] == [
        "report.docx:1:5: 唷 -> 友",
        "report.docx:2:6: 唷 -> 友",
        "report.docx:3:2: 唷 -> 友",
    ]
    assert [line.split(":")[1] for line in lines[3:]] == ["4", "6", "7", "8"]


def test_track_changes_writes_one_revision_per_edit_with_its_author(correct, document):
    before = members(document)["word/document.xml"].decode()
    status, _, err = correct("--track-changes", "--author", "审校", "--in-place", document)
    assert status == 0, err
    body = members(document)["word/document.xml"].decode()
    deletions = re.findall(r'<w:del w:id="(\d+)" w:author="审校" w:date="[0-9T:-]+Z">', body)
    insertions = re.findall(r'<w:ins w:id="(\d+)" w:author="审校" w:date="[0-9T:-]+Z">', body)
    assert len(deletions) == len(insertions) == 4  # the body's prose typos
    new = [int(i) for i in deletions + insertions]
    assert len(new) == len(set(new))
    assert not set(new) & {int(i) for i in re.findall(r'w:id="(\d+)"', before)}
    assert "<w:delText>朋唷</w:delText>" in body  # the deletion that was there is untouched


@needs_office
def test_libreoffice_opens_the_corrected_document(correct, document, tmp_path):
    status, _, err = correct("--in-place", document)
    assert status == 0, err
    text = converted_text(document, tmp_path)
    assert "我跟我朋友打算去法国" in text and "表格里有朋友的名字" in text
    assert "唷打算去法国" not in text


@needs_uno
def test_libreoffice_accepts_and_rejects_the_tracked_changes(correct, tmp_path):
    document = typo_document(tmp_path / "report.docx", comment=False)
    original, plain = tmp_path / "original.docx", tmp_path / "plain.docx"
    original.write_bytes(document.read_bytes())
    plain.write_bytes(document.read_bytes())
    assert correct("--in-place", plain)[0] == 0
    status, _, err = correct("--track-changes", "--in-place", document)
    assert status == 0, err
    had, _ = revised_text(original, "keep", tmp_path)  # a deletion and an insertion
    has, _ = revised_text(document, "keep", tmp_path)
    assert has >= had + 2 * 4  # and a deletion and an insertion per edit of the body
    accepted = revised_text(document, "accept", tmp_path)
    assert accepted == revised_text(plain, "accept", tmp_path)
    rejected = revised_text(document, "reject", tmp_path)
    assert rejected == revised_text(original, "reject", tmp_path)
    assert "我跟我朋友打算去法国" in accepted[1] and "我跟我朋唷打算去法国" in rejected[1]


def test_the_document_goes_to_stdout_or_into_a_tree(correct, document, tmp_path):
    status, out, err = correct(document)  # stdout is no terminal here
    assert status == 0, err
    with zipfile.ZipFile(io.BytesIO(out)) as z:
        assert "朋友打算".encode() in z.read("word/document.xml")
    source, target = tmp_path / "in", tmp_path / "out"
    source.mkdir()
    (source / "a.docx").write_bytes(document.read_bytes())
    (source / "b.txt").write_text("我跟我朋唷打算\n", encoding="utf-8")
    status, _, err = correct("--input-dir", source, "--output-dir", target)
    assert status == 0, err
    assert members(target / "a.docx")["word/document.xml"].count("友".encode()) == 4
    assert (target / "b.txt").read_text(encoding="utf-8") == "我跟我朋友打算\n"


def test_a_word_document_beside_other_inputs_on_one_output_is_refused(correct, document, tmp_path):
    other = tmp_path / "b.txt"
    other.write_text("好\n", encoding="utf-8")
    status, out, err = correct(document, other)
    assert (status, out) == (2, b"")
    assert "report.docx" in err and "output of its own" in err


def test_track_changes_is_refused_with_a_report(correct, document):
    with pytest.raises(SystemExit) as stopped:
        correct("--track-changes", "--check", document)
    assert stopped.value.code == 2


BOMB = (
    b'<?xml version="1.0"?><!DOCTYPE w [<!ENTITY a "\xe6\x9c\x8b\xe5\x94\xb7">'
    b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;">]>'
    b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
    b"<w:body><w:p><w:r><w:t>&c;</w:t></w:r></w:p></w:body></w:document>"
)
GOOD = (
    b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
    + "<w:body><w:p><w:r><w:t>我跟我朋唷打算</w:t></w:r></w:p></w:body></w:document>".encode()
)


def _patched(data: bytes, signature: bytes, offset: int, value: int, size: str = "<H") -> bytes:
    """`data` with the field at `offset` of every record that starts with `signature` set."""
    import struct

    patched, at = bytearray(data), 0
    while (at := patched.find(signature, at)) >= 0:
        struct.pack_into(size, patched, at + offset, value)
        at += 4
    return bytes(patched)


DEFLATE64 = _patched(  # a compression method zipfile lacks (Windows writes it for big files)
    _patched(zip_of({"word/document.xml": GOOD}), b"PK\x03\x04", 8, 9), b"PK\x01\x02", 10, 9
)
FAR_DIRECTORY = _patched(zip_of({"word/document.xml": GOOD}), b"PK\x05\x06", 16, 10**6, "<I")


@pytest.mark.parametrize(
    ("why", "data"),
    [
        ("truncated", None),
        ("deflate64", DEFLATE64),
        ("directory past the end", FAR_DIRECTORY),
        ("no zip", "我跟我朋唷打算".encode()),
        ("bomb", zip_of({"word/document.xml": BOMB})),
        ("traversal", zip_of({"word/document.xml": GOOD, "../../evil.txt": b"x"})),
        ("absolute", zip_of({"word/document.xml": GOOD, "/etc/evil": b"x"})),
        ("unterminated", zip_of({"word/document.xml": GOOD[:-30]})),
        ("no body", zip_of({"word/other.xml": GOOD})),
        ("not utf-8", zip_of({"word/document.xml": GOOD.replace("朋".encode(), b"\xff\xfe")})),
    ],
)
def test_a_hostile_word_file_is_a_one_line_error_and_stays(correct, document, why, data):
    if data is None:
        whole = document.read_bytes()
        data = whole[: len(whole) * 2 // 3]
    document.write_bytes(data)
    status, out, err = correct("--in-place", document)
    assert (status, out) == (1, b""), why
    assert err.count("\n") == 1 and str(document) in err, err
    assert document.read_bytes() == data


def test_a_damaged_member_is_found_before_anything_is_written(document):
    data = bytearray(document.read_bytes())
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as z:
        info = z.getinfo("word/styles.xml")
    start = info.header_offset + 30 + len(info.filename) + len(info.extra) + 10
    data[start] ^= 0xFF  # a byte of its compressed data: its checksum no longer matches
    with pytest.raises(ContainerError):
        word.WordDocument(bytes(data))


W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def _part(body: str, root: str = f'<w:document xmlns:w="{W}">', end: str = "</w:document>"):
    from electra_corrector.markup import wordxml

    return wordxml.parse(f"{root}{body}{end}".encode())


def _tracked(part, edits):
    import itertools

    from electra_corrector.markup import wordxml

    revision = wordxml.Revision("审校", "2026-12-07T00:00:00Z", itertools.count(50))
    return wordxml.rewritten(part, edits, revision)


def _elements(data: bytes) -> list[tuple[str, list[str]]]:
    """Each element's namespaced name and attribute names, as a namespace-aware parser reads."""
    import xml.parsers.expat

    found = []
    parser = xml.parsers.expat.ParserCreate(namespace_separator=" ")
    parser.StartElementHandler = lambda name, attributes: found.append((name, sorted(attributes)))
    parser.Parse(data, True)
    return found


def test_a_tracked_change_in_a_run_whose_formatting_change_is_tracked_stays_well_formed():
    from electra_corrector.markup import wordxml

    change = (
        '<w:rPrChange w:id="1" w:author="张三" w:date="2020-01-01T00:00:00Z"><w:rPr><w:i/>'
        "</w:rPr></w:rPrChange>"
    )
    part = _part(f"<w:p><w:r><w:rPr><w:b/>{change}</w:rPr><w:t>他再家里</w:t></w:r></w:p>")
    out = _tracked(part, [[(1, "在")]])
    assert wordxml.parse(out).paragraphs[0].text == "他在家里"  # well-formed; the insertion read
    ids = re.findall(rb':id="(\d+)"', out)
    assert len(ids) == len(set(ids)) == 4  # the formatting change once per piece of its run
    assert out.count(b"<w:rPrChange") == 2  # never on the inserted or deleted text


def test_revisions_are_in_wordprocessingml_whatever_prefix_the_part_uses():
    for root, body, end in (
        (f'<document xmlns="{W}">', "<body><p><r><t>他再家里</t></r></p></body>", "</document>"),
        (
            f'<w:document xmlns:w="{W}" xmlns:x="{W}">',
            "<w:p><w:r><x:t>他再家里</x:t></w:r></w:p>",
            "",
        ),
    ):
        out = _tracked(_part(body, root, end or "</w:document>"), [[(1, "在")]])
        elements = dict(_elements(out))
        assert elements[f"{W} del"] == [f"{W} author", f"{W} date", f"{W} id"], out
        assert f"{W} ins" in elements and f"{W} delText" in elements


def test_text_after_a_ruby_in_its_run_and_line_breaks_inside_text_are_read():
    ruby = "<w:ruby><w:rt><w:r><w:t>zài</w:t></w:r></w:rt><w:rubyBase><w:r><w:t>再</w:t></w:r>"
    part = _part(f"<w:p><w:r>{ruby}</w:rubyBase></w:ruby><w:t>家里</w:t></w:r></w:p>")
    assert part.paragraphs[0].text == "再家里"  # the annotation left out
    assert _part("<w:p><w:r><w:t>他\r\n再\n家</w:t></w:r></w:p>").paragraphs[0].text == "他 再 家"
