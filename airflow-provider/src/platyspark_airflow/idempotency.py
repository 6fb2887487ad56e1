"""
Idempotency keys for submits from Airflow, so that an Airflow retry never starts a second copy of a running app.

A task instance (dag id, task id, run id, map index) gets a *base* key; clearing the DAG run (which Airflow counts
in ``dag_run.clear_number``) starts a new base, because a person who clears a task asks for a new run.

With ``reattach_on_retry=True`` (the default) the tries of one task instance use the keys ``<base>-1``,
``<base>-2``, ... in order: a try re-submits ``-1`` and gets the app an earlier try submitted. If that app is
still running or has succeeded, the try re-attaches to it; if it failed, was killed or was lost, the try moves on
to ``-2``, which starts a new app. So a retry after a lost worker follows the app that is already running, and a
retry after a failed app runs it again.

With ``reattach_on_retry=False`` every try uses ``<base>-try<N>`` and starts its own app (Airflow's Livy
operator's behaviour); an app left running by a lost worker keeps running.
"""
from __future__ import annotations

import hashlib
import json

#: The most app generations one task instance walks through before giving up (each one is a failed app).
MAX_GENERATIONS = 50


def base_key(dag_id: str, task_id: str, run_id: str, map_index: int | None, clear_number: int | None) -> str:
    """The key prefix of one task instance in one clear generation of its DAG run; visible ASCII, 50 chars."""
    identity = json.dumps([dag_id, task_id, run_id, -1 if map_index is None else int(map_index),
                           int(clear_number or 0)], separators=(",", ":"))
    return "airflow-" + hashlib.sha256(identity.encode("utf-8")).hexdigest()[:42]


def generation_key(base: str, generation: int) -> str:
    """The key of the n-th app (1-based) of a task instance when retries re-attach."""
    if generation < 1:
        raise ValueError("generation starts at 1")
    return f"{base}-{generation}"


def try_key(base: str, try_number: int) -> str:
    """The key of one Airflow try when retries do not re-attach."""
    return f"{base}-try{int(try_number)}"
