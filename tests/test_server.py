"""electra-correct-server without the model: LanguageTool's parameters and annotated text, the
batcher, and the app's limits and errors over a stand-in corrector (starlette's TestClient)."""

import asyncio
import json
import sys
import threading
import time

import pytest

pytest.importorskip("starlette")
pytest.importorskip("httpx")

from starlette.testclient import TestClient

from electra_corrector.document.correcting import check_text, check_texts
from electra_corrector.engine.result import Correction, Edit
from electra_corrector.server import languagetool as lt
from electra_corrector.server.app import Limits, create_app, handlers
from electra_corrector.server.batching import Batcher
from electra_corrector.server.main import main


class Stand:
    """A corrector that turns every 门 into 们 and records its batches."""

    def __init__(self, delay: float = 0.0):
        self.batches, self.delay = [], delay

    def correct_batch(self, texts):
        self.batches.append(list(texts))
        time.sleep(self.delay)
        return [
            Correction.applied(
                t, [Edit(i, "门", "们", 0.99, None) for i, c in enumerate(t) if c == "门"]
            )
            for t in texts
        ]


def client(corrector, limits=None, **batching):
    batcher = Batcher(lambda: corrector, handlers(), **batching)
    assert batcher.ready.wait(5)
    return TestClient(create_app(batcher, limits or Limits()))


def test_annotated_text_keeps_markup_in_the_offsets():
    data = json.dumps({"annotation": [{"markup": "<b>"}, {"text": "我门"}, {"markup": "</b>"}]})
    assert lt.annotated(data) == ("<b>我门</b>", [(0, 3), (5, 9)])
    for bad in ("[", '{"annotation": 3}', '{"annotation": [{"x": 1}]}', "{}"):
        with pytest.raises(lt.BadRequest):
            lt.annotated(bad)


def test_check_parameters():
    assert lt.Check({"language": "zh-CN", "text": "x"}).checked
    assert not lt.Check({"language": "en-US", "text": "x"}).checked
    assert not lt.Check({"language": "zh", "text": "x", "disabledRules": lt.RULE["id"]}).checked
    assert not lt.Check({"language": "zh", "text": "x", "disabledCategories": "TYPOS"}).checked
    for bad in ({"text": "x"}, {"language": "zh"}, {"language": "zh", "text": "x", "level": "z"}):
        with pytest.raises(lt.BadRequest):
            lt.Check(bad)


def test_check_texts_protects_spans_and_equals_check_text():
    stand = Stand()
    text = "我门\n<门>我门"
    (checked,) = check_texts(stand, [text, "门"], protected=[[(3, 6)], []])[:1]
    assert checked.text == "我们\n<门>我们"
    assert [checked.offset(f) for f in checked.findings] == [1, 7]
    assert len(stand.batches) == 1
    assert check_text(stand, "🙂我门").findings == check_texts(stand, ["🙂我门"])[0].findings


def test_requests_arriving_together_share_one_batch():
    stand = Stand(delay=0.05)
    batcher = Batcher(lambda: stand, handlers(), max_batch=64, wait=0.05, quiet=0.05)
    assert batcher.ready.wait(5)

    async def many():
        return await asyncio.gather(*(batcher.submit("correct", [f"我门{i}"]) for i in range(8)))

    results = asyncio.run(many())
    assert [r[0].text for r in results] == [f"我们{i}" for i in range(8)]
    assert len(stand.batches) == 1 and len(stand.batches[0]) == 8


def test_a_lone_request_is_not_held_for_the_whole_wait():
    # The batch closes once no one joins for `quiet` seconds, long before `wait` is up.
    stand = Stand()
    batcher = Batcher(lambda: stand, handlers(), max_batch=64, wait=60, quiet=0.001)
    assert batcher.ready.wait(5)

    async def alone():
        return await asyncio.wait_for(batcher.submit("correct", ["我门"]), timeout=20)

    assert asyncio.run(alone())[0].text == "我们"
    assert [len(b) for b in stand.batches] == [1]


def test_no_batching_with_max_batch_1():
    stand = Stand()
    batcher = Batcher(lambda: stand, handlers(), max_batch=1, wait=0.05)
    assert batcher.ready.wait(5)

    async def many():
        return await asyncio.gather(*(batcher.submit("correct", ["我门"]) for _ in range(4)))

    asyncio.run(many())
    assert [len(b) for b in stand.batches] == [1, 1, 1, 1]


def test_native_and_languagetool_answers():
    http = client(Stand())
    texts = ["他说我门", "🙂我门"]
    got = http.post("/v1/correct", json={"texts": texts}).json()
    assert got == [c.to_json() for c in Stand().correct_batch(texts)]
    answer = http.post("/v2/check", data={"text": "🙂我门", "language": "zh-CN"}).json()
    (match,) = answer["matches"]
    assert (match["offset"], match["length"], match["replacements"]) == (3, 1, [{"value": "们"}])
    assert match["rule"]["issueType"] == "misspelling"
    assert http.get("/v2/languages").json()[0]["longCode"] == "zh-CN"
    assert http.get("/healthz").json()["ready"] is True
    assert "/v1/correct" in http.get("/").text


