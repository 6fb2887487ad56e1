"""
The write-up's flow as a DAG: create a dedicated cluster from a ``ClusterConfig``, run an app with its Python
requirements on it, and terminate the cluster whatever happened.

``terminate_cluster`` runs with ``trigger_rule="all_done"`` so that a failed create or a failed (or timed-out)
run still leaves no cluster behind. That alone would let the DAG run end *successful*: Airflow decides a run's
state by its last tasks, and the terminate task succeeded. The ``watcher`` task fixes that: it depends on every
other task, runs only when one of them failed (``one_failed``) and then fails itself, so the run is marked
failed; when everything succeeded it is skipped. (Airflow's setup/teardown tasks are the other way: see
docs/airflow.md.)

Against the embedded server (``bin/run-embedded``) the cluster is a Spark standalone master and worker on that
machine; against a server with EMR enabled the same DAG creates an EMR cluster.
"""
from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Sequence

from airflow.sdk import DAG, task

from platyspark_airflow import (
    ClusterConfig,
    LocalLocation,
    PlatySparkCreateClusterOperator,
    PlatySparkRunAppOperator,
    PlatySparkTerminateClusterOperator,
)

HERE = Path(__file__).resolve().parent
TEAM = "data"


@task(trigger_rule="one_failed", retries=0)
def watcher() -> None:
    """Fails the DAG run when any task failed (it is skipped otherwise)."""
    raise RuntimeError("an upstream task failed; the cluster was terminated all the same")


def build_dag(dag_id: str = "platyspark_example", *, cluster_name: str = "example-etl",
              source: Path = HERE / "top_words.py", args: Sequence[str] = ("3",),
              requirements: Sequence[str] = ("tabulate==0.9.0",), team: str = TEAM,
              config_name: str | None = None, poll_interval: float = 5) -> DAG:
    cluster_config = (
        ClusterConfig(name=config_name or cluster_name, is_graviton_emr=True)
        .overwrite("AutoTerminationPolicy", {"IdleTimeout": 900})
        .with_instance_fleets(core_target_ondemand_capacity=2, task_target_ondemand_capacity=1,
                              master_instances=["m5.xlarge"])
        .with_cluster_configurations("spark-defaults", {"spark.sql.shuffle.partitions": "4"})
        .with_tags(team=team)
    )
    with DAG(dag_id, schedule=None, catchup=False, default_args={"retries": 0}) as dag:
        create = PlatySparkCreateClusterOperator(
            task_id="create_cluster",
            cluster_config=cluster_config,
            cluster_name=cluster_name,
            team=team,
            poll_interval=poll_interval,
        )
        run = PlatySparkRunAppOperator(
            task_id="run_app",
            source=LocalLocation(source),
            args=list(args),
            requirements=list(requirements),
            cluster_name=cluster_name,
            team=team,
            poll_interval=poll_interval,
            execution_timeout=timedelta(minutes=30),
        )
        terminate = PlatySparkTerminateClusterOperator(
            task_id="terminate_cluster",
            cluster_name=cluster_name,
            wait_for_termination=True,
            poll_interval=poll_interval,
            trigger_rule="all_done",
        )
        create >> run >> terminate
        [create, run, terminate] >> watcher()
    return dag


dag = build_dag()
