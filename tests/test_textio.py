"""Byte-exact text I/O: encodings, BOMs, line endings, decode errors, atomic files, prefetching."""

from __future__ import annotations

import codecs
import io
import os
import threading

import pytest

from electra_corrector.textio.files import (
    GB18030,
    UTF8,
    AtomicFile,
    LineReader,
    LineWriter,
    Prefetcher,
    TextEncoding,
    TextError,
    split_line_ending,
)
from tests.encodings import ENCODINGS

TEXT = "我跟我朋唷打算去法国玩儿。{nl}{nl}Hello, 世界 ①②{nl}  缩进的一行\t{nl}没有换行的最后一行"


def read_all(data: bytes) -> tuple[LineReader, list[str]]:
    reader = LineReader(io.BytesIO(data))
    return reader, list(reader)


def round_trip(data: bytes) -> bytes:
    reader = LineReader(io.BytesIO(data))
    out = io.BytesIO()
    writer = LineWriter(out, lambda: reader.encoding)
    for line in reader:
        writer.write(line)
    writer.finish()
    return out.getvalue()


@pytest.mark.parametrize("nl", ["\n", "\r\n"], ids=["LF", "CRLF"])
@pytest.mark.parametrize("encoding", ENCODINGS)
def test_every_supported_encoding_round_trips_byte_for_byte(encoding, nl):
    data = ENCODINGS[encoding](TEXT.format(nl=nl))
    assert round_trip(data) == data
    _, lines = read_all(data)
    assert lines[0] == "我跟我朋唷打算去法国玩儿。" + nl
    assert lines[1] == nl
    assert lines[-1] == "没有换行的最后一行"


@pytest.mark.parametrize(
    "data",
    [
        b"",
        codecs.BOM_UTF8,
        codecs.BOM_UTF16_LE,
        b"\n",
        b"\r\n",
        b"a",
        "！\n".encode(),
    ],
)
def test_tiny_inputs_round_trip(data):
    assert round_trip(data) == data


def test_detected_encodings():
    assert read_all("中文".encode())[0].encoding == UTF8
    assert read_all("中文".encode("gbk"))[0].encoding == GB18030
    assert read_all("中文".encode("utf-8-sig"))[0].encoding == TextEncoding(
        "utf-8", codecs.BOM_UTF8
    )
    assert str(read_all("中文".encode("utf-16"))[0].encoding) == "UTF-16-LE with BOM"


def test_gb18030_is_detected_after_ascii_lines():
    data = b"ascii only\r\n" * 3 + "中文\n".encode("gb18030")
    reader, lines = read_all(data)
    assert reader.encoding == GB18030
    assert lines[-1] == "中文\n"
    assert round_trip(data) == data


def test_line_ending_split():
    assert split_line_ending("中文\r\n") == ("中文", "\r\n")
    assert split_line_ending("中文\n") == ("中文", "\n")
    assert split_line_ending("中文") == ("中文", "")
    assert split_line_ending("a\rb") == ("a\rb", "")  # a lone CR is text, kept as it is
    assert split_line_ending("") == ("", "")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ("第一行\n".encode() + "第二行\n".encode("gbk"), "line 2: not valid UTF-8"),
        (b"ok\nok\n\xff\xff\n", "line 3: neither UTF-8 nor recognisably GB18030"),
        ("中文\n".encode("gbk") + b"\x81\x20\n", "line 2: not valid GB18030"),
        (b"text\n\x89PNG\x00\x00\n", "line 2: contains NUL bytes"),
        (codecs.BOM_UTF16_LE + "一\n二\n".encode("utf-16-le") + b"\x00\xd8\n\x00", "line 3:"),
        (codecs.BOM_UTF16_BE + "一\n二".encode("utf-16-be") + b"\x00", "line 2:"),
    ],
)
def test_unreadable_input_names_the_line(data, message):
    with pytest.raises(TextError, match=message):
        read_all(data)


def test_utf16_error_is_reported_at_its_line_despite_read_ahead():
    # Many short lines: the decoder reads far past line 2 before line 2 is returned.
    data = codecs.BOM_UTF16_LE + "行\n".encode("utf-16-le") * 3 + b"\x00\xdc" + b"x\x00" * 9000
    reader = LineReader(io.BytesIO(data))
    assert [next(iter(reader)) for _ in range(3)] == ["行\n"] * 3
    with pytest.raises(TextError, match="line 4:"):
        next(iter(reader))


def test_named_output_encodings():
    assert TextEncoding.named("UTF8") == UTF8
    assert TextEncoding.named("utf-8-sig") == TextEncoding("utf-8", codecs.BOM_UTF8)
    assert TextEncoding.named("utf_16") == TextEncoding("utf-16-le", codecs.BOM_UTF16_LE)
    assert TextEncoding.named("GBK") == TextEncoding("gbk")
    with pytest.raises(LookupError):
        TextEncoding.named("no-such-encoding")


def test_writer_reports_unencodable_text():
    writer = LineWriter(io.BytesIO(), lambda: TextEncoding("gbk"))
    with pytest.raises(TextError, match="cannot write '😀' in GBK"):
        writer.write("好😀\n")


def test_long_single_line_is_read_whole():
    line = "长" * 5_000_000 + "\r\n"
    reader, lines = read_all(line.encode("gb18030"))
    assert lines == [line]
    assert reader.bytes_read == 10_000_002


