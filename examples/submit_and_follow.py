#!/usr/bin/env python3
"""Submits a Spark app to PlatySpark and follows it to the end, as a user's script or a scheduler would.

Only the standard library: POST /api/v1/apps, then poll the app and page its logs until it ends.
Exits 0 when the app SUCCEEDED, 1 otherwise. The API token comes from the PLATY_TOKEN environment variable.

    PLATY_TOKEN=platy_... python3 examples/submit_and_follow.py --server http://localhost:8080 \
        --source "$PWD/examples/pyspark/word_count.py" --arg 5
"""
import argparse
import json
import os
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid

TERMINAL = {"SUCCEEDED", "FAILED", "KILLED", "LOST"}


TOKEN = os.environ.get("PLATY_TOKEN")


def call(server, method, path, body=None, headers=None):
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(server + path, data=data, method=method)
    request.add_header("Content-Type", "application/json")
    if TOKEN:
        request.add_header("Authorization", f"Bearer {TOKEN}")
    for key, value in (headers or {}).items():
        request.add_header(key, value)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.load(response), response.headers.get("X-Request-Id")
    except urllib.error.HTTPError as error:
        problem = json.load(error)
        sys.exit(f"{method} {path} -> {error.code}: {problem.get('detail', problem)}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--server", default="http://localhost:8080")
    parser.add_argument("--source", required=True, help="absolute path or URI of the app's main file")
    parser.add_argument("--name", default="word-count")
    parser.add_argument("--team", default="examples")
    parser.add_argument("--cluster", default="local")
    parser.add_argument("--arg", action="append", default=[], help="an argument for the app (repeatable)")
    parser.add_argument("--conf", action="append", default=[], help="a Spark setting key=value (repeatable)")
    options = parser.parse_args()

    body = {
        "name": options.name,
        "team": options.team,
        "cluster": options.cluster,
        "source": options.source,
        "args": options.arg,
        "sparkConf": dict(c.split("=", 1) for c in options.conf),
    }
    # The key makes a retried submit (say after a timeout) return the same app instead of a second one.
    _, app, request_id = call(options.server, "POST", "/api/v1/apps", body,
                              {"Idempotency-Key": str(uuid.uuid4())})
    print(f"submitted app {app['id']} (request id {request_id}): {app['state']}", flush=True)

    state, next_line, ui_shown = app["state"], 0, False
    while True:
        _, app = call(options.server, "GET", f"/api/v1/apps/{app['id']}")[:2]
        if app["state"] != state:
            state = app["state"]
            reason = f" ({app['stateReason']})" if app.get("stateReason") else ""
            print(f"state: {state}{reason}", flush=True)
        if app["links"].get("sparkUi") and not ui_shown:
            print(f"Spark UI: {app['links']['sparkUi']}", flush=True)
            ui_shown = True
        while True:
            query = urllib.parse.urlencode({"from": next_line, "size": 500})
            _, page = call(options.server, "GET", f"/api/v1/apps/{app['id']}/logs?{query}")[:2]
            for line in page["lines"]:
                if line["stream"] == "stdout":
                    print(f"  [stdout] {line['text']}", flush=True)
            next_line = page["nextFrom"]
            if next_line >= page["total"]:
                break
        if state in TERMINAL:
            break
        time.sleep(1)

    print(f"app {app['id']} ended {state}")
    final = call(options.server, "GET", f"/api/v1/apps/{app['id']}")[1]
    if final.get("metrics"):
        m = final["metrics"]
        print(f"  {m.get('durationMs', 0) / 1000:.1f} s, {m.get('jobs')} jobs, {m.get('tasks')} tasks, "
              f"{m.get('inputRecords')} records read, executor run time {m.get('executorRunTimeMs')} ms")
    return 0 if state == "SUCCEEDED" else 1


if __name__ == "__main__":
    sys.exit(main())
