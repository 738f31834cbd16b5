"""Optional LLM wording, against a tiny local OpenAI-compatible stub server."""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from wanlixing.advisor import llm
from wanlixing.advisor.services import question_answer


class Stub:
    def __init__(self) -> None:
        self.reply: str = ""
        self.status = 200
        self.delay = 0.0
        self.requests: list[dict] = []


@pytest.fixture
def stub(settings):
    state = Stub()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            state.requests.append(
                {"path": self.path, "body": body, "auth": self.headers.get("Authorization")}
            )
            time.sleep(state.delay)
            payload = json.dumps(
                {"choices": [{"message": {"role": "assistant", "content": state.reply}}]}
            ).encode()
            try:
                self.send_response(state.status)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(payload)
            except (BrokenPipeError, ConnectionResetError):
                pass

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.LLM_BASE_URL = f"http://127.0.0.1:{server.server_address[1]}/v1"
    settings.LLM_MODEL = "stub-model"
    settings.LLM_API_KEY = "test-key"
    settings.LLM_TIMEOUT_SECONDS = 1.0
    yield state
    server.shutdown()
    server.server_close()


PASSAGES = [
    llm.Passage("存款保险最多赔多少？", "最高50万元，本金和利息合并计算。", "《存款保险条例》")
]


def test_llm_is_off_by_default(settings):
    settings.LLM_BASE_URL = ""
    assert llm.answer_word("存款保险赔多少", PASSAGES) is None


def test_llm_wording_with_citation_is_used(stub):
    stub.reply = "同一家银行的存款，本息合计50万元以内全额赔付[1]。"
    assert llm.answer_word("存款保险赔多少", PASSAGES) == stub.reply
    request = stub.requests[0]
    assert request["path"] == "/v1/chat/completions"
    assert request["auth"] == "Bearer test-key"
    prompt = request["body"]["messages"][1]["content"]
    assert "[1] 存款保险最多赔多少？" in prompt
    assert "存款保险赔多少" in prompt


@pytest.mark.parametrize(
    "reply",
    [
        "本息合计50万元以内全额赔付。",  # no citation
        "见资料[3]。",  # cites a passage it was not given
        "买这款理财稳赚不赔[1]。",  # promises returns
        "资料中没有相关内容。",
    ],
)
def test_unusable_wording_is_dropped(stub, reply):
    stub.reply = reply
    assert llm.answer_word("存款保险赔多少", PASSAGES) is None


def test_server_error_falls_back(stub):
    stub.status = 500
    stub.reply = "出错[1]"
    assert llm.answer_word("存款保险赔多少", PASSAGES) is None


def test_timeout_falls_back(stub, settings):
    settings.LLM_TIMEOUT_SECONDS = 0.5
    stub.delay = 1.5
    stub.reply = "太慢了[1]"
    assert llm.answer_word("存款保险赔多少", PASSAGES) is None


def test_answer_uses_wording_and_keeps_citation(stub, starter):
    stub.reply = "在同一家银行，本金加利息50万元以内由存款保险全额偿付[1]。"
    answer = question_answer(text="银行倒闭了我的存款还能拿回来吗", collection=starter)
    assert answer.status == "answered"
    assert answer.worded
    assert answer.text == stub.reply
    assert answer.citations[0].external_id == "wlx-dep-001"


def test_answer_falls_back_silently_when_llm_fails(stub, starter):
    stub.status = 503
    answer = question_answer(text="银行倒闭了我的存款还能拿回来吗", collection=starter)
    assert answer.status == "answered"
    assert not answer.worded
    assert answer.text.startswith("能拿回来，有存款保险兜底")
