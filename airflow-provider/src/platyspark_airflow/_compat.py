"""The few Airflow names this package uses, imported from where the running Airflow keeps them.

Airflow 3 moved the authoring classes to ``airflow.sdk``; the fallbacks keep the package importable on Airflow 2.10+,
which is not what the tests run (see docs/airflow.md).
"""
from __future__ import annotations

try:  # Airflow 3
    from airflow.sdk import BaseHook, BaseOperator, BaseOperatorLink
except ImportError:  # pragma: no cover - Airflow 2
    from airflow.hooks.base import BaseHook  # type: ignore[no-redef]
    from airflow.models import BaseOperator, BaseOperatorLink  # type: ignore[no-redef]

try:  # Airflow 3
    from airflow.sdk.exceptions import AirflowException, AirflowFailException
except ImportError:  # pragma: no cover - Airflow 2
    from airflow.exceptions import AirflowException, AirflowFailException  # type: ignore[no-redef]

try:  # Airflow 3
    from airflow.sdk.configuration import conf
except ImportError:  # pragma: no cover - Airflow 2
    from airflow.configuration import conf  # type: ignore[no-redef]

from airflow.triggers.base import BaseTrigger, TriggerEvent

__all__ = [
    "AirflowException",
    "AirflowFailException",
    "BaseHook",
    "BaseOperator",
    "BaseOperatorLink",
    "BaseTrigger",
    "TriggerEvent",
    "conf",
]
