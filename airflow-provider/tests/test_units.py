"""Pure logic: idempotency keys, packaging, error lines, cluster configs, connection settings, provider info."""
from __future__ import annotations

import io
import re
import zipfile
from types import SimpleNamespace

import pytest

from platyspark_airflow import idempotency
from platyspark_airflow.cluster_config import ClusterConfig, InstanceWeightRatio, LaunchSpecifications
from platyspark_airflow.hooks.platyspark import ServerSettings, retry_delay
from platyspark_airflow.locations import S3Location, upload_name, zip_directory
from platyspark_airflow.operators.platyspark import _app_name, error_lines

SERVER_KEY = re.compile(r"[\x21-\x7e]{1,255}")  # what the server accepts as an Idempotency-Key


def test_idempotency_key_is_stable_per_task_instance_and_differs_otherwise():
    base = idempotency.base_key("dag", "task", "manual__2026-01-01T00:00:00+00:00", -1, 0)
    assert base == idempotency.base_key("dag", "task", "manual__2026-01-01T00:00:00+00:00", -1, 0)
    others = {
        idempotency.base_key("dag2", "task", "manual__2026-01-01T00:00:00+00:00", -1, 0),
        idempotency.base_key("dag", "task2", "manual__2026-01-01T00:00:00+00:00", -1, 0),
        idempotency.base_key("dag", "task", "scheduled__2026-01-01T00:00:00+00:00", -1, 0),
        idempotency.base_key("dag", "task", "manual__2026-01-01T00:00:00+00:00", 3, 0),
        idempotency.base_key("dag", "task", "manual__2026-01-01T00:00:00+00:00", -1, 1),  # the run was cleared
    }
    assert base not in others and len(others) == 5
    # Fields are delimited, so moving a character from one to the next gives another key.
    assert idempotency.base_key("a.b", "c", "r", -1, 0) != idempotency.base_key("a", "b.c", "r", -1, 0)


def test_idempotency_keys_are_valid_for_the_server():
    base = idempotency.base_key("d" * 250, "t" * 250, "r" * 250, 10_000, 99)
    for key in (base, idempotency.generation_key(base, 50), idempotency.try_key(base, 12)):
        assert SERVER_KEY.fullmatch(key), key
    assert idempotency.generation_key(base, 1) != idempotency.generation_key(base, 2)
    assert idempotency.try_key(base, 1) != idempotency.generation_key(base, 1)
    with pytest.raises(ValueError):
        idempotency.generation_key(base, 0)


def test_zip_of_a_directory_depends_on_content_only(tmp_path):
    (tmp_path / "pkg" / "__pycache__").mkdir(parents=True)
    (tmp_path / ".git").mkdir()
    (tmp_path / "main.py").write_text("print('hi')\n")
    (tmp_path / "pkg" / "__init__.py").write_text("")
    (tmp_path / "pkg" / "mod.py").write_text("X = 1\n")
    (tmp_path / "pkg" / "__pycache__" / "mod.cpython-311.pyc").write_bytes(b"\0\1")
    (tmp_path / ".git" / "HEAD").write_text("ref: x\n")
    first = zip_directory(tmp_path)
    (tmp_path / "pkg" / "mod.py").touch()
    assert zip_directory(tmp_path) == first
    names = zipfile.ZipFile(io.BytesIO(first)).namelist()
    assert names == ["main.py", "pkg/__init__.py", "pkg/mod.py"]
    (tmp_path / "pkg" / "mod.py").write_text("X = 2\n")
    assert zip_directory(tmp_path) != first


def test_upload_names_are_plain_file_names():
    assert upload_name("word_count.py") == "word_count.py"
    assert upload_name("my project.zip") == "my_project.zip"
    assert upload_name(".hidden..py") == "hidden_py"  # the server refuses ".." anywhere in a name


