"""electra-correct-server started for real with the bundled model, on a free loopback port:
LanguageTool's own Python client works against it unmodified, annotated text is checked only
in its text parts, and every answer's edits are what Corrector.correct_batch gives."""

import json
import shutil
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

pytestmark = pytest.mark.slow
pytest.importorskip("starlette")
pytest.importorskip("uvicorn")

SENTENCE = "他说这件事很重要，我门一定要再试一次。"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(url: str) -> dict:
    with urllib.request.urlopen(url, timeout=5) as answer:
        return json.load(answer)


def post(url: str, body: dict) -> tuple[int, dict]:
    request = urllib.request.Request(
        url, json.dumps(body).encode(), {"Content-Type": "application/json"}
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as answer:
            return answer.status, json.load(answer)
    except urllib.error.HTTPError as e:
        return e.code, json.load(e)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """The server's URL; it runs in an empty folder (no settings file) until the module ends."""
    port, folder = free_port(), tmp_path_factory.mktemp("server")
    log = (folder / "log").open("w+")
    process = subprocess.Popen(
        [sys.executable, "-m", "electra_corrector.server", "--port", str(port)],
        cwd=folder,
        stdout=log,
        stderr=log,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(600):
            try:
                if get(f"{url}/healthz")["ready"]:
                    break
            except OSError:
                pass
            assert process.poll() is None, (folder / "log").read_text()
            time.sleep(0.1)
        else:
            pytest.fail("the server did not get ready in 60 s")
        yield url
    finally:
        process.terminate()
        # uvicorn shuts down, then dies of the signal it caught, as a process told to stop does.
        assert process.wait(10) in (0, -15)
        assert "Application shutdown complete" in (folder / "log").read_text()
        log.close()


@pytest.fixture(scope="module")
def corrector():
    from electra_corrector import Corrector

    return Corrector()


def test_language_tool_python_against_the_server(server):
    language_tool_python = pytest.importorskip("language_tool_python")
    tool = language_tool_python.LanguageTool("zh-CN", remote_server=server)
    (match,) = tool.check(SENTENCE)
    assert (match.offset, match.error_length, match.replacements) == (10, 1, ["们"])
    assert match.rule_issue_type == "misspelling"
    # The client turns LanguageTool's UTF-16 offsets back into Python's code points.
    (after_emoji,) = tool.check("🙂" + SENTENCE)
    assert after_emoji.offset == 11
    assert tool.correct(SENTENCE) == SENTENCE.replace("我门", "我们")
    tool.close()


def test_offsets_count_utf16_and_markup(server):
    _, plain = post(f"{server}/v2/check", {"text": "🙂" + SENTENCE, "language": "zh-CN"})
    assert [m["offset"] for m in plain["matches"]] == [12]  # the emoji counts 2
    data = {
        "annotation": [
            {"markup": "<p title='我门'>", "interpretAs": "\n\n"},
            {"text": SENTENCE},
            {"markup": "</p>"},
        ]
    }
    status, answer = post(f"{server}/v2/check", {"data": json.dumps(data), "language": "zh"})
    assert status == 200
    # Only the text part's typo: the one in the markup's attribute is never checked.
    assert [(m["offset"], m["length"]) for m in answer["matches"]] == [
        (len("<p title='我门'>") + 10, 1)
    ]


def test_other_languages_get_no_matches(server):
    status, answer = post(f"{server}/v2/check", {"text": SENTENCE, "language": "en-US"})
    assert (status, answer["matches"]) == (200, [])
    assert {"zh-CN", "zh"} <= {c for lang in get(f"{server}/v2/languages") for c in lang.values()}


def test_answers_equal_correct_batch_and_errors_keep_it_serving(server, corrector):
    texts = [SENTENCE, "🙂我跟我朋唷打算去法国玩儿。", "没有错误的句子。", ""]
    status, got = post(f"{server}/v1/correct", {"texts": texts})
    assert status == 200
    assert got == [c.to_json() for c in corrector.correct_batch(texts)]
    status, error = post(f"{server}/v1/correct", {"texts": ["x" * (2 << 20)]})
    assert status == 413 and "error" in error
    status, error = post(f"{server}/v2/check", {"text": SENTENCE})
    assert status == 400 and "language" in error["error"]
    status, again = post(f"{server}/v1/correct", {"texts": [SENTENCE]})
    assert (status, again) == (200, got[:1])


CHROMIUM, CHROMEDRIVER = shutil.which("chromium"), shutil.which("chromedriver")


@pytest.mark.skipif(
    not (CHROMIUM and CHROMEDRIVER),
    reason="needs Debian's chromium and chromium-driver (apt-get install chromium chromium-driver)",
)
def test_the_web_page_in_headless_chromium(server, tmp_path):
    webdriver = pytest.importorskip("selenium.webdriver")
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    # Without the background-networking flags Chromium keeps dialling out of a closed network.
    for flag in (
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--user-data-dir={tmp_path / 'profile'}",
    ):
        options.add_argument(flag)
    browser = webdriver.Chrome(options, webdriver.ChromeService(CHROMEDRIVER))
    try:
        browser.get(server)
        browser.find_element(By.ID, "source").send_keys(SENTENCE)
        browser.find_element(By.ID, "check").click()
        wait = WebDriverWait(browser, 30)
        edit = wait.until(lambda b: b.find_element(By.ID, "edit-0"))
        assert edit.find_element(By.TAG_NAME, "ins").text == "们"
        result = browser.find_element(By.ID, "result")
        assert result.get_property("value") == SENTENCE  # nothing applied until accepted
        edit.find_element(By.CLASS_NAME, "accept").click()
        assert result.get_property("value") == SENTENCE.replace("我门", "我们")
    finally:
        browser.quit()
