"""PlatySpark's REST API for Airflow: a hook over ``requests`` and the errors it raises."""
from __future__ import annotations

import math
import random
import time
import uuid
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import requests

from platyspark_airflow._compat import AirflowException, BaseHook

API = "/api/v1"
PROBLEM_PREFIX = "urn:platyspark:problem:"

TERMINAL_STATES = frozenset({"SUCCEEDED", "FAILED", "KILLED", "LOST"})
READY_CLUSTER_STATES = frozenset({"RUNNING", "WAITING"})
DEAD_CLUSTER_STATES = frozenset({"TERMINATED", "TERMINATED_WITH_ERRORS"})

# Statuses that mean "try again later, nothing was done": the server says so for 503 (with Retry-After); 502 and
# 504 come from proxies in front of it.
_RETRYABLE_STATUSES = frozenset({429, 502, 503, 504})


class PlatySparkError(AirflowException):
    """Base of every error this package raises about the PlatySpark API."""


class PlatySparkApiError(PlatySparkError):
    """The server answered with an error (RFC 9457 problem+json): its status, type, detail and offending field."""

    def __init__(self, method: str, path: str, status: int, problem: Mapping[str, Any], request_id: str | None):
        self.method = method
        self.path = path
        self.status = status
        self.problem = dict(problem)
        raw_type = str(problem.get("type") or "")
        self.problem_type = raw_type[len(PROBLEM_PREFIX):] if raw_type.startswith(PROBLEM_PREFIX) else raw_type
        self.detail = str(problem.get("detail") or problem.get("title") or "")
        self.field = problem.get("field")
        self.request_id = problem.get("requestId") or request_id
        super().__init__(
            f"{method} {path} -> {status} {self.problem_type or 'error'}: {self.detail}"
            + (f" (request id {self.request_id})" if self.request_id else "")
        )

    @property
    def existing_app_id(self) -> str | None:
        """For ``idempotency-key-reused``: the app the key already belongs to."""
        return self.problem.get("existingAppId")


class PlatySparkUnavailable(PlatySparkError):
    """The server could not be reached, or kept answering "try later", through every retry."""


@dataclass(frozen=True)
class ServerSettings:
    """Where the server is and how to authenticate, read from an Airflow connection."""

    base_url: str
    token: str | None
    team: str | None

    @classmethod
    def from_connection(cls, conn: Any) -> ServerSettings:
        host = (conn.host or "").strip()
        if not host:
            raise AirflowException(
                f"connection '{conn.conn_id}': host is empty; set it to the PlatySpark server's URL, "
                "e.g. https://platyspark.internal"
            )
        if "://" in host:
            base = host.rstrip("/")
        else:
            scheme = (conn.schema or "http").strip() or "http"
            base = f"{scheme}://{host.rstrip('/')}"
        if conn.port and base.count(":") < 2:
            base = f"{base}:{conn.port}"
        extra = conn.extra_dejson or {}
        token = conn.password or extra.get("token")
        return cls(base_url=base, token=token or None, team=extra.get("team") or None)

    def headers(self) -> dict[str, str]:
        headers = {"Accept": "application/json, application/problem+json"}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        return headers


def new_request_id(prefix: str = "airflow") -> str:
    """A request id the server accepts (``[A-Za-z0-9._:/-]{1,128}``), unique per call."""
    return f"{prefix}-{uuid.uuid4().hex[:16]}"


def retry_delay(attempt: int, backoff: float, retry_after: str | None, cap: float = 30.0) -> float:
    """
    How long retry number ``attempt + 1`` waits: the server's Retry-After (delay-seconds) when it gave one, else
    ``backoff`` doubled per attempt, capped; then a random part of up to half as long again, so that callers the
    server refused together (a burst answered 429 with ``Retry-After: 1``) do not all come back at the same instant.
    """
    base = None
    if retry_after:
        try:
            base = float(retry_after.strip())
        except ValueError:
            pass
    if base is None or not math.isfinite(base) or base < 0:
        base = backoff * (2**attempt)
    base = min(base, cap)
    return base + random.random() * base / 2


