"""The hook, the async client and on_kill against the real embedded server."""
from __future__ import annotations

import asyncio
import socket
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import requests

from platyspark_airflow import LocalLocation, PlatySparkRunAppOperator
from platyspark_airflow.hooks.platyspark import (
    PlatySparkApiError,
    PlatySparkHook,
    PlatySparkUnavailable,
    ServerSettings,
)
from platyspark_airflow.hooks.platyspark_async import PlatySparkAsyncClient

TESTS = Path(__file__).resolve().parent
EXAMPLES = TESTS.parents[1] / "examples" / "pyspark"


def _body(team: str, **extra) -> dict:
    return {"name": "hook-test", "team": team, "cluster": "local", "source": str(EXAMPLES / "word_count.py"),
            "args": ["1"], **extra}


def _submit_sleepy(hook: PlatySparkHook) -> dict:
    """An app that runs until it is killed, of a team of its own."""
    team = f"hook-{uuid.uuid4().hex[:8]}"
    source = LocalLocation(TESTS / "apps" / "sleepy.py").resolve(hook, lambda _: None).source
    app, _ = hook.submit_app({"name": "sleepy", "team": team, "cluster": "local", "source": source},
                             idempotency_key=str(uuid.uuid4()))
    return app


def _wait_for_state(hook: PlatySparkHook, app_id: str, states: set[str], timeout: float = 120.0) -> dict:
    deadline = time.monotonic() + timeout
    while True:
        app = hook.get_app(app_id)
        if app["state"] in states or time.monotonic() > deadline:
            return app
        time.sleep(0.5)


def test_repeated_key_returns_the_same_app_and_a_changed_request_is_refused(server):
    hook = server.hook()
    team = f"hook-{uuid.uuid4().hex[:8]}"
    key = f"test-{uuid.uuid4()}"
    first, created = hook.submit_app(_body(team), idempotency_key=key)
    try:
        again, created_again = hook.submit_app(_body(team), idempotency_key=key)
        assert created and not created_again
        assert again["id"] == first["id"]

        with pytest.raises(PlatySparkApiError) as refused:
            hook.submit_app(_body(team, args=["2"]), idempotency_key=key)
        assert refused.value.status == 422
        assert refused.value.problem_type == "idempotency-key-reused"
        assert refused.value.existing_app_id == first["id"]
        assert [a["id"] for a in hook.list_apps(team=team)] == [first["id"]]
    finally:
        killed = hook.kill_app(first["id"])
    assert killed is None or killed["state"] == "KILLED"
    again = hook.kill_app(first["id"])  # already ended: no error; KILLED still reads as killed
    assert again is None if killed is None else again["state"] == "KILLED"


