"""
The DAGs the tests run with ``dag.test()``. They are ordinary DAG files (Airflow syncs this folder to its database
before a test run) and use the provider exactly as a user would, with the ``platyspark_default`` connection.
"""
from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

from airflow.sdk import DAG

from platyspark_airflow import (
    LocalLocation,
    PlatySparkCreateClusterOperator,
    PlatySparkHook,
    PlatySparkRunAppOperator,
    PlatySparkTerminateClusterOperator,
)

TESTS = Path(__file__).resolve().parents[1]
EXAMPLES = TESTS.parents[1] / "examples" / "pyspark"
RUN = os.environ.get("PLATY_TEST_RUN", "local")


def team(name: str) -> str:
    """A team unique to this test run, so listing a team's apps shows only what this run made."""
    return f"{name}-{RUN}"


WORD_COUNT_TEAM = team("af-wordcount")
FAIL_TEAM = team("af-fail")
RETRY_TEAM = team("af-retry")
DEFERRABLE_TEAM = team("af-deferrable")
PROJECT_TEAM = team("af-project")
TIMEOUT_TEAM = team("af-timeout")
REGISTERED_CLUSTER = f"af-registered-{RUN}"

COMMON = dict(schedule=None, catchup=False, default_args={"retries": 0})


class WorkerLost(Exception):
    """What a worker that dies mid-task looks like to the app: its follower stops and nobody kills the app."""


class _DiesWhileAppRuns(PlatySparkHook):
    def get_app(self, app_id: str) -> dict:
        app = super().get_app(app_id)
        if app["state"] == "RUNNING":
            raise WorkerLost(f"simulated worker loss while app {app_id} is RUNNING")
        return app


class LosesWorkerOnFirstTry(PlatySparkRunAppOperator):
    """On try 1 the follower dies once the app runs (no on_kill: a lost worker runs no clean-up).

    Later tries are normal.
    """

    def execute(self, context):
        if context["ti"].try_number == 1:
            self._hook = _DiesWhileAppRuns(self.platyspark_conn_id)
        return super().execute(context)


with DAG("platy_word_count", **COMMON) as word_count_dag:
    PlatySparkRunAppOperator(
        task_id="word_count",
        source=LocalLocation(EXAMPLES / "word_count.py"),
        args=["5"],
        cluster_name="local",
        team=WORD_COUNT_TEAM,
        poll_interval=1,
        log_page_size=50,
    )

with DAG("platy_fail", **COMMON) as fail_dag:
    PlatySparkRunAppOperator(
        task_id="fail",
        source=LocalLocation(EXAMPLES / "fail.py"),
        cluster_name="local",
        team=FAIL_TEAM,
        poll_interval=1,
    )

with DAG("platy_retry", **COMMON) as retry_dag:
    LosesWorkerOnFirstTry(
        task_id="word_count",
        source=LocalLocation(EXAMPLES / "word_count.py"),
        args=["3"],
        cluster_name="local",
        team=RETRY_TEAM,
        poll_interval=1,
        retries=1,
        retry_delay=timedelta(seconds=0),
    )

with DAG("platy_deferrable", **COMMON) as deferrable_dag:
    PlatySparkRunAppOperator(
        task_id="brief",
        # Passed by path: the server shares this machine and allows this directory.
        source=LocalLocation(TESTS / "apps" / "brief.py", upload=False),
        cluster_name="local",
        team=DEFERRABLE_TEAM,
        poll_interval=1,
        deferrable=True,
    )

with DAG("platy_project", **COMMON) as project_dag:
    PlatySparkRunAppOperator(
        task_id="project",
        source=LocalLocation(TESTS / "apps" / "project", entry_point="main.py"),
        args=["2"],
        spark_conf={"spark.sql.shuffle.partitions": 4},
        requirements=str(TESTS / "apps" / "project" / "requirements.txt"),
        cluster_name="local",
        team=PROJECT_TEAM,
        poll_interval=1,
    )

with DAG("platy_timeout", **COMMON) as timeout_dag:
    # Airflow calls on_kill when the execution timeout strikes (as on SIGTERM): the app must not outlive its task.
    PlatySparkRunAppOperator(
        task_id="sleepy",
        source=LocalLocation(TESTS / "apps" / "sleepy.py"),
        cluster_name="local",
        team=TIMEOUT_TEAM,
        poll_interval=1,
        execution_timeout=timedelta(seconds=30),
    )

with DAG("platy_clusters", **COMMON) as clusters_dag:
    create = PlatySparkCreateClusterOperator(
        task_id="create",
        cluster_name=REGISTERED_CLUSTER,
        kind="DEDICATED",
        # Registers an existing cluster by its Livy URL: the embedded server creates no EMR clusters.
        livy_url="http://127.0.0.1:8998",
        team=team("af-clusters"),
        poll_interval=1,
    )
    create_again = PlatySparkCreateClusterOperator(
        task_id="create_again",
        cluster_name=REGISTERED_CLUSTER,
        kind="DEDICATED",
        livy_url="http://127.0.0.1:8998",
        team=team("af-clusters"),
        poll_interval=1,
    )
    terminate = PlatySparkTerminateClusterOperator(
        task_id="terminate",
        cluster_name=REGISTERED_CLUSTER,
        wait_for_termination=True,
        poll_interval=1,
    )
    terminate_missing = PlatySparkTerminateClusterOperator(
        task_id="terminate_missing",
        cluster_name=REGISTERED_CLUSTER,
    )
    create >> create_again >> terminate >> terminate_missing