def test_s3_location_needs_s3_uris():
    assert S3Location("s3://bucket/app.py", ("s3://bucket/deps.zip",)).py_files == ("s3://bucket/deps.zip",)
    with pytest.raises(ValueError, match="S3Location.uri"):
        S3Location("/tmp/app.py")
    with pytest.raises(ValueError, match="S3Location.py_files"):
        S3Location("s3://bucket/app.py", ("deps.zip",))


def test_error_lines_pick_tracebacks_and_error_logs_from_both_streams():
    lines = [
        {"stream": "stderr", "text": "26/11/24 INFO SparkContext: Running Spark version 3.5.7"},
        {"stream": "stdout", "text": "counted 3 rows"},
        {"stream": "stdout", "text": "Traceback (most recent call last):"},
        {"stream": "stdout", "text": '  File "app.py", line 7, in <module>'},
        {"stream": "stdout", "text": "ValueError: the input table is empty"},
        {"stream": "stderr", "text": "26/11/24 INFO ShutdownHookManager: Shutdown hook called"},
        {"stream": "stderr", "text": "26/11/24 ERROR Executor: Exception in task 0.0"},
    ]
    assert error_lines(lines) == [
        "Traceback (most recent call last):",
        '  File "app.py", line 7, in <module>',
        "ValueError: the input table is empty",
        "26/11/24 ERROR Executor: Exception in task 0.0",
    ]


def test_default_app_name_fits_the_servers_pattern():
    assert _app_name("my_dag", "run-etl") == "my_dag.run-etl"
    assert re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._ -]*", _app_name("_dag:with/odd", "t@sk"))
    assert len(_app_name("d" * 200, "t")) == 128


def test_cluster_config_builds_the_servers_json():
    config = (
        ClusterConfig(name="my-emr-cluster", is_graviton_emr=True)
        .overwrite("AutoTerminationPolicy", {"IdleTimeout": 900})
        .with_instance_fleets(
            volume_size_in_gb_master=400, volume_size_in_gb_worker=800, number_of_volumes_per_node=2,
            task_target_ondemand_capacity=1, core_target_ondemand_capacity=30,
            master_instances=["m5.4xlarge", "m5a.4xlarge"],
            core_instances_and_weights=InstanceWeightRatio().add_instance("m5a.16xlarge", 6).add_instance(
                "m5a.8xlarge", 3),
            launch_specifications=LaunchSpecifications(spot_timeout_minutes=20),
        )
        .with_tags(team="verticals-data", project="apps")
        .with_cluster_configurations(classification="spark-defaults", config={"spark.executor.memory": "5g"})
        .with_idle_timeout(1800)
    )
    assert config.to_dict() == {
        "name": "my-emr-cluster",
        "graviton": True,
        "overwrites": {"AutoTerminationPolicy": {"IdleTimeout": 900}},
        "instanceFleets": {
            "masterInstances": ["m5.4xlarge", "m5a.4xlarge"],
            "coreInstancesAndWeights": {"m5a.16xlarge": 6, "m5a.8xlarge": 3},
            "coreTargetOnDemandCapacity": 30,
            "taskTargetOnDemandCapacity": 1,
            "volumeSizeInGbMaster": 400,
            "volumeSizeInGbWorker": 800,
            "numberOfVolumesPerNode": 2,
            "launchSpecifications": {"spotTimeoutMinutes": 20},
        },
        "tags": {"team": "verticals-data", "project": "apps"},
        "configurations": {"spark-defaults": {"spark.executor.memory": "5g"}},
        "idleTimeoutSeconds": 1800,
    }


def test_cluster_config_carries_node_requirements():
    config = ClusterConfig(name="with-nodes").with_tags(team="data").with_python_requirements(
        "tabulate==0.9.0", " requests>=2.31,<3 ")
    assert config.to_dict()["pythonRequirements"] == ["tabulate==0.9.0", "requests>=2.31,<3"]
    with pytest.raises(ValueError, match="one requirement per argument"):
        config.with_python_requirements("")


