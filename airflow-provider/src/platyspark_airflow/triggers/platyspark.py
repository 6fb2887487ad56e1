"""The trigger of a deferred PlatySparkRunAppOperator: follows an app from the triggerer's event loop."""
from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from typing import Any

from platyspark_airflow._compat import BaseTrigger, TriggerEvent
from platyspark_airflow.hooks.platyspark import TERMINAL_STATES, PlatySparkApiError, PlatySparkUnavailable
from platyspark_airflow.hooks.platyspark_async import PlatySparkAsyncClient, settings_for


class PlatySparkAppTrigger(BaseTrigger):
    """
    Polls an app until it ends, copying its output into the task log (``[stdout]``/``[stderr]`` lines) as it
    goes, then fires one event: ``{"status": "done", "app_id", "state", "log_from"}``, or ``{"status": "error",
    "app_id", "message", "log_from"}`` when the app cannot be followed. ``log_from`` is where the worker resumes
    the output, so no line is printed twice.

    A triggerer that restarts runs the trigger again from the offset it was created with, so lines printed
    before the restart may be printed again.
    """

    def __init__(
        self,
        app_id: str,
        platyspark_conn_id: str = "platyspark_default",
        poll_interval: float = 10.0,
        log_from: int = 0,
        stream_logs: bool = True,
        log_page_size: int = 1000,
        api_outage_tolerance: float = 600.0,
    ) -> None:
        super().__init__()
        self.app_id = app_id
        self.platyspark_conn_id = platyspark_conn_id
        self.poll_interval = poll_interval
        self.log_from = log_from
        self.stream_logs = stream_logs
        self.log_page_size = log_page_size
        self.api_outage_tolerance = api_outage_tolerance

    def serialize(self) -> tuple[str, dict[str, Any]]:
        return (
            f"{type(self).__module__}.{type(self).__qualname__}",
            {
                "app_id": self.app_id,
                "platyspark_conn_id": self.platyspark_conn_id,
                "poll_interval": self.poll_interval,
                "log_from": self.log_from,
                "stream_logs": self.stream_logs,
                "log_page_size": self.log_page_size,
                "api_outage_tolerance": self.api_outage_tolerance,
            },
        )

    async def run(self) -> AsyncIterator[TriggerEvent]:
        settings = await settings_for(self.platyspark_conn_id)
        log_from = self.log_from
        last_state = None
        shown_links: dict[str, str] = {}
        outage_since: float | None = None
        async with PlatySparkAsyncClient(settings) as client:
            while True:
                try:
                    app = await client.get_app(self.app_id)
                    if self.stream_logs:
                        async for next_from, line in client.iter_log_lines(self.app_id, log_from,
                                                                           self.log_page_size):
                            self.log.info("[%s] %s", line.get("stream", "?"), line.get("text", ""))
                            log_from = next_from
                    outage_since = None
                except PlatySparkUnavailable as e:
                    now = time.monotonic()
                    outage_since = outage_since or now
                    if now - outage_since > self.api_outage_tolerance:
                        yield TriggerEvent({"status": "error", "app_id": self.app_id, "message": str(e),
                                            "log_from": log_from})
                        return
                    self.log.warning("PlatySpark is unavailable (%s); still following app %s", e, self.app_id)
                    await asyncio.sleep(self.poll_interval)
                    continue
                except PlatySparkApiError as e:
                    yield TriggerEvent({"status": "error", "app_id": self.app_id, "message": str(e),
                                        "log_from": log_from})
                    return
                if app["state"] != last_state:
                    reason = f" ({app['stateReason']})" if app.get("stateReason") else ""
                    self.log.info("app %s is %s%s", self.app_id, app["state"], reason)
                    last_state = app["state"]
                # A trigger cannot push XCom; the worker pushes the links when it resumes. Meanwhile the task
                # log shows them as they appear.
                for key, label in (("sparkUi", "Spark UI"), ("driverLog", "driver log"), ("dashboard", "dashboard")):
                    url = (app.get("links") or {}).get(key)
                    if url and shown_links.get(key) != url:
                        self.log.info("%s: %s", label, url)
                        shown_links[key] = url
                if app["state"] in TERMINAL_STATES:
                    yield TriggerEvent({"status": "done", "app_id": self.app_id, "state": app["state"],
                                        "log_from": log_from})
                    return
                await asyncio.sleep(self.poll_interval)

    async def on_kill(self) -> None:
        """Airflow 3.3+: a person killed the deferred task (mark failed, clear): kill the app as well."""
        settings = await settings_for(self.platyspark_conn_id)
        async with PlatySparkAsyncClient(settings) as client:
            killed = await client.kill_app(self.app_id)
        self.log.info("app %s %s", self.app_id, "killed" if killed else "had already ended")
