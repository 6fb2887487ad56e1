"""The part of PlatySpark's API a trigger needs, over ``httpx.AsyncClient``.

The triggerer's event loop never blocks on it.
"""
from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import httpx

from platyspark_airflow._compat import BaseHook
from platyspark_airflow.hooks.platyspark import (
    _RETRYABLE_STATUSES,
    API,
    PlatySparkApiError,
    PlatySparkUnavailable,
    ServerSettings,
    new_request_id,
    retry_delay,
)


async def settings_for(conn_id: str) -> ServerSettings:
    """Reads the connection without blocking the event loop."""
    aget = getattr(BaseHook, "aget_connection", None)
    if aget is not None:
        conn = await aget(conn_id)
    else:  # pragma: no cover - an Airflow 3 release without the async lookup
        conn = await asyncio.to_thread(BaseHook.get_connection, conn_id)
    return ServerSettings.from_connection(conn)


class PlatySparkAsyncClient:
    """
    Reads apps and their logs and kills apps, asynchronously. Every call here is safe to repeat, so connection
    errors and 429/502/503/504 are retried with backoff.
    """

    def __init__(self, settings: ServerSettings, *, timeout: float = 30.0, max_retries: int = 4,
                 retry_backoff: float = 1.0) -> None:
        self.settings = settings
        self.max_retries = max_retries
        self.retry_backoff = retry_backoff
        self._client = httpx.AsyncClient(base_url=settings.base_url, headers=settings.headers(), timeout=timeout)

    async def __aenter__(self) -> PlatySparkAsyncClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self._client.aclose()

    async def _get_json(self, method: str, path: str, params: dict[str, Any] | None = None) -> Any:
        rid = new_request_id("airflow-trigger")
        last_failure = ""
        for attempt in range(self.max_retries + 1):
            try:
                response = await self._client.request(method, path, params=params, headers={"X-Request-Id": rid})
            except httpx.TransportError as e:
                last_failure = f"{type(e).__name__}: {e}"
                if attempt < self.max_retries:
                    await asyncio.sleep(retry_delay(attempt, self.retry_backoff, None))
                continue
            if response.status_code < 300:
                return response.json()
            if response.status_code in _RETRYABLE_STATUSES:
                last_failure = f"{response.status_code}"
                if attempt < self.max_retries:
                    await asyncio.sleep(retry_delay(attempt, self.retry_backoff, response.headers.get("Retry-After")))
                continue
            try:
                problem = response.json()
            except ValueError:
                problem = {"detail": response.text[:500]}
            raise PlatySparkApiError(method, path, response.status_code,
                                     problem if isinstance(problem, dict) else {"detail": str(problem)}, rid)
        raise PlatySparkUnavailable(f"{method} {path}: PlatySpark at {self.settings.base_url} could not be reached "
                                    f"after {self.max_retries + 1} attempt(s): {last_failure} (request id {rid})")

    async def get_app(self, app_id: str) -> dict[str, Any]:
        return await self._get_json("GET", f"{API}/apps/{app_id}")

    async def kill_app(self, app_id: str) -> dict[str, Any] | None:
        """Like :meth:`PlatySparkHook.kill_app`: the app as KILLED, or None when it had ended otherwise."""
        try:
            return await self._get_json("DELETE", f"{API}/apps/{app_id}")
        except PlatySparkApiError as e:
            if e.problem_type != "app-already-finished":
                raise
            app = await self.get_app(app_id)
            return app if app.get("state") == "KILLED" else None

    async def iter_log_lines(self, app_id: str, log_from: int = 0,
                             size: int = 1000) -> AsyncIterator[tuple[int, dict[str, Any]]]:
        """Like :meth:`PlatySparkHook.iter_log_lines`: each line with the offset that follows it."""
        position = log_from
        while True:
            page = await self._get_json("GET", f"{API}/apps/{app_id}/logs", {"from": position, "size": size})
            lines = page.get("lines") or []
            start = page.get("from", position)
            for i, line in enumerate(lines):
                yield start + i + 1, line
            next_from = page.get("nextFrom", start + len(lines))
            if not lines or next_from >= page.get("total", 0):
                return
            position = next_from
