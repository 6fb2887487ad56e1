"""Checks the deployment files where no Docker engine runs: the compose file against the Compose specification,
the Dockerfiles with Docker's own parser and the rules our images follow, Prometheus' targets, and the Grafana
dashboard's shape. Exits non-zero with every problem listed."""
import json
import pathlib
import re
import sys

import compose_spec
import dockerfile
import yaml

ROOT = pathlib.Path(__file__).resolve().parent.parent
problems = []


def problem(where, what):
    problems.append(f"{where}: {what}")


def check_compose():
    text = (ROOT / "docker-compose.yml").read_text()
    document = yaml.safe_load(text)  # resolves the YAML merge keys compose allows
    document.pop("x-platy-env", None)
    try:
        compose_spec.PyCompose.from_json(json.dumps(document))
    except ValueError as e:
        problem("docker-compose.yml", f"not a valid Compose file: {e}")
        return {}
    services = document.get("services", {})
    for name, service in services.items():
        for dependency in service.get("depends_on", {}) or {}:
            if dependency not in services:
                problem("docker-compose.yml", f"service {name} depends on unknown service {dependency}")
        build = service.get("build")
        if build:
            dockerfile_path = ROOT / build.get("context", ".") / build.get("dockerfile", "Dockerfile")
            if not dockerfile_path.is_file():
                problem("docker-compose.yml", f"service {name} builds from missing {dockerfile_path}")
        for volume in service.get("volumes", []) or []:
            source = volume.split(":")[0]
            if source.startswith("./") and not (ROOT / source).exists():
                problem("docker-compose.yml", f"service {name} mounts missing {source}")
        image = service.get("image", "")
        if image and not build and (":" not in image or image.endswith(":latest")):
            problem("docker-compose.yml", f"service {name} uses an unpinned image {image}")
        for key, value in (service.get("environment") or {}).items():
            if re.search(r"(SECRET|PASSWORD|TOKEN)", key) and value and not str(value).startswith("${") \
                    and key not in ("AWS_SECRET_ACCESS_KEY",):
                problem("docker-compose.yml", f"service {name} has a literal secret in {key}; use ${{...}}")
    return services


def check_dockerfile(path):
    try:
        commands = dockerfile.parse_file(str(path))
    except dockerfile.GoParseError as e:
        problem(path, f"does not parse: {e}")
        return
    stages = [i for i, c in enumerate(commands) if c.cmd == "FROM"]
    final = commands[stages[-1]:] if stages else commands
    for c in commands:
        if c.cmd == "FROM":
            image = c.value[0]
            if ":" not in image or image.endswith(":latest"):
                problem(path, f"FROM {image} is not pinned to a tag")
        if c.cmd == "ADD" and any(v.startswith("http") for v in c.value):
            problem(path, "ADD of a URL: download in a RUN with a checksum instead")
        if c.cmd == "RUN" and "apt-get install" in c.value[0]:
            if "--no-install-recommends" not in c.value[0]:
                problem(path, "apt-get install without --no-install-recommends")
            if "rm -rf /var/lib/apt/lists" not in c.value[0]:
                problem(path, "apt lists are not removed in the same layer")
        if c.cmd == "COPY" and not c.flags:
            source = c.value[0]
            module = source.split("/")[0]
            if not (ROOT / module).is_dir():
                problem(path, f"COPY from {source}: no module {module}")
    users = [c for c in final if c.cmd == "USER"]
    if not users or users[-1].value[0] in ("root", "0"):
        problem(path, "the image must run as a non-root USER")
    if not any(c.cmd == "HEALTHCHECK" for c in final):
        problem(path, "no HEALTHCHECK")
    entrypoints = [c for c in final if c.cmd == "ENTRYPOINT"]
    if not entrypoints or not entrypoints[-1].json:
        problem(path, "ENTRYPOINT must use the exec (JSON) form so signals reach the JVM")


def check_prometheus(services):
    config = yaml.safe_load((ROOT / "ops/prometheus/prometheus.yml").read_text())
    for job in config.get("scrape_configs", []):
        for static in job.get("static_configs", []):
            for target in static.get("targets", []):
                host = target.split(":")[0]
                if services and host not in services:
                    problem("ops/prometheus/prometheus.yml", f"job {job['job_name']} scrapes unknown host {host}")


def check_dashboard():
    path = ROOT / "ops/grafana/dashboards/platyspark.json"
    dashboard = json.loads(path.read_text())
    if not dashboard.get("uid") or not dashboard.get("panels"):
        problem(path, "a dashboard needs a uid and panels")
    for panel in dashboard.get("panels", []):
        targets = panel.get("targets") or []
        if not targets or not all(t.get("expr") for t in targets):
            problem(path, f"panel '{panel.get('title')}' has no query")
        for t in targets:
            if t.get("expr", "").count("(") != t.get("expr", "").count(")"):
                problem(path, f"panel '{panel.get('title')}' has unbalanced parentheses")


services = check_compose()
for file in sorted(ROOT.glob("*/Dockerfile")):
    check_dockerfile(file)
check_prometheus(services)
check_dashboard()
if problems:
    print("deployment files have problems:", file=sys.stderr)
    for p in problems:
        print(f"  - {p}", file=sys.stderr)
    sys.exit(1)
print(f"deployment files OK: docker-compose.yml ({len(services)} services), "
      f"{len(list(ROOT.glob('*/Dockerfile')))} Dockerfiles, Prometheus config, Grafana dashboard")
