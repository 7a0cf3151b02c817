"""Word documents for the tests, made with python-docx: the typo 唷 (which the hand-set model
corrects to 友 wherever it is shown) in prose, and the same characters in every place a
correction must never reach. No 友 appears anywhere, so an edited part with 友 put back to 唷
must be the original part, byte for byte."""

from __future__ import annotations

import re
from pathlib import Path

from tests import zips

PROSE_TYPOS = 7  # the 唷 in prose, all fixed; every other 唷 stays
HYPERLINK = "https://example.com/朋唷"
RELATIONSHIP = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink"


def _xml(text: str):
    """An element from a fragment of WordprocessingML (its namespace declared on the root)."""
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    return parse_xml(re.sub(r"^<(w:\w+)", rf"<\1 {nsdecls('w')}", text))


def typo_document(path: Path, comment: bool = True) -> Path:
    """A .docx with 唷 in prose: split over two runs of different formatting (朋 bold, 唷
    italic), in a table cell, a footer, a header, a hyperlink's text and a comment; and never
    to be edited: in the hyperlink's target, a field's code and its result, a tracked deletion
    and a tracked insertion, a bookmark's name. `comment` False leaves the comment out: Debian's
    LibreOffice 7.4 crashes loading python-docx's comments over UNO (converting is fine)."""
    import docx

    document = docx.Document()
    first = document.add_paragraph()
    first.add_run("我跟我").bold = False
    first.add_run("朋").bold = True
    first.add_run("唷打算去法国").italic = True
    document.add_table(rows=1, cols=1).cell(0, 0).text = "表格里有朋唷的名字"
    section = document.sections[0]
    section.footer.paragraphs[0].text = "页脚：我跟朋唷打算"
    section.header.paragraphs[0].text = "页眉：我跟朋唷打算"

    linked = document.add_paragraph()
    rid = document.part.relate_to(HYPERLINK, RELATIONSHIP, is_external=True)
    linked._p.append(
        _xml(
            f'<w:hyperlink r:id="{rid}" xmlns:r="http://schemas.openxmlformats.org/'
            'officeDocument/2006/relationships"><w:r><w:t>朋唷的主页</w:t></w:r></w:hyperlink>'
        )
    )

    kept = document.add_paragraph()
    for xml in (
        '<w:bookmarkStart w:id="90" w:name="朋唷"/>',
        '<w:r><w:fldChar w:fldCharType="begin"/></w:r>',
        '<w:r><w:instrText xml:space="preserve"> REF 朋唷 \\h </w:instrText></w:r>',
        '<w:r><w:fldChar w:fldCharType="separate"/></w:r>',
        "<w:r><w:t>朋唷</w:t></w:r>",
        '<w:r><w:fldChar w:fldCharType="end"/></w:r>',
        '<w:bookmarkEnd w:id="90"/>',
        '<w:del w:id="91" w:author="张三" w:date="2026-01-01T00:00:00Z"><w:r>'
        "<w:delText>朋唷</w:delText></w:r></w:del>",
        '<w:ins w:id="92" w:author="张三" w:date="2026-01-01T00:00:00Z"><w:r>'
        "<w:t>朋唷</w:t></w:r></w:ins>",
        "<w:r><w:t>，我跟朋唷打算。</w:t></w:r>",
    ):
        kept._p.append(_xml(xml))
    commented = document.add_paragraph("加了批注")
    if comment:
        document.add_comment(commented.runs, text="批注：我跟朋唷打算", author="李四")
    document.save(path)
    return path


def clean_document(path: Path) -> Path:
    """A .docx whose only 唷 are where nothing is ever edited: no correction to make."""
    import docx

    document = docx.Document()
    document.add_paragraph("我跟我朋友打算去法国")
    paragraph = document.add_paragraph()
    paragraph._p.append(
        _xml(
            '<w:del w:id="91" w:author="张三" w:date="2026-01-01T00:00:00Z"><w:r>'
            "<w:delText>朋唷</w:delText></w:r></w:del>"
        )
    )
    document.save(path)
    return path


def members(path: Path) -> dict[str, bytes]:
    """Each member's uncompressed bytes by name, in the zip's order."""
    return {name: data for name, _, data in zips.members(path.read_bytes())}
