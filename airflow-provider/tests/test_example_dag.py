"""
The example DAG of ``examples/airflow/`` run with ``dag.test()`` against the embedded server: it creates a dedicated
cluster from a ClusterConfig (a Spark standalone master and worker on this machine), runs an app with its
requirements on it and terminates the cluster. When the app or the create fails, the cluster is still terminated
and the DAG run ends failed, not successful.
"""
from __future__ import annotations

import platyspark_example_dags as dags

from test_dags import run, task_instance


def cluster(server, name: str) -> dict:
    found = server.hook().get_cluster(name)
    assert found is not None, f"no cluster {name}"
    return found


def test_example_dag_creates_a_cluster_runs_an_app_with_requirements_and_terminates(server, capfd):
    dag_run, output = run(dags.example_dag, capfd)

    states = {t: task_instance(dag_run, t).state for t in ("create_cluster", "run_app", "terminate_cluster",
                                                             "watcher")}
    assert states == {"create_cluster": "success", "run_app": "success", "terminate_cluster": "success",
                      "watcher": "skipped"}, output[-4000:]
    assert dag_run.state == "success"
    apps = list(server.hook().list_apps(team="data"))
    app = next(a for a in apps if a["cluster"] == "example-etl")
    assert app["state"] == "SUCCEEDED" and app["backend"]["name"] == "standalone", app
    assert app["requirements"] == ["tabulate==0.9.0"], app
    assert "[stdout] executors used tabulate 0.9.0" in output
    assert "[stdout] the      " in output or "[stdout] the " in output  # the table tabulate printed
    ended = cluster(server, "example-etl")
    assert ended["state"] == "TERMINATED" and ended["externalId"].startswith("spark://127.0.0.1:"), ended


def test_a_failed_app_fails_the_dag_run_and_still_terminates_the_cluster(server, capfd):
    dag_run, output = run(dags.failing_app_dag, capfd)

    assert task_instance(dag_run, "run_app").state == "failed", output[-4000:]
    assert task_instance(dag_run, "terminate_cluster").state == "success"
    assert task_instance(dag_run, "watcher").state == "failed"
    assert dag_run.state == "failed"
    assert "ValueError: the input table is empty" in output
    assert cluster(server, dags.failing_app_dag.get_task("terminate_cluster").cluster_name)["state"] == "TERMINATED"


def test_a_failed_create_fails_the_dag_run(server, capfd):
    dag_run, output = run(dags.failing_create_dag, capfd)

    assert task_instance(dag_run, "create_cluster").state == "failed", output[-4000:]
    assert task_instance(dag_run, "run_app").state == "upstream_failed"
    assert task_instance(dag_run, "terminate_cluster").state == "success"  # nothing to terminate: not created
    assert task_instance(dag_run, "watcher").state == "failed"
    assert dag_run.state == "failed"
    assert "config.name" in output
    assert server.hook().get_cluster(dags.failing_create_dag.get_task("terminate_cluster").cluster_name) is None
