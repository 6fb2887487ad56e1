"""PlatySpark's three Airflow operators: create a cluster, terminate a cluster, run an app."""
from __future__ import annotations

import re
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from platyspark_airflow import idempotency
from platyspark_airflow._compat import AirflowException, AirflowFailException, BaseOperator, conf
from platyspark_airflow.cluster_config import ClusterConfig, DevClusterConfig, SharedClusterConfig
from platyspark_airflow.hooks.platyspark import (
    DEAD_CLUSTER_STATES,
    READY_CLUSTER_STATES,
    TERMINAL_STATES,
    PlatySparkApiError,
    PlatySparkError,
    PlatySparkHook,
    PlatySparkUnavailable,
    new_request_id,
)
from platyspark_airflow.links import ALL_LINKS
from platyspark_airflow.locations import LocalLocation, ResolvedSource, S3Location

_APP_NAME_BAD_CHARS = re.compile(r"[^A-Za-z0-9._ -]")
# Python tracebacks and log4j ERROR lines: what a person needs to see first when an app failed.
_TRACEBACK_START = re.compile(r"^Traceback \(most recent call last\)")
_EXCEPTION_LINE = re.compile(r"^[A-Za-z_][\w.]*(Error|Exception|Exit|Interrupt)\b")
_ERROR_LINE = re.compile(r"\b(ERROR|FATAL)\b|Exception in thread|^Caused by:")
# The order metrics are printed in; anything else the server reports follows, sorted.
_METRIC_ORDER = ("durationMs", "jobs", "stages", "tasks", "failedTasks", "inputRecords", "inputBytes",
                 "outputRecords", "outputBytes", "shuffleReadBytes", "shuffleWriteBytes", "executorRunTimeMs",
                 "executorCpuTimeMs", "jvmGcTimeMs", "memoryBytesSpilled", "diskBytesSpilled")


def error_lines(lines: Sequence[Mapping[str, Any]], limit: int = 40) -> list[str]:
    """
    The lines of an app's output that explain a failure: Python tracebacks (whole) and ERROR/FATAL log lines,
    the last ``limit`` of them. Both streams count: Spark's PythonRunner merges the driver's stderr into stdout,
    so a Python traceback arrives as stdout.
    """
    picked: list[str] = []
    in_traceback = False
    for line in lines:
        text = line.get("text", "")
        if _TRACEBACK_START.match(text):
            in_traceback = True
        if in_traceback or _ERROR_LINE.search(text):
            picked.append(text)
        if in_traceback and _EXCEPTION_LINE.match(text):
            in_traceback = False
    return picked[-limit:]


def _app_name(dag_id: str, task_id: str) -> str:
    name = _APP_NAME_BAD_CHARS.sub("-", f"{dag_id}.{task_id}").lstrip("._ -") or "airflow-app"
    return name[:128]


