"""
Fixtures: a throw-away Airflow home (SQLite metadata database, this directory's ``dags/`` as the DAG folder) and a
real embedded spark-server started as a subprocess, the way ``bin/run-embedded`` starts it.

Needs: the runnable jar (``spark-server/target/spark-server-exec.jar``, or ``PLATY_SERVER_JAR``), Java 17+, and a
Python with pyspark in ``PLATY_TEST_PYTHON``. A missing one fails the run with the command that provides it.
"""
from __future__ import annotations

import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent
PROVIDER = TESTS.parent
REPO = PROVIDER.parent
EXAMPLES = REPO / "examples" / "pyspark"

# Airflow reads its configuration when first imported: point it at a fresh home before anything imports it.
_AIRFLOW_HOME = Path(tempfile.mkdtemp(prefix="platy-airflow-home-"))
os.environ["AIRFLOW_HOME"] = str(_AIRFLOW_HOME)
os.environ["AIRFLOW__CORE__DAGS_FOLDER"] = str(TESTS / "dags")
os.environ["AIRFLOW__CORE__LOAD_EXAMPLES"] = "False"
os.environ["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"] = f"sqlite:///{_AIRFLOW_HOME}/airflow.db"
# Teams (and so app listings) are unique to this test run even if the server's database outlived an earlier one.
os.environ.setdefault("PLATY_TEST_RUN", secrets.token_hex(3))
# The tests import the DAG files the way Airflow's DAG folder holds them.
sys.path.insert(0, str(TESTS / "dags"))

from platyspark_airflow.hooks.platyspark import PlatySparkHook, ServerSettings  # noqa: E402


@dataclass
class EmbeddedServer:
    url: str
    token: str
    log_path: Path
    base_dir: Path

    def hook(self, **kwargs) -> PlatySparkHook:
        return PlatySparkHook(settings=ServerSettings(self.url, self.token, None), **kwargs)

    def log_tail(self, lines: int = 40) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no server log)"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _spark_python() -> str:
    python = os.environ.get("PLATY_TEST_PYTHON")
    if not python:
        pytest.fail("PLATY_TEST_PYTHON is not set: point it at a Python with pyspark 3.5 (airflow-provider/bin/test "
                    "sets it; e.g. PLATY_TEST_PYTHON=$(bin/python-env requirements-spark.txt))", pytrace=False)
    check = subprocess.run([python, "-c", "import pyspark"], capture_output=True, text=True)
    if check.returncode != 0:
        pytest.fail(f"PLATY_TEST_PYTHON={python} cannot import pyspark: {check.stderr.strip()[-300:]}", pytrace=False)
    return python


@pytest.fixture(scope="session", autouse=True)
def airflow_db() -> Path:
    """Creates the Airflow metadata database once (``airflow db migrate``), as a real deployment has it."""
    result = subprocess.run([sys.executable, "-m", "airflow", "db", "migrate"], capture_output=True, text=True,
                            env=os.environ.copy())
    if result.returncode != 0:
        pytest.fail(f"airflow db migrate failed:\n{result.stdout[-2000:]}\n{result.stderr[-2000:]}", pytrace=False)
    return _AIRFLOW_HOME


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> EmbeddedServer:
    jar = Path(os.environ.get("PLATY_SERVER_JAR", REPO / "spark-server" / "target" / "spark-server-exec.jar"))
    if not jar.is_file():
        pytest.fail(f"{jar} is missing: build it with `cd {REPO} && ./mvnw -q -pl spark-server -am package "
                    "-DskipTests` (airflow-provider/bin/test does this), or set PLATY_SERVER_JAR", pytrace=False)
    java = shutil.which("java")
    if java is None:
        pytest.fail("java is not on PATH: the embedded spark-server needs Java 17+", pytrace=False)
    python = _spark_python()
    base = tmp_path_factory.mktemp("platy-server")
    port = _free_port()
    token = "platy_" + secrets.token_urlsafe(24)
    log_path = base / "server.log"
    command = [
        java, "-Xmx768m", "-jar", str(jar),
        "--spring.profiles.active=embedded",
        f"--server.port={port}",
        f"--platy.local.python={python}",
        f"--platy.local.work-dir={base / 'work'}",
        f"--platy.security.bootstrap-admin-token={token}",
        f"--platy.artifacts.local-dir={base / 'artifacts'}",
        # These may be passed by path (LocalLocation(upload=False)); uploads land in the artifact dir.
        f"--platy.security.local-source-roots={EXAMPLES},{TESTS / 'apps'}",
        # The cluster operators' test registers a cluster by a Livy URL on this machine.
        "--platy.security.allowed-livy-hosts=127.0.0.1",
    ]
    log_file = log_path.open("wb")
    process = subprocess.Popen(command, cwd=base, stdout=log_file, stderr=subprocess.STDOUT)
    embedded = EmbeddedServer(f"http://127.0.0.1:{port}", token, log_path, base)
    try:
        _wait_ready(process, embedded)
        os.environ["AIRFLOW_CONN_PLATYSPARK_DEFAULT"] = json.dumps(
            {"conn_type": "platyspark", "host": embedded.url, "password": token})
        yield embedded
    finally:
        process.terminate()
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log_file.close()


def _wait_ready(process: subprocess.Popen, server: EmbeddedServer, timeout: float = 240.0) -> None:
    import requests

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"spark-server exited with {process.returncode} while starting:\n{server.log_tail()}",
                        pytrace=False)
        try:
            if requests.get(f"{server.url}/actuator/health/readiness", timeout=2).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.5)
    process.terminate()
    pytest.fail(f"spark-server was not ready within {timeout:.0f}s:\n{server.log_tail()}", pytrace=False)

