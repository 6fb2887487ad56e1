"""
The Airflow names this package uses, in one place. Airflow 3 only: the authoring classes come from ``airflow.sdk``
(the tests run on Airflow 3.3.2; Airflow 2's module layout is not supported).
"""
from __future__ import annotations

from airflow.sdk import BaseHook, BaseOperator, BaseOperatorLink
from airflow.sdk.configuration import conf
from airflow.sdk.exceptions import AirflowException, AirflowFailException
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