class PlatySparkRunAppOperator(BaseOperator):
    """
    Runs a Spark app on PlatySpark and follows it to the end.

    Gets or creates the cluster (the shared cluster by default, a dedicated one from a :class:`ClusterConfig`, or
    a development one), ships local sources (a file, or a project directory as a zipped ``--py-files`` archive),
    submits the app with its requirements and Spark conf, then streams its output into the task log, each line
    marked ``[stdout]`` or ``[stderr]``, prints the Spark UI and log links as soon as they are known (and pushes
    them to XCom and the task's extra links), and prints the app's metrics when it ends. The task fails when the
    app does not succeed, with the app's error lines in the message.

    A retry re-attaches to the app an earlier try started (see :mod:`platyspark_airflow.idempotency`), so a lost
    worker never leaves two copies of an app running. ``on_kill`` kills the app.

    :param source: the app's main file: a :class:`LocalLocation`, an :class:`S3Location`, or a path/URI the
        server can read as it is
    :param app_name: the app's name on the platform (default: ``<dag_id>.<task_id>``)
    :param args: arguments for the app
    :param spark_conf: Spark settings (``spark.*`` keys)
    :param main_class: the main class, for jar sources only
    :param requirements: pip requirement lines, or the path of a requirements file on the worker
    :param python_version: the Python version of the app's environment, e.g. ``"3.11"``
    :param cluster_name: the cluster to run on (default: the config's name, else ``"shared"``)
    :param cluster_config: a :class:`ClusterConfig` (dedicated: created from it when missing), a
        :class:`SharedClusterConfig` or a :class:`DevClusterConfig`; a plain dict is taken as ClusterConfig JSON
    :param team: the owning team (default: the connection's ``team`` extra, else the token's team)
    :param platyspark_conn_id: the Airflow connection of the PlatySpark server
    :param poll_interval: seconds between status checks
    :param deferrable: follow the app from the triggerer instead of holding a worker slot
    :param reattach_on_retry: a retry re-attaches to the app of an earlier try (default); False starts a new app
        on every try
    :param stream_logs: copy the app's output into the task log
    :param log_page_size: lines fetched per log request (at most 1000)
    :param api_outage_tolerance: seconds the server may stay unreachable while an app is followed
    """

    template_fields: Sequence[str] = ("app_name", "args", "spark_conf", "cluster_name", "requirements", "team",
                                      "python_version")
    template_fields_renderers = {"spark_conf": "json", "args": "json"}
    operator_extra_links = ALL_LINKS
    ui_color = "#fde7c8"

    def __init__(
        self,
        *,
        source: LocalLocation | S3Location | str,
        app_name: str | None = None,
        args: Sequence[str] | None = None,
        spark_conf: Mapping[str, Any] | None = None,
        main_class: str | None = None,
        requirements: Sequence[str] | str | None = None,
        python_version: str | None = None,
        cluster_name: str | None = None,
        cluster_config: ClusterConfig | SharedClusterConfig | DevClusterConfig | Mapping[str, Any] | None = None,
        team: str | None = None,
        platyspark_conn_id: str = PlatySparkHook.default_conn_name,
        poll_interval: float = 10.0,
        deferrable: bool = conf.getboolean("operators", "default_deferrable", fallback=False),
        reattach_on_retry: bool = True,
        stream_logs: bool = True,
        log_page_size: int = 1000,
        api_outage_tolerance: float = 600.0,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        if not isinstance(source, (LocalLocation, S3Location, str)):
            raise TypeError("source: give a LocalLocation, an S3Location or a path/URI string")
        if not 1 <= log_page_size <= 1000:
            raise ValueError("log_page_size: must be between 1 and 1000")
        self.source = source
        self.app_name = app_name
        self.args = list(args) if args is not None else []
        self.spark_conf = dict(spark_conf) if spark_conf else {}
        self.main_class = main_class
        self.requirements = requirements
        self.python_version = python_version
        self.cluster_name = cluster_name
        self.cluster_config = cluster_config
        self.team = team
        self.platyspark_conn_id = platyspark_conn_id
        self.poll_interval = poll_interval
        self.deferrable = deferrable
        self.reattach_on_retry = reattach_on_retry
        self.stream_logs = stream_logs
        self.log_page_size = log_page_size
        self.api_outage_tolerance = api_outage_tolerance
        self.app_id: str | None = None
        #: The app's links seen so far, by link key (``spark_ui``, ``driver_log``, ``log_archive``, ``api_logs``,
        #: ``dashboard``).
        self.links: dict[str, str] = {}
        self._hook: PlatySparkHook | None = None

    def get_hook(self) -> PlatySparkHook:
        if self._hook is None:
            self._hook = PlatySparkHook(self.platyspark_conn_id)
        return self._hook

    # -- run ----------------------------------------------------------------------------------------------------

    def execute(self, context: Any) -> dict[str, Any]:
        hook = self.get_hook()
        cluster, cluster_config = self._cluster_target(hook)
        resolved = self._resolve_source(hook)
        body = self._body(context, hook, cluster, cluster_config, resolved)
        app = self._submit(hook, body, context)
        self.app_id = app["id"]
        context["ti"].xcom_push(key="app_id", value=self.app_id)
        self._publish_links(app, context)
        if self.deferrable and app["state"] not in TERMINAL_STATES:
            from platyspark_airflow.triggers.platyspark import PlatySparkAppTrigger

            self.log.info("following app %s from the triggerer (deferrable): this task holds no worker slot meanwhile",
                          self.app_id)
            self.defer(
                trigger=PlatySparkAppTrigger(
                    app_id=self.app_id,
                    platyspark_conn_id=self.platyspark_conn_id,
                    poll_interval=self.poll_interval,
                    log_from=0,
                    stream_logs=self.stream_logs,
                    log_page_size=self.log_page_size,
                    api_outage_tolerance=self.api_outage_tolerance,
                ),
                method_name="execute_complete",
            )
        return self._follow(hook, app, context, log_from=0)

    def execute_complete(self, context: Any, event: Mapping[str, Any]) -> dict[str, Any]:
        """Resumes on a worker when the trigger saw the app end: the rest of the output, links, metrics, result."""
        app_id: str = event["app_id"]
        self.app_id = app_id
        if event.get("status") == "error":
            raise AirflowException(f"could not follow app {app_id}: {event.get('message')}")
        hook = self.get_hook()
        app = hook.get_app(app_id)
        if app["state"] not in TERMINAL_STATES:  # e.g. a trigger stopped early: follow the rest from here
            return self._follow(hook, app, context, log_from=int(event.get("log_from", 0)))
        self._drain_logs(hook, app_id, int(event.get("log_from", 0)))
        self._log_state(app)
        self._publish_links(app, context)
        return self._finish(hook, app, context)

    def on_kill(self) -> None:
        if not self.app_id:
            return
        try:
            killed = self.get_hook().kill_app(self.app_id)
        except PlatySparkError as e:
            self.log.error("could not kill app %s: %s", self.app_id, e)
            return
        if killed is None:
            self.log.info("app %s had already ended; nothing to kill", self.app_id)
        else:
            self.log.info("killed app %s", self.app_id)

    # -- steps --------------------------------------------------------------------------------------------------

    def _cluster_target(self, hook: PlatySparkHook) -> tuple[str, dict[str, Any] | None]:
        """The cluster name to submit to, and the ClusterConfig JSON to create it from (dedicated only)."""
        config = self.cluster_config
        if config is None:
            return self.cluster_name or "shared", None
        if isinstance(config, Mapping):
            name = self.cluster_name or config.get("name")
            if not name:
                raise AirflowFailException("cluster_name: is required when cluster_config is a dict without 'name'")
            return name, dict(config)
        if isinstance(config, SharedClusterConfig):
            return self.cluster_name or config.name, None
        if isinstance(config, DevClusterConfig):
            name = self.cluster_name or config.name
            cluster, created = hook.create_cluster(name, "DEV", team=config.team or self.team)
            self.log.info("%s development cluster '%s' (%s)", "created" if created else "using", name,
                          cluster.get("state"))
            return name, None
        if isinstance(config, ClusterConfig):
            return self.cluster_name or config.name, config.to_dict()
        raise AirflowFailException("cluster_config: give a ClusterConfig, SharedClusterConfig, DevClusterConfig or "
                                   "a dict of ClusterConfig JSON")

    def _resolve_source(self, hook: PlatySparkHook) -> ResolvedSource:
        if isinstance(self.source, str):
            return ResolvedSource(self.source)
        return self.source.resolve(hook, self.log.info)

    def _requirement_lines(self) -> list[str]:
        if self.requirements is None:
            return []
        if isinstance(self.requirements, str):
            path = Path(self.requirements)
            if not path.is_file():
                raise AirflowFailException(f"requirements: '{self.requirements}' is not a file on this worker; give "
                                           "a list of pip lines or the path of a requirements file")
            lines = path.read_text().splitlines()
        else:
            lines = list(self.requirements)
        return [line.strip() for line in lines if line.strip() and not line.strip().startswith("#")]

    def _body(self, context: Any, hook: PlatySparkHook, cluster: str, cluster_config: dict[str, Any] | None,
              resolved: ResolvedSource) -> dict[str, Any]:
        ti = context["ti"]
        body: dict[str, Any] = {
            "name": self.app_name or _app_name(ti.dag_id, ti.task_id),
            "cluster": cluster,
            "source": resolved.source,
        }
        team = self.team or hook.settings.team
        # Optional fields go only when set, so a server that predates one still takes apps that do not use it.
        optional = {
            "team": team,
            "mainClass": self.main_class,
            "args": [str(a) for a in self.args],
            "sparkConf": {k: str(v) for k, v in self.spark_conf.items()},
            "pyFiles": list(resolved.py_files),
            "requirements": self._requirement_lines(),
            "pythonVersion": self.python_version,
            "clusterConfig": cluster_config,
        }
        body.update({k: v for k, v in optional.items() if v})
        return body

    def _submit(self, hook: PlatySparkHook, body: dict[str, Any], context: Any) -> dict[str, Any]:
        ti = context["ti"]
        dag_run = context.get("dag_run")
        base = idempotency.base_key(ti.dag_id, ti.task_id, ti.run_id, getattr(ti, "map_index", -1),
                                    getattr(dag_run, "clear_number", 0))
        if not self.reattach_on_retry:
            key = idempotency.try_key(base, ti.try_number)
            app, created = self._post(hook, body, key)
            self._log_submitted(app, created, key)
            return app
        for generation in range(1, idempotency.MAX_GENERATIONS + 1):
            key = idempotency.generation_key(base, generation)
            try:
                app, created = self._post(hook, body, key)
            except PlatySparkApiError as e:
                if e.problem_type != "idempotency-key-reused" or not e.existing_app_id:
                    raise
                earlier = hook.get_app(e.existing_app_id)
                if earlier["state"] in TERMINAL_STATES:
                    self.log.info("app %s of an earlier try ran a different definition and ended %s; moving on",
                                  earlier["id"], earlier["state"])
                    continue
                raise AirflowException(
                    f"app {earlier['id']} of an earlier try of this task is still {earlier['state']} but was "
                    "submitted with a different definition (the DAG changed since); kill it "
                    f"(DELETE /api/v1/apps/{earlier['id']}) or wait for it to end, then retry"
                ) from e
            if created:
                self._log_submitted(app, True, key)
                return app
            if app["state"] in TERMINAL_STATES and app["state"] != "SUCCEEDED":
                self.log.info("app %s of an earlier try ended %s%s; starting a new one", app["id"], app["state"],
                              f" ({app['stateReason']})" if app.get("stateReason") else "")
                continue
            self._log_submitted(app, False, key)
            return app
        raise AirflowFailException(f"{idempotency.MAX_GENERATIONS} apps of this task instance failed already; "
                                   "clear the task to start afresh")

    def _post(self, hook: PlatySparkHook, body: dict[str, Any], key: str) -> tuple[dict[str, Any], bool]:
        request_id = new_request_id("airflow")
        self.log.info("submitting %s to cluster '%s' (idempotency key %s, request id %s)", body["source"],
                      body["cluster"], key, request_id)
        try:
            return hook.submit_app(body, idempotency_key=key, request_id=request_id)
        except PlatySparkApiError as e:
            if e.status == 400:  # the request itself is wrong: a retry cannot fix it
                raise AirflowFailException(str(e)) from e
            raise

    def _log_submitted(self, app: Mapping[str, Any], created: bool, key: str) -> None:
        if created:
            self.log.info("submitted app %s (%s)", app["id"], app["state"])
        else:
            self.log.info("re-attached to app %s, submitted by an earlier try with key %s (%s)", app["id"], key,
                          app["state"])

    def _follow(self, hook: PlatySparkHook, app: dict[str, Any], context: Any, log_from: int) -> dict[str, Any]:
        app_id: str = app["id"]
        last: tuple[Any, Any] | None = None
        outage_since: float | None = None
        while True:
            try:
                app = hook.get_app(app_id)
                log_from = self._drain_logs(hook, app_id, log_from)
                outage_since = None
            except PlatySparkUnavailable as e:
                now = time.monotonic()
                outage_since = outage_since or now
                if now - outage_since > self.api_outage_tolerance:
                    raise
                self.log.warning("PlatySpark is unavailable (%s); still following app %s", e, self.app_id)
                time.sleep(self.poll_interval)
                continue
            # A new reason in the same state is news too: an app stuck PENDING says why, once per reason.
            if (app["state"], app.get("stateReason")) != last:
                self._log_state(app)
                last = (app["state"], app.get("stateReason"))
            self._publish_links(app, context)
            if app["state"] in TERMINAL_STATES:
                return self._finish(hook, app, context)
            time.sleep(self.poll_interval)

    def _drain_logs(self, hook: PlatySparkHook, app_id: str, log_from: int) -> int:
        if not self.stream_logs:
            return log_from
        for next_from, line in hook.iter_log_lines(app_id, log_from, self.log_page_size):
            self.log.info("[%s] %s", line.get("stream", "?"), line.get("text", ""))
            log_from = next_from
        return log_from

    def _log_state(self, app: Mapping[str, Any]) -> None:
        reason = f" ({app['stateReason']})" if app.get("stateReason") else ""
        self.log.info("app %s is %s%s", app["id"], app["state"], reason)

    def _publish_links(self, app: Mapping[str, Any], context: Any) -> None:
        """Logs each link once, and pushes it to XCom so the task's extra link works while the app runs."""
        raw = app.get("links") or {}
        hook = self.get_hook()
        current = {
            "spark_ui": raw.get("sparkUi"),
            "driver_log": raw.get("driverLog"),
            "log_archive": raw.get("logArchive"),
            "api_logs": hook.absolute(raw.get("logs")),
            "dashboard": raw.get("dashboard"),
        }
        changed = {k: v for k, v in current.items() if v and self.links.get(k) != v}
        if not changed:
            return
        self.links.update(changed)
        ti = context["ti"]
        labels = {"spark_ui": "Spark UI", "driver_log": "driver log", "log_archive": "archived logs",
                  "api_logs": "PlatySpark logs", "dashboard": "dashboard"}
        for key, url in changed.items():
            self.log.info("%s: %s", labels[key], url)
        for link in self.operator_extra_links:
            if getattr(link, "link_key", None) in changed:
                ti.xcom_push(key=link.xcom_key, value=changed[link.link_key])
        ti.xcom_push(key="platyspark_links", value=dict(self.links))

    def _finish(self, hook: PlatySparkHook, app: Mapping[str, Any], context: Any) -> dict[str, Any]:
        metrics = app.get("metrics") or {}
        if metrics:
            ordered = [k for k in _METRIC_ORDER if k in metrics] + sorted(k for k in metrics if k not in _METRIC_ORDER)
            self.log.info("metrics of app %s: %s", app["id"], ", ".join(f"{k}={metrics[k]}" for k in ordered))
        result = {
            "app_id": app["id"],
            "state": app["state"],
            "state_reason": app.get("stateReason"),
            "cluster": app.get("cluster"),
            "links": dict(self.links),
            "metrics": metrics,
        }
        context["ti"].xcom_push(key="platyspark_app", value=result)
        if app["state"] == "SUCCEEDED":
            self.log.info("app %s SUCCEEDED", app["id"])
            return result
        reason = f": {app['stateReason']}" if app.get("stateReason") else ""
        message = f"PlatySpark app {app['id']} ended {app['state']}{reason}"
        try:
            tail = hook.get_logs(app["id"], -200, 200).get("lines") or []
        except PlatySparkError as e:
            tail = []
            self.log.warning("could not read the end of app %s's output: %s", app["id"], e)
        errors = error_lines(tail)
        if errors:
            message += "\nerror lines from its output:\n" + "\n".join(f"  {line}" for line in errors)
        raise AirflowException(message)


class PlatySparkCreateClusterOperator(BaseOperator):
    """
    Gets or creates a cluster by name and (by default) waits until it is ready. Safe to retry: a cluster that
    exists is returned, and concurrent creators make one cluster. Returns the cluster (XCom).

    :param cluster_config: a :class:`ClusterConfig` (dedicated), :class:`DevClusterConfig`,
        :class:`SharedClusterConfig` (admins), or ClusterConfig JSON as a dict
    :param cluster_name: the cluster's name (default: the config's)
    :param livy_url: register an existing cluster by its Livy URL instead of creating one
    :param kind: ``DEDICATED``, ``DEV`` or ``SHARED`` (default: from the config; ``DEDICATED``)
    :param team: the owning team (default: the connection's ``team`` extra, else the token's team)
    :param wait_for_ready: wait until the cluster is RUNNING or WAITING
    :param poll_interval: seconds between checks while waiting
    """

    template_fields: Sequence[str] = ("cluster_name", "livy_url", "team")
    ui_color = "#d4ecd4"

    def __init__(
        self,
        *,
        cluster_config: ClusterConfig | SharedClusterConfig | DevClusterConfig | Mapping[str, Any] | None = None,
        cluster_name: str | None = None,
        livy_url: str | None = None,
        kind: str | None = None,
        team: str | None = None,
        wait_for_ready: bool = True,
        poll_interval: float = 30.0,
        platyspark_conn_id: str = PlatySparkHook.default_conn_name,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        if cluster_config is None and not (cluster_name and (livy_url or kind)):
            raise ValueError("cluster_config: give a ClusterConfig, or a cluster_name with a livy_url (register "
                             "an existing cluster) or a kind (the platform's preset)")
        self.cluster_config = cluster_config
        self.cluster_name = cluster_name
        self.livy_url = livy_url
        self.kind = kind
        self.team = team
        self.wait_for_ready = wait_for_ready
        self.poll_interval = poll_interval
        self.platyspark_conn_id = platyspark_conn_id

    def execute(self, context: Any) -> dict[str, Any]:
        hook = PlatySparkHook(self.platyspark_conn_id)
        config = self.cluster_config
        kind = self.kind or getattr(config, "kind", None) or "DEDICATED"
        config_name = config.get("name") if isinstance(config, Mapping) else getattr(config, "name", None)
        name = self.cluster_name or config_name
        if not name:
            raise AirflowFailException("cluster_name: is required when the config has no name")
        document = dict(config) if isinstance(config, Mapping) else (config.to_dict() if config is not None else None)
        team = self.team or getattr(config, "team", None)
        try:
            cluster, created = hook.create_cluster(name, kind.upper(), config=document, livy_url=self.livy_url,
                                                   team=team)
        except PlatySparkApiError as e:
            if e.status in (400, 403, 409):
                raise AirflowFailException(str(e)) from e
            raise
        self.log.info("%s cluster '%s' (%s, %s)", "recorded new" if created else "found existing", name,
                      cluster.get("kind"), cluster.get("state"))
        while self.wait_for_ready and cluster.get("state") not in READY_CLUSTER_STATES:
            if cluster.get("state") in DEAD_CLUSTER_STATES:
                break
            time.sleep(self.poll_interval)
            latest = hook.get_cluster(name)
            if latest is None:
                raise AirflowException(f"cluster '{name}' ended while starting (it is no longer active)")
            cluster = latest
            self.log.info("cluster '%s' is %s", name, cluster.get("state"))
        if cluster.get("state") in DEAD_CLUSTER_STATES:
            raise AirflowException(f"cluster '{name}' is {cluster['state']}: {cluster.get('stateReason')}")
        return cluster


class PlatySparkTerminateClusterOperator(BaseOperator):
    """
    Terminates a cluster the platform created (or forgets a registered one). Apps still running on it fail with
    the cluster's reason. A cluster that is already gone is fine unless ``fail_if_missing``.

    :param cluster_name: the cluster to terminate
    :param wait_for_termination: wait until the cluster is no longer active
    :param poll_interval: seconds between checks while waiting
    """

    template_fields: Sequence[str] = ("cluster_name",)
    ui_color = "#f3d4d4"

    def __init__(
        self,
        *,
        cluster_name: str,
        wait_for_termination: bool = False,
        poll_interval: float = 30.0,
        fail_if_missing: bool = False,
        platyspark_conn_id: str = PlatySparkHook.default_conn_name,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.cluster_name = cluster_name
        self.wait_for_termination = wait_for_termination
        self.poll_interval = poll_interval
        self.fail_if_missing = fail_if_missing
        self.platyspark_conn_id = platyspark_conn_id

    def execute(self, context: Any) -> dict[str, Any] | None:
        hook = PlatySparkHook(self.platyspark_conn_id)
        cluster: dict[str, Any] | None
        try:
            cluster = hook.terminate_cluster(self.cluster_name)
        except PlatySparkApiError as e:
            if e.status == 404 and not self.fail_if_missing:
                self.log.info("cluster '%s' is not active; nothing to terminate", self.cluster_name)
                return None
            if e.status in (403, 404, 409):
                raise AirflowFailException(str(e)) from e
            raise
        self.log.info("cluster '%s' is %s", self.cluster_name, cluster.get("state"))
        while self.wait_for_termination and cluster is not None and cluster.get("state") not in DEAD_CLUSTER_STATES:
            time.sleep(self.poll_interval)
            cluster = hook.get_cluster(self.cluster_name)
            if cluster is not None:
                self.log.info("cluster '%s' is %s", self.cluster_name, cluster.get("state"))
        return cluster
