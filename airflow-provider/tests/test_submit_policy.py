"""
The retry policy of PlatySparkRunAppOperator's submit against the real server: which app each Airflow try gets.
Apps are killed right after they are submitted, so no Spark job has to run for these.
"""
from __future__ import annotations

import uuid
from types import SimpleNamespace

import pytest
from platyspark_test_dags import EXAMPLES

from platyspark_airflow import PlatySparkRunAppOperator
from platyspark_airflow._compat import AirflowException


def _context(run_id: str, try_number: int, clear_number: int = 0) -> dict:
    ti = SimpleNamespace(dag_id="policy", task_id="run", run_id=run_id, map_index=-1, try_number=try_number)
    return {"ti": ti, "dag_run": SimpleNamespace(clear_number=clear_number)}


def _operator(server, team: str, *, args=("1",), reattach_on_retry: bool = True) -> PlatySparkRunAppOperator:
    operator = PlatySparkRunAppOperator(task_id="run", source=str(EXAMPLES / "word_count.py"), args=list(args),
                                        cluster_name="local", team=team, reattach_on_retry=reattach_on_retry)
    operator._hook = server.hook()
    return operator


def _submit(operator: PlatySparkRunAppOperator, context: dict) -> dict:
    hook = operator.get_hook()
    body = operator._body(context, hook, "local", None, operator._resolve_source(hook))
    return operator._submit(hook, body, context)


@pytest.fixture
def team(server):
    name = f"policy-{uuid.uuid4().hex[:8]}"
    yield name
    hook = server.hook()
    for app in hook.list_apps(team=name):
        hook.kill_app(app["id"])


def test_a_retry_reattaches_to_the_active_app_of_an_earlier_try(server, team):
    run_id = f"manual__{uuid.uuid4()}"
    first = _submit(_operator(server, team), _context(run_id, 1))
    second = _submit(_operator(server, team), _context(run_id, 2))
    assert second["id"] == first["id"]
    assert len(list(server.hook().list_apps(team=team))) == 1


def test_a_retry_after_a_failed_app_starts_a_new_one_and_later_tries_follow_that(server, team):
    hook = server.hook()
    run_id = f"manual__{uuid.uuid4()}"
    first = _submit(_operator(server, team), _context(run_id, 1))
    hook.kill_app(first["id"])  # the first app ended without success

    second = _submit(_operator(server, team), _context(run_id, 2))
    assert second["id"] != first["id"]
    third = _submit(_operator(server, team), _context(run_id, 3))  # say the second try's worker was lost
    assert third["id"] == second["id"]
    assert len(list(hook.list_apps(team=team))) == 2


def test_clearing_the_run_starts_a_new_app(server, team):
    run_id = f"manual__{uuid.uuid4()}"
    first = _submit(_operator(server, team), _context(run_id, 1, clear_number=0))
    cleared = _submit(_operator(server, team), _context(run_id, 2, clear_number=1))
    assert cleared["id"] != first["id"]


def test_a_changed_dag_with_the_earlier_app_still_active_fails_and_names_it(server, team):
    run_id = f"manual__{uuid.uuid4()}"
    first = _submit(_operator(server, team, args=["1"]), _context(run_id, 1))
    with pytest.raises(AirflowException, match=rf"app {first['id']} of an earlier try .* different definition"):
        _submit(_operator(server, team, args=["2"]), _context(run_id, 2))

    server.hook().kill_app(first["id"])
    moved_on = _submit(_operator(server, team, args=["2"]), _context(run_id, 3))
    assert moved_on["id"] != first["id"] and moved_on["args"] == ["2"]


def test_without_reattach_every_try_starts_its_own_app(server, team):
    run_id = f"manual__{uuid.uuid4()}"
    first = _submit(_operator(server, team, reattach_on_retry=False), _context(run_id, 1))
    second = _submit(_operator(server, team, reattach_on_retry=False), _context(run_id, 2))
    again = _submit(_operator(server, team, reattach_on_retry=False), _context(run_id, 2))  # same try, resent
    assert second["id"] != first["id"]
    assert again["id"] == second["id"]
