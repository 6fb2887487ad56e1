"""
DAGs run with ``dag.test()`` in a real Airflow against a real embedded spark-server running real PySpark apps.
"""
from __future__ import annotations

import re
from typing import Any

import platyspark_test_dags as dags
import pytest

LINE = re.compile(r"\[(stdout|stderr|diagnostics)\] ")


@pytest.fixture(autouse=True)
def _server(server):
    """Every test here needs the server (and the connection the server fixture defines)."""
    return server


def run(dag, capfd) -> tuple[Any, str]:
    """Runs the DAG to the end; returns the run and everything it printed (dag.test() prints the task logs)."""
    capfd.readouterr()
    dag_run = dag.test()
    out, err = capfd.readouterr()
    return dag_run, out + err


def task_instance(dag_run, task_id: str):
    from airflow.models import TaskInstance
    from airflow.utils.session import create_session
    from sqlalchemy import select

    with create_session() as session:
        ti = session.scalars(select(TaskInstance).where(
            TaskInstance.dag_id == dag_run.dag_id, TaskInstance.run_id == dag_run.run_id,
            TaskInstance.task_id == task_id)).one()
        session.expunge(ti)
        return ti


def xcom(dag_run, task_id: str, key: str) -> Any:
    from airflow.models.xcom import XComModel
    from airflow.utils.session import create_session
    from sqlalchemy import select

    with create_session() as session:
        row = session.scalars(select(XComModel).where(
            XComModel.dag_id == dag_run.dag_id, XComModel.run_id == dag_run.run_id,
            XComModel.task_id == task_id, XComModel.key == key)).first()
        return None if row is None else XComModel.deserialize_value(row)


def apps_of(server, team: str) -> list[dict]:
    return list(server.hook().list_apps(team=team))


def test_example_app_succeeds_with_logs_links_and_metrics(server, capfd):
    dag_run, output = run(dags.word_count_dag, capfd)

    assert task_instance(dag_run, "word_count").state == "success", output[-3000:]
    apps = apps_of(server, dags.WORD_COUNT_TEAM)
    assert len(apps) == 1
    app = apps[0]
    assert app["state"] == "SUCCEEDED"
    assert app["source"].endswith("/word_count.py") and app["source"].startswith("file:")  # uploaded, not by path
    assert re.search(r"\[stdout\] words counted: \d+", output)
    assert "[stderr] " in output
    assert f"submitted app {app['id']}" in output
    assert re.search(r"metrics of app \S+: durationMs=\d+, jobs=\d+", output)

    # Every line the server holds reached the task log exactly once, though it came in pages of 50.
    total = server.hook().get_logs(app["id"], 0, 1).get("total")
    assert total > 50
    assert len(LINE.findall(output)) == total

    result = xcom(dag_run, "word_count", "return_value")
    assert result["app_id"] == app["id"] and result["state"] == "SUCCEEDED"
    assert result["metrics"]["jobs"] >= 1
    assert xcom(dag_run, "word_count", "app_id") == app["id"]
    links = xcom(dag_run, "word_count", "platyspark_links")
    assert links["api_logs"] == f"{server.url}/api/v1/apps/{app['id']}/logs"
    # The extra links' XComs, which Airflow's UI reads for the task's buttons. (The Spark UI link of an app this
    # short may never be recorded by the local backend; the timeout test checks it on a long-running app.)
    assert xcom(dag_run, "word_count", "_link_PlatySparkLogsLink") == links["api_logs"]


def test_failing_app_fails_the_task_with_its_error_lines(server, capfd):
    dag_run, output = run(dags.fail_dag, capfd)

    assert task_instance(dag_run, "fail").state == "failed"
    apps = apps_of(server, dags.FAIL_TEAM)
    assert [a["state"] for a in apps] == ["FAILED"]
    # The app's traceback is in the task log (on stdout: Spark's PythonRunner merges the driver's stderr into
    # it), and the task's error repeats the error lines.
    assert re.search(r"\[(stdout|stderr)\] ValueError: the input table is empty: nothing to aggregate", output)
    assert re.search(r"\[stdout\] counted 3 rows before failing", output)
    assert re.search(rf"PlatySpark app {apps[0]['id']} ended FAILED", output)
    assert re.search(r"error lines from its output:\s+Traceback \(most recent call last\)", output)
    assert xcom(dag_run, "fail", "platyspark_app")["state"] == "FAILED"


