"""Operator extra links: the app's Spark UI, driver log, PlatySpark log pages and dashboard, as buttons on the task."""
from __future__ import annotations

from typing import Any, ClassVar

from platyspark_airflow._compat import BaseOperatorLink


class PlatySparkAppLink(BaseOperatorLink):
    """
    One of the app's links. The operator pushes each link to XCom (under :attr:`xcom_key`) as soon as the server
    reports it, so the button works while the app runs; Airflow 3 reads it from there.
    """

    #: The key in the operator's collected links (see ``PlatySparkRunAppOperator.links``).
    link_key: ClassVar[str] = ""

    def get_link(self, operator: Any, *, ti_key: Any) -> str:
        # Airflow 3 calls this on the worker when the task ends and stores the result under xcom_key; the
        # operator holds what it saw. The UI reads the XCom, never this method.
        links = getattr(operator, "links", None)
        return (links.get(self.link_key) if isinstance(links, dict) else None) or ""


class SparkUiLink(PlatySparkAppLink):
    name = "Spark UI"
    link_key = "spark_ui"


class DriverLogLink(PlatySparkAppLink):
    name = "Driver log"
    link_key = "driver_log"


class PlatySparkLogsLink(PlatySparkAppLink):
    name = "PlatySpark logs"
    link_key = "api_logs"


class AppDashboardLink(PlatySparkAppLink):
    name = "App dashboard"
    link_key = "dashboard"


ALL_LINKS = (SparkUiLink(), DriverLogLink(), PlatySparkLogsLink(), AppDashboardLink())