class _AnswerLosingProxy(ThreadingHTTPServer):
    """Forwards every call to the server, but drops the answer of the first call with ``method``."""

    def __init__(self, target: str, method: str):
        self.target, self.method, self.lost = target, method, 0
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            def _forward(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                headers = {k: v for k, v in self.headers.items() if k.lower() not in ("host", "content-length")}
                answer = requests.request(self.command, proxy.target + self.path, headers=headers, data=body,
                                          timeout=30)
                if self.command == proxy.method and proxy.lost == 0:
                    proxy.lost += 1
                    self.close_connection = True
                    self.connection.shutdown(socket.SHUT_RDWR)  # done at the server; its answer never comes back
                    return
                self.send_response(answer.status_code)
                for key, value in answer.headers.items():
                    if key.lower() not in ("transfer-encoding", "connection", "content-length"):
                        self.send_header(key, value)
                self.send_header("Content-Length", str(len(answer.content)))
                self.end_headers()
                self.wfile.write(answer.content)

            do_GET = do_POST = do_DELETE = _forward

            def log_message(self, *args):
                pass

        super().__init__(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


def test_a_kill_whose_answer_was_lost_still_reports_the_app_killed(server):
    hook = server.hook()
    app = _submit_sleepy(hook)
    proxy = _AnswerLosingProxy(server.url, "DELETE")
    try:
        flaky = PlatySparkHook(settings=ServerSettings(proxy.url, server.token, None), retry_backoff=0.01, timeout=30)
        killed = flaky.kill_app(app["id"])
    finally:
        proxy.shutdown()
        proxy.server_close()
    assert proxy.lost == 1  # the first DELETE killed the app; the retry found it ended
    assert killed is not None and killed["state"] == "KILLED"


def test_bad_input_is_an_api_error_naming_the_field(server):
    with pytest.raises(PlatySparkApiError) as error:
        server.hook().submit_app({"name": "x", "team": "t", "cluster": "local", "source": "jobs/etl.py"})
    assert error.value.status == 400
    assert error.value.field == "source"
    assert "absolute path" in error.value.detail
    assert error.value.request_id


def test_unknown_token_is_refused(server):
    hook = PlatySparkHook(settings=ServerSettings(server.url, "platy_not-a-real-token", None))
    with pytest.raises(PlatySparkApiError) as error:
        hook.list_clusters()
    assert error.value.status == 401
    assert error.value.problem_type == "unauthenticated"


def test_unreachable_server_is_unavailable_after_retries():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # closed again when the block ends: nothing listens there
    hook = PlatySparkHook(settings=ServerSettings(f"http://127.0.0.1:{port}", "platy_x", None), max_retries=2,
                          retry_backoff=0.01, timeout=2)
    with pytest.raises(PlatySparkUnavailable, match="after 3 attempt"):
        hook.get_app(str(uuid.uuid4()))


def test_submit_without_key_is_not_retried():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    hook = PlatySparkHook(settings=ServerSettings(f"http://127.0.0.1:{port}", "platy_x", None), max_retries=5,
                          retry_backoff=0.01, timeout=2)
    with pytest.raises(PlatySparkUnavailable, match="after 1 attempt"):
        hook.submit_app(_body("t"))


def test_uploads_are_content_addressed(server, tmp_path):
    hook = server.hook()
    content = f"print('hello {uuid.uuid4()}')\n".encode()
    first = hook.upload_artifact(content, "hello.py")
    second = hook.upload_artifact(content, "hello.py")
    assert first["uri"] == second["uri"]
    assert not first["alreadyPresent"] and second["alreadyPresent"]
    assert first["size"] == len(content)


def test_local_location_of_a_directory_uploads_the_same_archive_every_time(server, tmp_path):
    project = tmp_path / "proj"
    (project / "pkg").mkdir(parents=True)
    (project / "main.py").write_text("import pkg\n")
    (project / "pkg" / "__init__.py").write_text("VALUE = 1\n")
    (project / "pkg" / "__pycache__").mkdir()
    (project / "pkg" / "__pycache__" / "x.pyc").write_bytes(b"\0")
    hook = server.hook()
    first = LocalLocation(project, entry_point="main.py").resolve(hook, lambda _: None)
    (project / "pkg" / "__init__.py").touch()  # a newer mtime alone changes nothing
    second = LocalLocation(project, entry_point="main.py").resolve(hook, lambda _: None)
    assert first == second
    assert first.source.endswith("/main.py") and first.py_files[0].endswith("/proj.zip")


def test_async_client_reads_the_app_and_its_logs(server):
    hook = server.hook()
    team = f"hook-{uuid.uuid4().hex[:8]}"
    app, _ = hook.submit_app(_body(team), idempotency_key=str(uuid.uuid4()))
    ended = _wait_for_state(hook, app["id"], {"SUCCEEDED", "FAILED", "KILLED", "LOST"})
    assert ended["state"] == "SUCCEEDED"

    async def read():
        async with PlatySparkAsyncClient(ServerSettings(server.url, server.token, None)) as client:
            got = await client.get_app(app["id"])
            lines = [(offset, line) async for offset, line in client.iter_log_lines(app["id"], 0, 7)]
            return got, lines

    got, lines = asyncio.run(read())
    assert got["state"] == "SUCCEEDED"
    whole = [line for _, line in hook.iter_log_lines(app["id"], 0, 1000)]
    assert [line for _, line in lines] == whole  # pages of 7 give every line once, in order
    assert [offset for offset, _ in lines] == list(range(1, len(whole) + 1))


def test_on_kill_kills_the_running_app(server):
    hook = server.hook()
    app = _submit_sleepy(hook)
    running = _wait_for_state(hook, app["id"], {"RUNNING", "SUCCEEDED", "FAILED", "KILLED", "LOST"})
    assert running["state"] == "RUNNING"

    operator = PlatySparkRunAppOperator(task_id="sleepy", source=app["source"], cluster_name="local", team=app["team"])
    operator._hook = hook
    operator.app_id = app["id"]
    operator.on_kill()

    assert hook.get_app(app["id"])["state"] == "KILLED"
    operator.on_kill()  # again: the app is KILLED already, no error