def test_atomic_file_replaces_only_on_commit_and_keeps_permissions(tmp_path):
    target = tmp_path / "out.txt"
    target.write_bytes(b"old")
    target.chmod(0o640)
    with AtomicFile(target) as sink:
        sink.stream.write(b"new")
        assert target.read_bytes() == b"old"  # nothing visible before the rename
    assert target.read_bytes() == b"new"
    assert target.stat().st_mode & 0o777 == 0o640
    assert os.listdir(tmp_path) == ["out.txt"]


@pytest.mark.parametrize("error", [RuntimeError, KeyboardInterrupt])
def test_atomic_file_leaves_target_alone_on_error(tmp_path, error):
    target = tmp_path / "out.txt"
    target.write_bytes(b"old")
    with pytest.raises(error), AtomicFile(target) as sink:
        sink.stream.write(b"half")
        raise error
    assert target.read_bytes() == b"old"
    assert os.listdir(tmp_path) == ["out.txt"]


def test_atomic_new_file_gets_umask_permissions(tmp_path):
    umask = os.umask(0o022)
    try:
        with AtomicFile(tmp_path / "new.txt") as sink:
            sink.stream.write(b"x")
    finally:
        os.umask(umask)
    assert (tmp_path / "new.txt").stat().st_mode & 0o777 == 0o644


def test_prefetcher_batches_only_what_has_arrived():
    queued, release = threading.Event(), threading.Event()

    def live_stream():
        yield from (1, 2, 3)
        queued.set()  # runs only once 3 is queued
        release.wait(10)
        yield 4

    batches = Prefetcher(live_stream(), capacity=10).batches(100)
    assert queued.wait(10)
    assert next(batches) == [1, 2, 3]  # does not wait for 4
    release.set()
    assert list(batches) == [[4]]


def test_prefetcher_respects_batch_size_and_raises_after_the_items():
    def failing():
        yield from range(5)
        raise TextError("line 6: broken")

    batches = Prefetcher(failing(), capacity=2).batches(2)
    seen = []
    with pytest.raises(TextError, match="line 6"):
        for batch in batches:
            assert len(batch) <= 2
            seen += batch
    assert seen == [0, 1, 2, 3, 4]


TRADITIONAL = "他說這件事很重要。\n我們明天再談吧！\n"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (TRADITIONAL.encode("big5"), "line 1: neither UTF-8 nor recognisably GB18030"),
        ("안녕하세요. 오늘은 날씨가 좋습니다.\n".encode("euc-kr"), "line 1: neither"),
        ("今日はいい天気ですね。明日は雨でしょう。\n".encode("euc-jp"), "line 1: neither"),
        ("今日はいい天気ですね。\n".encode("shift_jis"), "line 1: neither"),
        (
            b"ascii\n" + "是".encode() + b"\xa0" + "啊！她是我的老师啊！\n".encode(),
            "line 2: not valid UTF-8",
        ),
    ],
    ids=["big5", "euc-kr", "euc-jp", "shift-jis", "utf-8 with a stray byte"],
)
def test_other_legacy_encodings_are_refused_not_read_as_gb18030(data, message):
    # GB18030 decodes every one of these without an error, into other characters.
    data.decode("gb18030")
    with pytest.raises(TextError, match=message):
        read_all(data)


def test_gb18030_evidence_is_read_ahead_in_a_file_but_not_past_a_pipe(tmp_path):
    # A first line of one rare character is too little to judge; the rest of a file settles it.
    data = "鑫\n".encode("gbk") + "我们今天去公园散步，然后在饭店吃饭。\n".encode("gbk") * 3
    path = tmp_path / "gbk.txt"
    path.write_bytes(data)
    with path.open("rb") as stream:
        assert "".join(LineReader(stream)) == data.decode("gbk")
    read, write = os.pipe()
    os.write(write, data)
    os.close(write)
    with open(read, "rb") as pipe, pytest.raises(TextError, match="line 1: neither"):
        list(LineReader(pipe))


def test_traditional_chinese_in_gbk_is_still_gb18030():
    data = TRADITIONAL.encode("gbk")
    assert read_all(data)[0].encoding == GB18030
    assert round_trip(data) == data


@pytest.mark.parametrize("name", ["big5", "euc-kr", "shift_jis", "utf-16-le", "gb18030"])
def test_a_named_input_encoding_round_trips(name):
    text = {"euc-kr": "안녕하세요\r\n세계", "shift_jis": "今日は\n"}.get(name, TRADITIONAL)
    data = text.encode(name)
    reader = LineReader(io.BytesIO(data), TextEncoding.named(name))
    out = io.BytesIO()
    writer = LineWriter(out, lambda: reader.encoding)
    lines = list(reader)
    for line in lines:
        writer.write(line)
    writer.finish()
    assert "".join(lines) == text
    assert out.getvalue() == data


def test_a_named_input_encoding_reports_bad_bytes_at_their_line():
    with pytest.raises(TextError, match="line 2: not valid BIG5"):
        read_all_named(b"ok\n\xff\xff\n", "big5")


def read_all_named(data: bytes, name: str) -> list[str]:
    return list(LineReader(io.BytesIO(data), TextEncoding.named(name)))


def test_a_line_over_the_limit_fails_without_being_read_whole(monkeypatch):
    from electra_corrector.textio import files as textio

    monkeypatch.setattr(textio, "MAX_LINE_BYTES", 1000)
    with pytest.raises(TextError, match="line 2: longer than"):
        read_all(b"short\n" + b"x" * 5000)
    with pytest.raises(TextError, match="line 1: longer than"):
        read_all_named("長".encode("big5") * 3000, "big5")
    assert read_all(b"x" * 1000)[1] == ["x" * 1000]