@pytest.mark.parametrize("host, schema, port, expected", [
    ("https://platy.internal/", None, None, "https://platy.internal"),
    ("platy.internal", None, 8080, "http://platy.internal:8080"),
    ("platy.internal", "https", None, "https://platy.internal"),
    ("http://127.0.0.1:8080", None, 9999, "http://127.0.0.1:8080"),
])
def test_server_url_from_connection(host, schema, port, expected):
    conn = SimpleNamespace(conn_id="c", host=host, schema=schema, port=port, password="platy_t",
                           extra_dejson={"team": "data"})
    settings = ServerSettings.from_connection(conn)
    assert settings.base_url == expected
    assert settings.headers()["Authorization"] == "Bearer platy_t"
    assert settings.team == "data"


def test_connection_without_host_is_explained():
    conn = SimpleNamespace(conn_id="platyspark_default", host="", schema=None, port=None, password=None,
                           extra_dejson={})
    with pytest.raises(Exception, match="host is empty"):
        ServerSettings.from_connection(conn)


def test_airflow_discovers_the_provider():
    from airflow.providers_manager import ProvidersManager

    manager = ProvidersManager()
    assert "platyspark-airflow" in manager.providers
    assert "platyspark_airflow.links.SparkUiLink" in manager.extra_links_class_names
    from platyspark_airflow.get_provider_info import get_provider_info

    assert get_provider_info()["connection-types"][0]["connection-type"] == "platyspark"


def test_following_logs_every_new_reason_once_not_only_new_states():
    from platyspark_airflow import PlatySparkRunAppOperator

    answers = [
        {"id": "a1", "state": "PENDING", "stateReason": "submit attempt 1 failed: Livy is unreachable"},
        {"id": "a1", "state": "PENDING", "stateReason": "submit attempt 1 failed: Livy is unreachable"},
        {"id": "a1", "state": "PENDING", "stateReason": "submit attempt 2 failed: Livy is unreachable"},
        {"id": "a1", "state": "SUCCEEDED", "stateReason": None},
    ]
    hook = SimpleNamespace(get_app=lambda app_id: answers.pop(0) if len(answers) > 1 else answers[0])
    operator = PlatySparkRunAppOperator(task_id="t", source="s3://b/app.py", cluster_name="c", poll_interval=0,
                                        stream_logs=False)
    logged: list[str] = []
    operator._log_state = lambda app: logged.append(f"{app['state']}: {app.get('stateReason')}")
    operator._publish_links = lambda app, context: None
    operator._finish = lambda hook, app, context: app

    result = operator._follow(hook, {"id": "a1", "state": "PENDING"}, context={}, log_from=0)

    assert result["state"] == "SUCCEEDED"
    assert logged == [
        "PENDING: submit attempt 1 failed: Livy is unreachable",
        "PENDING: submit attempt 2 failed: Livy is unreachable",
        "SUCCEEDED: None",
    ]


@pytest.mark.parametrize(
    "retry_after, attempt, low, high",
    [
        ("1", 0, 1.0, 1.5),  # the server's wait is the floor, whatever the attempt
        (" 7 ", 3, 7.0, 10.5),
        ("0", 2, 0.0, 0.0),
        ("600", 0, 30.0, 45.0),  # capped
        (None, 0, 0.5, 0.75),  # no Retry-After: the backoff, doubled per attempt
        (None, 2, 2.0, 3.0),
        ("soon", 1, 1.0, 1.5),  # unreadable: as if absent
        ("nan", 1, 1.0, 1.5),
        ("-3", 1, 1.0, 1.5),
        ("inf", 1, 1.0, 1.5),
    ],
)
def test_a_retry_waits_the_servers_retry_after_plus_at_most_half_again(retry_after, attempt, low, high):
    for _ in range(200):
        assert low <= retry_delay(attempt, 0.5, retry_after) <= high


def test_callers_refused_together_come_back_spread_out():
    waits = sorted(retry_delay(0, 0.5, "1") for _ in range(500))
    # 500 callers told "Retry-After: 1" land across the half second after it, not on one instant.
    assert waits[0] >= 1.0 and 1.4 < waits[-1] <= 1.5
    assert sum(1 for w in waits if w < 1.05) < 100