@pytest.mark.parametrize(
    "method, path, kwargs, status",
    [
        ("post", "/v1/correct", {"content": b"{"}, 400),
        ("post", "/v1/correct", {"json": {"texts": "我门"}}, 400),
        ("post", "/v1/correct", {"content": b"\xff\xfe"}, 400),
        ("post", "/v1/correct", {"json": {"texts": ["我门" * 200]}}, 413),
        ("post", "/v2/check", {"data": {"text": "我门"}}, 400),
        ("post", "/v2/check", {"data": {"language": "zh", "data": "[1]"}}, 400),
        ("post", "/v2/check", {"data": {"language": "zh", "text": "x", "level": "?"}}, 400),
        ("post", "/v2/check", {"json": ["x"]}, 400),
        ("get", "/nowhere", {}, 404),
        ("get", "/v1/correct", {}, 405),
    ],
)
def test_bad_requests_get_a_json_error(method, path, kwargs, status):
    http = client(Stand(), Limits(max_body=1000))
    answer = getattr(http, method)(path, **kwargs)
    assert answer.status_code == status
    assert answer.json()["error"]
    assert http.post("/v1/correct", json={"texts": ["我门"]}).status_code == 200  # still serving


def test_slow_and_busy_requests():
    slow = client(Stand(delay=0.5), Limits(timeout=0.1))
    answer = slow.post("/v1/correct", json={"texts": ["我门"]})
    assert answer.status_code == 504 and "0.1 s" in answer.json()["error"]

    release = threading.Event()
    stand = Stand()
    stand.correct_batch = lambda texts, inner=stand.correct_batch: release.wait(5) and inner(texts)
    busy = client(stand, max_queue=2)
    done = []
    first = threading.Thread(
        target=lambda: done.append(busy.post("/v1/correct", json={"texts": ["我门"]}))
    )
    first.start()
    time.sleep(0.2)  # the first is on the model thread; fill the queue behind it
    second = threading.Thread(
        target=lambda: done.append(busy.post("/v1/correct", json={"texts": ["a", "b"]}))
    )
    second.start()
    time.sleep(0.2)
    full = busy.post("/v1/correct", json={"texts": ["c"]})
    assert full.status_code == 503 and full.headers["retry-after"] == "1"
    release.set()
    first.join(), second.join()
    assert sorted(a.status_code for a in done) == [200, 200]


def test_a_model_that_fails_to_load_is_said():
    def broken():
        raise OSError("no model here")

    batcher = Batcher(broken, handlers())
    http = TestClient(create_app(batcher, Limits()))
    for _ in range(50):
        if batcher.error:
            break
        time.sleep(0.01)
    assert http.get("/healthz").json() == {
        "status": "failed",
        "ready": False,
        "waiting": 0,
        "error": "no model here",
    }
    answer = http.post("/v1/correct", json={"texts": ["我门"]})
    assert answer.status_code == 503 and "no model here" in answer.json()["error"]


def test_bad_options_are_usage_errors(capsys):
    for bad in (["--max-batch", "0"], ["--threads", "0"], ["--timeout", "-1"]):
        assert main(bad) == 2
        assert "must be positive" in capsys.readouterr().err


def test_requests_before_the_model_wait_for_it():
    loaded = threading.Event()
    batcher = Batcher(lambda: loaded.wait(5) and Stand(), handlers())
    http = TestClient(create_app(batcher, Limits()))
    assert http.get("/healthz").json()["status"] == "loading"
    answers = []
    waiting = threading.Thread(
        target=lambda: answers.append(http.post("/v1/correct", json={"texts": ["我门"]}))
    )
    waiting.start()
    time.sleep(0.2)
    assert not answers  # waiting, not failed
    loaded.set()
    waiting.join(5)
    assert answers[0].json()[0]["text"] == "我们"
    assert http.get("/healthz").json()["status"] == "ready"


def test_cors_only_for_the_origin_given():
    batcher = Batcher(Stand, handlers())
    assert batcher.ready.wait(5)
    preflight = {"Origin": "https://example.org", "Access-Control-Request-Method": "POST"}
    closed = TestClient(create_app(batcher, Limits()))
    assert (
        "access-control-allow-origin" not in closed.options("/v2/check", headers=preflight).headers
    )
    open_ = TestClient(create_app(batcher, Limits(), "https://example.org"))
    answer = open_.options("/v2/check", headers=preflight)
    assert answer.headers["access-control-allow-origin"] == "https://example.org"


def test_a_missing_extra_is_one_line(monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "uvicorn", None)  # import fails, as without the extra
    assert main([]) == 2
    assert "pip install 'electra-correct[server]'" in capsys.readouterr().err
