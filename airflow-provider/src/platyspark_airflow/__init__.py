"""
PlatySpark's Airflow provider: one import for the three operators and the values they take.

    from platyspark_airflow import PlatySparkRunAppOperator, LocalLocation, SharedClusterConfig

Names load on first use, so Airflow's provider discovery (which imports :mod:`platyspark_airflow.get_provider_info`)
never drags in the operators.
"""
from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"

_EXPORTS = {
    "PlatySparkRunAppOperator": "platyspark_airflow.operators.platyspark",
    "PlatySparkCreateClusterOperator": "platyspark_airflow.operators.platyspark",
    "PlatySparkTerminateClusterOperator": "platyspark_airflow.operators.platyspark",
    "PlatySparkHook": "platyspark_airflow.hooks.platyspark",
    "PlatySparkApiError": "platyspark_airflow.hooks.platyspark",
    "PlatySparkUnavailable": "platyspark_airflow.hooks.platyspark",
    "PlatySparkAppTrigger": "platyspark_airflow.triggers.platyspark",
    "LocalLocation": "platyspark_airflow.locations",
    "S3Location": "platyspark_airflow.locations",
    "ClusterConfig": "platyspark_airflow.cluster_config",
    "SharedClusterConfig": "platyspark_airflow.cluster_config",
    "DevClusterConfig": "platyspark_airflow.cluster_config",
    "InstanceWeightRatio": "platyspark_airflow.cluster_config",
    "LaunchSpecifications": "platyspark_airflow.cluster_config",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'platyspark_airflow' has no attribute '{name}'")
    return getattr(importlib.import_module(module), name)