def test_retry_after_lost_worker_reattaches_to_the_running_app(server, capfd):
    dag_run, output = run(dags.retry_dag, capfd)

    ti = task_instance(dag_run, "word_count")
    assert ti.state == "success", output[-3000:]
    assert ti.try_number == 2
    assert "simulated worker loss while app" in output
    apps = apps_of(server, dags.RETRY_TEAM)
    assert len(apps) == 1, f"the retry started a second app: {[a['id'] for a in apps]}"
    assert apps[0]["state"] == "SUCCEEDED"
    assert f"re-attached to app {apps[0]['id']}" in output
    # Both tries asked with the same key; the second got the first's app back.
    assert output.count(f"submitted app {apps[0]['id']}") == 1


def test_deferrable_run_follows_the_app_from_the_trigger(server, capfd):
    dag_run, output = run(dags.deferrable_dag, capfd)

    assert task_instance(dag_run, "brief").state == "success", output[-3000:]
    apps = apps_of(server, dags.DEFERRABLE_TEAM)
    assert len(apps) == 1 and apps[0]["state"] == "SUCCEEDED"
    assert apps[0]["source"] == str(dags.TESTS / "apps" / "brief.py")  # upload=False: the path itself
    assert "following app" in output and "from the triggerer" in output
    assert "[stdout] rows: 10" in output
    # The trigger shows the live Spark UI while the app runs, before it sees the app end; once the app has ended its
    # link is the History Server's (the embedded server runs one), and that is shown too.
    assert apps[0]["links"]["sparkUi"]
    assert output.index("Spark UI: ") < output.index(f"app {apps[0]['id']} is SUCCEEDED")
    assert f"Spark UI: {apps[0]['links']['sparkUi']}" in output
    total = server.hook().get_logs(apps[0]["id"], 0, 1).get("total")
    assert len(LINE.findall(output)) == total  # the trigger's lines and the worker's rest, none twice
    assert xcom(dag_run, "brief", "return_value")["state"] == "SUCCEEDED"


def test_project_directory_ships_as_py_files_with_conf_and_a_requirements_file(server, capfd):
    dag_run, output = run(dags.project_dag, capfd)

    assert task_instance(dag_run, "project").state == "success", output[-3000:]
    apps = apps_of(server, dags.PROJECT_TEAM)
    assert len(apps) == 1
    app = apps[0]
    assert app["source"].endswith("/main.py")
    assert len(app["pyFiles"]) == 1 and app["pyFiles"][0].endswith("/project.zip")
    assert app["requirements"] == ["tabulate==0.9.0"]  # read from the file, comment dropped
    assert app["env"] and f"app {app['id']} is BUILDING_ENV" in output
    assert "[stdout] tabulate 0.9.0" in output  # the app imported it from the environment built for it
    assert app["sparkConf"]["spark.sql.shuffle.partitions"] == "4"
    assert "[stdout] shuffle partitions: 4" in output
    assert "[stdout] top word: to 3" in output  # computed by the module in the zipped archive


def test_timed_out_task_kills_its_app(server, capfd):
    dag_run, output = run(dags.timeout_dag, capfd)

    assert task_instance(dag_run, "sleepy").state == "failed"
    apps = apps_of(server, dags.TIMEOUT_TEAM)
    assert len(apps) == 1
    assert apps[0]["state"] == "KILLED"
    assert "[stdout] sleeping until killed" in output  # it was running when the timeout struck
    assert f"killed app {apps[0]['id']}" in output
    # Its Spark UI was shown while it ran, and kept for the task's extra link.
    spark_ui = apps[0]["links"]["sparkUi"]
    assert spark_ui and f"Spark UI: {spark_ui}" in output
    assert xcom(dag_run, "sleepy", "_link_SparkUiLink") == spark_ui
    assert xcom(dag_run, "sleepy", "platyspark_links")["spark_ui"] == spark_ui


def test_cluster_operators_create_once_and_terminate(server, capfd):
    dag_run, output = run(dags.clusters_dag, capfd)

    for task_id in ("create", "create_again", "terminate", "terminate_missing"):
        assert task_instance(dag_run, task_id).state == "success", f"{task_id}:\n{output[-3000:]}"
    first = xcom(dag_run, "create", "return_value")
    again = xcom(dag_run, "create_again", "return_value")
    assert first["name"] == dags.REGISTERED_CLUSTER and first["state"] in ("RUNNING", "WAITING")
    assert again["id"] == first["id"]  # get-or-create: the second create found the first cluster
    assert f"recorded new cluster '{dags.REGISTERED_CLUSTER}'" in output
    assert f"found existing cluster '{dags.REGISTERED_CLUSTER}'" in output
    ended = server.hook().get_cluster(dags.REGISTERED_CLUSTER)  # ended clusters stay visible, with their reason
    assert ended["id"] == first["id"] and ended["state"] == "TERMINATED", ended
    assert f"cluster '{dags.REGISTERED_CLUSTER}' is not active; nothing to terminate" in output
