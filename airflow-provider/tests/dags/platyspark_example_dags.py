"""
The example DAG of ``examples/airflow/`` as users copy it, and two variants of it that fail (the app, then the
create), to show that the DAG run ends failed while the cluster is still terminated.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(REPO / "examples" / "airflow"))

from platyspark_example_dag import build_dag  # noqa: E402
from platyspark_example_dag import dag as example_dag  # noqa: E402, F401

RUN = os.environ.get("PLATY_TEST_RUN", "local")

failing_app_dag = build_dag("platyspark_example_failing_app", cluster_name=f"example-fails-{RUN}",
                            source=REPO / "examples" / "pyspark" / "fail.py", args=(), team=f"af-example-{RUN}",
                            poll_interval=1)
# The config names another cluster: the server refuses the create (400 naming config.name).
failing_create_dag = build_dag("platyspark_example_failing_create", cluster_name=f"example-refused-{RUN}",
                               config_name="another-name", team=f"af-example-{RUN}", poll_interval=1)
