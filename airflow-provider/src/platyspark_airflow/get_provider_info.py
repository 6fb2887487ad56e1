"""What Airflow's provider manager learns about this package (entry point ``apache_airflow_provider``)."""
from __future__ import annotations

from typing import Any


def get_provider_info() -> dict[str, Any]:
    from platyspark_airflow import __version__

    return {
        "package-name": "platyspark-airflow",
        "name": "PlatySpark",
        "description": "Run Spark apps on PlatySpark, a self-hosted Spark-as-a-Service control plane.",
        "versions": [__version__],
        "integrations": [
            {"integration-name": "PlatySpark", "tags": ["service"]}
        ],
        "operators": [
            {"integration-name": "PlatySpark", "python-modules": ["platyspark_airflow.operators.platyspark"]}
        ],
        "hooks": [{"integration-name": "PlatySpark", "python-modules": ["platyspark_airflow.hooks.platyspark"]}],
        "triggers": [
            {"integration-name": "PlatySpark", "python-modules": ["platyspark_airflow.triggers.platyspark"]}
        ],
        "connection-types": [
            {"connection-type": "platyspark", "hook-class-name": "platyspark_airflow.hooks.platyspark.PlatySparkHook"}
        ],
        "extra-links": [
            "platyspark_airflow.links.SparkUiLink",
            "platyspark_airflow.links.DriverLogLink",
            "platyspark_airflow.links.PlatySparkLogsLink",
            "platyspark_airflow.links.AppDashboardLink",
        ],
    }