class PlatySparkHook(BaseHook):
    """
    Talks to a PlatySpark server's REST API.

    The connection (type ``platyspark``) holds the server URL in ``host`` and an API token (``platy_...``) in
    ``password``; ``extra`` may name a default ``team``. Every call sends ``X-Request-Id``. Failures that mean
    "nothing happened, try later" (connection errors, 429/502/503/504) are retried only for calls that are safe to
    repeat: reads, deletes, get-or-create calls, content-addressed uploads, and submits that carry an idempotency
    key. A submit without a key is never retried.

    :param platyspark_conn_id: the Airflow connection to use
    :param timeout: seconds to wait for each HTTP response
    :param max_retries: how many times a safe call is retried
    :param retry_backoff: the first retry's delay in seconds; it doubles with each retry
    """

    conn_name_attr = "platyspark_conn_id"
    default_conn_name = "platyspark_default"
    conn_type = "platyspark"
    hook_name = "PlatySpark"

    @classmethod
    def get_ui_field_behaviour(cls) -> dict[str, Any]:
        return {
            "hidden_fields": ["login", "schema", "port"],
            "relabeling": {"host": "Server URL", "password": "API token"},
            "placeholders": {
                "host": "https://platyspark.internal",
                "password": "platy_...",
                "extra": '{"team": "data-platform"}',
            },
        }

    def __init__(
        self,
        platyspark_conn_id: str = default_conn_name,
        *,
        timeout: float = 30.0,
        max_retries: int = 4,
        retry_backoff: float = 1.0,
        settings: ServerSettings | None = None,
    ) -> None:
        super().__init__()
        self.platyspark_conn_id = platyspark_conn_id
        self.timeout = timeout
        self.max_retries = max_retries
        self.retry_backoff = retry_backoff
        self._settings = settings
        self._session: requests.Session | None = None

    # -- plumbing ---------------------------------------------------------------------------------------------

    @property
    def settings(self) -> ServerSettings:
        if self._settings is None:
            self._settings = ServerSettings.from_connection(self.get_connection(self.platyspark_conn_id))
        return self._settings

    @property
    def base_url(self) -> str:
        return self.settings.base_url

    def get_conn(self) -> requests.Session:
        if self._session is None:
            session = requests.Session()
            session.headers.update(self.settings.headers())
            self._session = session
        return self._session

    def close(self) -> None:
        if self._session is not None:
            self._session.close()
            self._session = None

    def _call(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, Any] | None = None,
        json: Any = None,
        data: bytes | None = None,
        headers: Mapping[str, str] | None = None,
        safe_to_retry: bool = True,
        request_id: str | None = None,
        ok_statuses: Iterable[int] = (200, 201, 202, 204),
    ) -> requests.Response:
        rid = request_id or new_request_id()
        all_headers = {"X-Request-Id": rid, **(headers or {})}
        url = self.base_url + path
        attempts = (self.max_retries if safe_to_retry else 0) + 1
        last_failure = ""
        for attempt in range(attempts):
            try:
                response = self.get_conn().request(
                    method, url, params=params, json=json, data=data, headers=all_headers, timeout=self.timeout
                )
            except (requests.ConnectionError, requests.Timeout) as e:
                last_failure = f"{type(e).__name__}: {e}"
                if attempt + 1 < attempts:
                    delay = retry_delay(attempt, self.retry_backoff, None)
                    self.log.warning("%s %s failed (%s); retrying in %.1fs", method, path, last_failure, delay)
                    time.sleep(delay)
                continue
            if response.status_code in ok_statuses:
                return response
            if response.status_code in _RETRYABLE_STATUSES:
                last_failure = f"{response.status_code} {_problem(response).get('detail', response.reason)}"
                if attempt + 1 < attempts:
                    delay = retry_delay(attempt, self.retry_backoff, response.headers.get("Retry-After"))
                    self.log.warning("%s %s answered %s; retrying in %.1fs", method, path, last_failure, delay)
                    time.sleep(delay)
                    continue
                raise PlatySparkUnavailable(
                    f"{method} {path}: PlatySpark at {self.base_url} answered {last_failure} "
                    f"after {attempts} attempt(s) (request id {rid})"
                )
            raise PlatySparkApiError(method, path, response.status_code, _problem(response), rid)
        raise PlatySparkUnavailable(
            f"{method} {path}: PlatySpark at {self.base_url} could not be reached after {attempts} attempt(s): "
            f"{last_failure} (request id {rid})"
        )

    # -- apps -------------------------------------------------------------------------------------------------

    def submit_app(
        self, body: Mapping[str, Any], *, idempotency_key: str | None = None, request_id: str | None = None
    ) -> tuple[dict[str, Any], bool]:
        """
        Submits an app. Returns the app and whether this call created it: with an idempotency key that was used
        before for the same request, the server returns the first app (200) instead of creating another.

        :raises PlatySparkApiError: ``idempotency-key-reused`` (422) when the key belongs to a different request
        """
        headers = {"Content-Type": "application/json"}
        if idempotency_key:
            headers["Idempotency-Key"] = idempotency_key
        response = self._call(
            "POST", f"{API}/apps", json=dict(body), headers=headers, safe_to_retry=idempotency_key is not None,
            request_id=request_id,
        )
        return response.json(), response.status_code != 200

    def get_app(self, app_id: str) -> dict[str, Any]:
        return self._call("GET", f"{API}/apps/{app_id}").json()

    def list_apps(
        self,
        *,
        cluster: str | None = None,
        team: str | None = None,
        states: Iterable[str] | None = None,
        page_size: int = 100,
    ) -> Iterator[dict[str, Any]]:
        """Every app matching the filters, newest first, following the server's cursors."""
        params: dict[str, Any] = {"limit": page_size}
        if cluster:
            params["cluster"] = cluster
        if team:
            params["team"] = team
        if states:
            params["state"] = ",".join(states)
        while True:
            page = self._call("GET", f"{API}/apps", params=params).json()
            yield from page.get("items", [])
            cursor = page.get("nextCursor")
            if not cursor:
                return
            params["cursor"] = cursor

    def get_events(self, app_id: str) -> list[dict[str, Any]]:
        return self._call("GET", f"{API}/apps/{app_id}/events").json()

    def get_logs(self, app_id: str, log_from: int = 0, size: int = 1000) -> dict[str, Any]:
        """One page of output: ``lines`` of ``{stream, text}``, ``nextFrom`` and ``total``."""
        return self._call("GET", f"{API}/apps/{app_id}/logs", params={"from": log_from, "size": size}).json()

    def iter_log_lines(self, app_id: str, log_from: int = 0, size: int = 1000) -> Iterator[tuple[int, dict]]:
        """
        The lines from ``log_from`` to what the server holds now, each with the offset that follows it, so a
        caller that stops half way resumes without repeating or skipping a line.
        """
        position = log_from
        while True:
            page = self.get_logs(app_id, position, size)
            lines = page.get("lines") or []
            start = page.get("from", position)
            for i, line in enumerate(lines):
                yield start + i + 1, line
            next_from = page.get("nextFrom", start + len(lines))
            if not lines or next_from >= page.get("total", 0):
                return
            position = next_from

    def kill_app(self, app_id: str) -> dict[str, Any] | None:
        """
        Kills the app; returns it as KILLED, or None when it had already ended otherwise (nothing to kill).

        A DELETE whose answer was lost is sent again, and the second one finds the app ended: ``KILLED`` then means
        the kill took (this call's first attempt, or another caller's), so the app is returned as killed.
        """
        try:
            return self._call("DELETE", f"{API}/apps/{app_id}").json()
        except PlatySparkApiError as e:
            if e.problem_type != "app-already-finished":
                raise
            app = self.get_app(app_id)
            return app if app.get("state") == "KILLED" else None

    # -- clusters ---------------------------------------------------------------------------------------------

    def create_cluster(
        self,
        name: str,
        kind: str,
        *,
        config: Mapping[str, Any] | None = None,
        livy_url: str | None = None,
        team: str | None = None,
    ) -> tuple[dict[str, Any], bool]:
        """Gets or creates a cluster by name (safe to repeat). Returns it and whether this call recorded it."""
        body: dict[str, Any] = {"name": name, "kind": kind}
        if config is not None:
            body["config"] = dict(config)
        if livy_url:
            body["livyUrl"] = livy_url
        team = team or self.settings.team
        if team:
            body["team"] = team
        response = self._call("POST", f"{API}/clusters", json=body, headers={"Content-Type": "application/json"})
        return response.json(), response.status_code != 200

    def get_cluster(self, name: str) -> dict[str, Any] | None:
        """The cluster by that name: the active one, else the one that ended last (with its state reason).

        None when the platform has no record of one (never created, or purged after its retention).
        """
        try:
            return self._call("GET", f"{API}/clusters/{name}").json()
        except PlatySparkApiError as e:
            if e.status == 404:
                return None
            raise

    def list_clusters(self) -> list[dict[str, Any]]:
        return self._call("GET", f"{API}/clusters").json()

    def terminate_cluster(self, name: str) -> dict[str, Any]:
        return self._call("DELETE", f"{API}/clusters/{name}").json()

    # -- artifacts --------------------------------------------------------------------------------------------

    def upload_artifact(self, content: bytes, name: str) -> dict[str, Any]:
        """
        Uploads an app source. The server stores it by content hash, so repeating the upload (a retry, the next
        DAG run) stores nothing new and returns the same URI.
        """
        response = self._call(
            "POST", f"{API}/artifacts", params={"name": name}, data=content,
            headers={"Content-Type": "application/octet-stream"},
        )
        return response.json()

    def absolute(self, path_or_url: str | None) -> str | None:
        """A link from the API as an absolute URL (the API gives its own pages as paths)."""
        if not path_or_url:
            return None
        if path_or_url.startswith("/"):
            return self.base_url + path_or_url
        return path_or_url


def _problem(response: requests.Response) -> dict[str, Any]:
    try:
        body = response.json()
    except ValueError:
        body = None
    if isinstance(body, dict):
        return body
    text = (response.text or "").strip()
    return {"title": response.reason, "detail": text[:500] if text else response.reason}
