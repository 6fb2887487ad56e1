"""Checks the ops files where no Docker engine runs; bin/check-ops runs it inside .venv-ops.

- docker-compose.yml, as is and with the real-AWS override, validated by Docker Compose v2 itself (`config`), then
  cross-checked: Dockerfiles, mounted files and ports exist and agree;
- the Dockerfiles, linted by hadolint, and held to the house rules (non-root, health check, layers, memory,
  the app-builder's venv-pack); .dockerignore keeps each exec jar, named; compose wires the builder token; the
  docs state the health start period;
- the Prometheus config (promtool when it is on PATH, and its structure against the compose services);
- Grafana's provisioning and dashboards: every query parses as PromQL (and passes promtool when it is on PATH),
  every metric it reads is listed in ops/grafana/metric-sources.txt, panels do not overlap, variables exist, and
  the per-app link fits the dashboard;
- the ops shell scripts, by ShellCheck.

Prints one line per check and a closing 'N passed, N failed'; exits 1 when any check failed.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import compose
import promql_parser
import yaml

ROOT = Path(__file__).resolve().parent.parent
SERVICES = {"spark-server": 8080, "watchdog": 8081, "cleaner": 8082, "app-builder": 8083}
# One Dockerfile for the four services (--build-arg SERVICE picks the image), and moto's.
SERVICE_DOCKERFILE = "Dockerfile"
DOCKERFILES = [SERVICE_DOCKERFILE, "ops/moto/Dockerfile"]
SHELL_SCRIPTS = ["bin/check-ops"]
METRIC_SOURCES = ROOT / "ops/grafana/metric-sources.txt"
DASHBOARD_DIR = ROOT / "ops/grafana/dashboards"
SUFFIXES = ("_total", "_bucket", "_count", "_sum", "_max")
# Grafana's own variables; the interval ones stand where PromQL wants a duration.
GRAFANA_DURATIONS = re.compile(r"\$\{?(__rate_interval|__interval|__range)\}?")
GRAFANA_BUILTINS = {"__rate_interval", "__interval", "__interval_ms", "__range", "__range_s", "__range_ms",
                    "__all", "__dashboard", "__from", "__to", "__org", "__user", "__name", "__timeFilter"}
VARIABLE = re.compile(r"\$(?:\{(\w+)(?::\w+)?\}|(\w+))")
LINK_PLACEHOLDERS = {"appId", "team", "cluster"}


class Checks:
    def __init__(self) -> None:
        self.passed = 0
        self.failed = 0

    def run(self, name: str, check) -> None:
        try:
            problems = list(check() or [])
        except Exception as e:  # a check that crashes is a failed check, with its reason
            problems = [f"{type(e).__name__}: {e}"]
        if problems:
            self.failed += 1
            print(f"FAIL {name}")
            for problem in problems:
                print(f"       {problem}")
        else:
            self.passed += 1
            print(f"ok   {name}")


def rel(path: Path) -> str:
    return str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)


# ---------------------------------------------------------------- compose

def compose_binary() -> Path:
    # The package's console script drops the binary's exit code, so the binary is called directly.
    return Path(compose.__file__).parent / "docker-compose"


def compose_config(files: list[str], env: dict[str, str]) -> tuple[dict | None, list[str]]:
    """The resolved model, as `docker compose config` gives it; validated against the defaults in the files only
    (no .env, nothing from the caller's shell)."""
    with tempfile.NamedTemporaryFile("w", suffix=".env") as empty:
        args = [str(compose_binary()), "--project-directory", str(ROOT), "--env-file", empty.name]
        for f in files:
            args += ["-f", str(ROOT / f)]
        clean_env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": os.environ.get("HOME", "/tmp")}
        clean_env.update(env)
        result = subprocess.run(args + ["config", "--format", "json"], capture_output=True, text=True, env=clean_env,
                                cwd=ROOT)
    if result.returncode != 0:
        return None, [f"docker compose {' '.join(files)} config: {result.stderr.strip() or result.stdout.strip()}"]
    return json.loads(result.stdout), []


def dockerfile_stages(path: Path) -> list[tuple[str, str | None, str]]:
    """(base, name, body) of each stage, continuation lines joined."""
    text = re.sub(r"\\\n\s*", " ", path.read_text())
    stages = []
    for chunk in re.split(r"(?m)^FROM ", text)[1:]:
        header, _, body = chunk.partition("\n")
        words = header.split()
        words = [w for w in words if not w.startswith("--")]
        name = words[2] if len(words) >= 3 and words[1].lower() == "as" else None
        stages.append((words[0], name, body))
    return stages


def image_text(path: Path, service: str) -> str:
    """The instructions that make up the image built with SERVICE=service: the last stage and the stages it
    stands on, oldest first."""
    stages = dockerfile_stages(path)
    by_name = {name: (base, body) for base, name, body in stages if name}
    base, _, body = stages[-1]
    parts = [body]
    seen = set()
    base = base.replace("${SERVICE}", service).replace("$SERVICE", service)
    while base in by_name and base not in seen:
        seen.add(base)
        base, stage_body = by_name[base]
        parts.insert(0, stage_body)
    return "\n".join(parts)


def image_env(path: Path, service: str) -> dict[str, str]:
    """ENV settings of the image built with SERVICE=service."""
    env: dict[str, str] = {}
    for line in re.findall(r"(?m)^ENV (.+)$", image_text(path, service)):
        for key, value in re.findall(r'(\w+)=("[^"]*"|\S+)', line):
            env[key] = value.strip('"')
    return env


ADMIN_TOKEN = "platy_check-ops-admin-token-0123456789"


def check_compose_needs_admin_token():
    """Without PLATY_ADMIN_TOKEN compose refuses to start, naming it: a token generated inside spark-server could
    never reach the app-builder, and every environment build would be refused."""
    model, errors = compose_config(["docker-compose.yml"], {})
    if model is not None:
        return ["docker compose config succeeded without PLATY_ADMIN_TOKEN"]
    if not any("PLATY_ADMIN_TOKEN" in e for e in errors):
        return [f"docker compose config failed without naming PLATY_ADMIN_TOKEN: {errors}"]
    return []


def check_compose(models: dict[str, dict]):
    problems = []
    for name, (files, env) in {
        "moto (default)": (["docker-compose.yml"], {"PLATY_ADMIN_TOKEN": ADMIN_TOKEN}),
        "real AWS": (["docker-compose.yml", "ops/compose/aws.yml"],
                     {"PLATY_AWS_ENV_FILE": "ops/env/aws.env.example", "PLATY_ADMIN_TOKEN": ADMIN_TOKEN}),
    }.items():
        model, errors = compose_config(files, env)
        problems += errors
        if model:
            models[name] = model
    return problems


def check_compose_references(models: dict[str, dict]):
    model = models.get("moto (default)")
    if model is None:
        return ["docker-compose.yml did not load (see above)"]
    services = model["services"]
    problems = [f"service {s} is missing" for s in [*SERVICES, "postgres", "moto", "prometheus", "grafana"]
                if s not in services]
    for name, service in services.items():
        build = service.get("build")
        if build:
            dockerfile = Path(build["context"]) / build.get("dockerfile", "Dockerfile")
            if not dockerfile.is_file():
                problems.append(f"{name}: build file {rel(dockerfile)} does not exist")
        for volume in service.get("volumes", []):
            if volume["type"] == "bind" and Path(volume["source"]).is_relative_to(ROOT) \
                    and not Path(volume["source"]).exists():
                problems.append(f"{name}: mounted {rel(Path(volume['source']))} does not exist")
        if name in SERVICES:
            if build and (build.get("dockerfile") != SERVICE_DOCKERFILE or build.get("args", {}).get("SERVICE") != name):
                problems.append(f"{name}: must build {SERVICE_DOCKERFILE} with the build arg SERVICE={name}")
            port = int(image_env(ROOT / SERVICE_DOCKERFILE, name).get("PORT", "0"))
            if port != SERVICES[name]:
                problems.append(f"{name}: its Dockerfile sets PORT={port}, the stack expects {SERVICES[name]}")
            for published in service.get("ports", []):
                if published["target"] != port:
                    problems.append(f"{name}: publishes container port {published['target']}, it listens on {port}")
            if "postgres" not in service.get("depends_on", {}):
                problems.append(f"{name}: must wait for postgres (depends_on)")
            if not service.get("environment", {}).get("SPRING_DATASOURCE_URL", "").startswith("jdbc:postgresql://postgres"):
                problems.append(f"{name}: SPRING_DATASOURCE_URL must point at the postgres service")
    aws = models.get("real AWS")
    if aws:
        if "moto" in aws["services"]:
            problems.append("ops/compose/aws.yml must keep moto from starting (profiles)")
        for name in SERVICES:
            env = aws["services"].get(name, {}).get("environment", {})
            if "PLATY_AWS_ENDPOINT" in env:
                problems.append(f"{name}: with real AWS no endpoint override may be set (found {env['PLATY_AWS_ENDPOINT']})")
            if any(k in env for k in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY")):
                problems.append(f"{name}: AWS keys in a file; real AWS takes credentials from the SDK's default chain")
    return problems


def check_builder_token(models: dict[str, dict]):
    """spark-server calls the app-builder with the token it is given: with the quick start's admin token alone
    that must be the admin token, else every environment build answers '503 ... app-builder answered 401'."""
    model = models.get("moto (default)")
    if model is None:
        return ["docker-compose.yml did not load (see above)"]
    env = model["services"].get("spark-server", {}).get("environment", {})
    problems = []
    if env.get("PLATY_SECURITY_BOOTSTRAPADMINTOKEN") != ADMIN_TOKEN:
        problems.append("spark-server: PLATY_SECURITY_BOOTSTRAPADMINTOKEN must come from PLATY_ADMIN_TOKEN")
    if env.get("PLATY_ENV_BUILDERTOKEN") != ADMIN_TOKEN:
        problems.append(f"spark-server: PLATY_ENV_BUILDERTOKEN is {env.get('PLATY_ENV_BUILDERTOKEN')!r} with only "
                        "PLATY_ADMIN_TOKEN set; it must default to it (the app-builder would answer 401)")
    if not env.get("PLATY_ENV_BUILDERURL", "").startswith("http://app-builder:"):
        problems.append("spark-server: PLATY_ENV_BUILDERURL must point at the app-builder service")
    return problems


def dockerignore_rules(path: Path) -> list[tuple[bool, str, re.Pattern]]:
    """(re-include?, pattern, regex) of each .dockerignore line, in order. Docker matches a pattern against a
    path and each of its parent directories (an excluded directory excludes what is in it), '**' crossing
    directories and '*' not; the last matching line decides."""
    rules = []
    for line in path.read_text().splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        negate = line.startswith("!")
        pattern = line[1:].strip() if negate else line
        pattern = pattern.strip("/")
        regex = ""
        i = 0
        while i < len(pattern):
            if pattern.startswith("**/", i):
                regex += "(?:.*/)?"
                i += 3
            elif pattern.startswith("**", i):
                regex += ".*"
                i += 2
            elif pattern[i] == "*":
                regex += "[^/]*"
                i += 1
            elif pattern[i] == "?":
                regex += "[^/]"
                i += 1
            else:
                regex += re.escape(pattern[i])
                i += 1
        rules.append((negate, pattern, re.compile(regex + "(?:/.*)?$")))
    return rules


def check_dockerignore():
    """The build context keeps each service's runnable jar (for JAR_FROM=prebuilt) although **/target is left
    out, and names it without a wildcard: Docker 20.10 did not bring files back through '!*/target/*-exec.jar'."""
    rules = dockerignore_rules(ROOT / ".dockerignore")
    problems = []
    for service in SERVICES:
        jar = f"{service}/target/{service}-exec.jar"
        excluded = False
        deciding = None
        for negate, pattern, regex in rules:
            if regex.match(jar):
                excluded, deciding = not negate, pattern
        if excluded:
            problems.append(f".dockerignore leaves out {jar} (by '{deciding}'); the prebuilt build copies it")
        elif deciding is None or any(c in deciding for c in "*?["):
            problems.append(f".dockerignore must name {jar} in a '!' line of its own, without wildcards "
                            f"(Docker 20.10 ignores a wildcard re-include); found {deciding!r}")
    source = (ROOT / "pom.xml").read_text()
    for module in re.findall(r"<module>([^<]+)</module>", source):
        if regex_excludes(rules, f"{module}/pom.xml") or regex_excludes(rules, f"{module}/src/main/x"):
            problems.append(f".dockerignore leaves out {module}'s sources; the in-Docker build compiles them")
    return problems


def regex_excludes(rules: list[tuple[bool, str, re.Pattern]], path: str) -> bool:
    excluded = False
    for negate, _, regex in rules:
        if regex.match(path):
            excluded = not negate
    return excluded


def check_start_period_documented():
    """docs/operations.md states the image's health start period (it once said 90 s while the image waited 300)."""
    found = re.search(r"--start-period=(\d+)s", (ROOT / SERVICE_DOCKERFILE).read_text())
    if not found:
        return [f"{SERVICE_DOCKERFILE}: HEALTHCHECK has no --start-period"]
    seconds = found.group(1)
    problems = []
    for doc in ("docs/operations.md", "docs/troubleshooting.md"):
        text = (ROOT / doc).read_text()
        stated = set(re.findall(r"(\d+) s (?:start period|\(its health start period\))", text))
        if stated != {seconds}:
            problems.append(f"{doc} states a start period of {sorted(stated) or 'nothing'} s; the image's is {seconds} s")
    return problems


# ---------------------------------------------------------------- settings

CONFIGURATION_DOC = ROOT / "docs/configuration.md"
ENV_EXAMPLES = ["ops/env/aws.env.example"]


def documented_settings() -> tuple[set[str], set[str]]:
    """The environment variable names of the PlatySpark settings in docs/configuration.md (generated from the
    build's configuration metadata, and checked against it by bin/test), and those of map settings, whose
    variables carry a key after the name."""
    names, maps = set(), set()
    for row in re.findall(r"(?m)^\| `platy\.[^`]+` \| `(PLATY_\w+)` \| `([^`]+)`", CONFIGURATION_DOC.read_text()):
        names.add(row[0])
        if row[1].startswith("Map<"):
            maps.add(row[0])
    return names, maps


def check_settings(models: dict[str, dict]):
    """Every PLATY_ variable the deployment files set names a real setting: a misspelt one is silently ignored."""
    names, maps = documented_settings()
    if len(names) < 50:
        return [f"{rel(CONFIGURATION_DOC)} lists only {len(names)} settings; regenerate it with bin/gen-config-docs"]
    used: dict[str, str] = {}
    for variant, model in models.items():
        for service_name, service in model["services"].items():
            if service_name in SERVICES:
                for key in service.get("environment", {}):
                    used.setdefault(key, f"{service_name} in compose ({variant})")
    for example in ENV_EXAMPLES:
        for line in (ROOT / example).read_text().splitlines():
            key = line.split("=", 1)[0].strip()
            if key and not key.startswith("#") and "=" in line:
                used.setdefault(key, example)
    for service in SERVICES:
        for key in image_env(ROOT / SERVICE_DOCKERFILE, service):
            used.setdefault(key, f"the {service} image")
    problems = []
    for key, where in sorted(used.items()):
        if not key.startswith("PLATY_"):
            continue
        base = re.sub(r"_\d+_?$", "", key)  # an indexed list entry, PLATY_AWS_SUBNETIDS_0_
        if base in names or any(key.startswith(m + "_") for m in maps):
            continue
        problems.append(f"{key} (set by {where}) is no setting in {rel(CONFIGURATION_DOC)}")
    return problems


# ---------------------------------------------------------------- Dockerfiles

def check_hadolint():
    hadolint = shutil.which("hadolint", path=str(Path(sys.executable).parent)) or shutil.which("hadolint")
    result = subprocess.run([hadolint, "--no-color", *DOCKERFILES], capture_output=True, text=True, cwd=ROOT)
    if result.returncode != 0:
        return (result.stdout + result.stderr).strip().splitlines()
    return []


def check_dockerfile_rules():
    path = ROOT / SERVICE_DOCKERFILE
    text = path.read_text()
    stage_names = {name for _, name, _ in dockerfile_stages(path)}
    problems = []
    for module, port in SERVICES.items():
        if module not in stage_names:
            problems.append(f"{module}: {SERVICE_DOCKERFILE} has no stage named {module} for SERVICE={module}")
            continue
        image = image_text(path, module)
        env = image_env(path, module)
        user = re.findall(r"(?m)^USER (\S+)", image)
        if not user or user[-1].split(":")[0] in ("0", "root"):
            problems.append(f"{module}: the image must run as a non-root USER")
        if not re.search(r"(?m)^HEALTHCHECK .*/actuator/health/(readiness|liveness)", image):
            problems.append(f"{module}: HEALTHCHECK must probe /actuator/health/readiness or liveness")
        if not re.search(rf"(?m)^EXPOSE {port}$", image) or env.get("PORT") != str(port):
            problems.append(f"{module}: must listen on and EXPOSE {port}")
        if "MaxRAMPercentage" not in env.get("JAVA_TOOL_OPTIONS", ""):
            problems.append(f"{module}: JAVA_TOOL_OPTIONS must size the heap from the container (MaxRAMPercentage)")
        if env.get("LOGGING_STRUCTURED_FORMAT_CONSOLE") != "ecs":
            problems.append(f"{module}: logs must be structured (LOGGING_STRUCTURED_FORMAT_CONSOLE=ecs)")
        if env.get("PLATY_LOCAL_ENABLED") != "false":
            problems.append(f"{module}: no image holds Spark, so PLATY_LOCAL_ENABLED must be false")
        for layer in ("dependencies", "spring-boot-loader", "snapshot-dependencies", "application"):
            if f"extracted/{layer}/" not in image:
                problems.append(f"{module}: layer {layer} is not copied")
        # Boot serves /actuator/health/readiness only with probes on (or on Kubernetes).
        yml = ROOT / module / "src/main/resources/application.yml"
        probes_in_yml = yml.exists() and "probes" in yml.read_text()
        if env.get("MANAGEMENT_ENDPOINT_HEALTH_PROBES_ENABLED") != "true" and not probes_in_yml:
            problems.append(f"{module}: health probes must be enabled for the HEALTHCHECK")
        if not (ROOT / module / "pom.xml").is_file():
            problems.append(f"{module}: SERVICE={module} names no Maven module")
    # The app-builder packs environments with venv-pack in its python3: the image must install the version the
    # tests use (a missing one failed every build at packing, seen only when the image ran).
    pin = re.search(r"(?m)^venv-pack==(\S+)", (ROOT / "requirements-spark.txt").read_text())
    if "app-builder" in stage_names and (
            not pin or f"venv-pack=={pin.group(1)}" not in image_text(path, "app-builder")):
        problems.append("app-builder: the image must pip install venv-pack at requirements-spark.txt's version "
                        f"({pin.group(0) if pin else 'no pin found'})")
    # The jar of SERVICE is built and taken from where Maven puts it (the modules' -exec classifier).
    for needed in ('-pl "${SERVICE}"', '${SERVICE}/target/${SERVICE}-exec.jar'):
        if needed not in text:
            problems.append(f"{SERVICE_DOCKERFILE}: must package the module's jar ({needed})")
    return problems


def check_shell():
    shellcheck = shutil.which("shellcheck", path=str(Path(sys.executable).parent)) or shutil.which("shellcheck")
    scripts = [s for s in SHELL_SCRIPTS if (ROOT / s).exists()]
    result = subprocess.run([shellcheck, *scripts], capture_output=True, text=True, cwd=ROOT)
    return (result.stdout + result.stderr).strip().splitlines() if result.returncode != 0 else []


# ---------------------------------------------------------------- Prometheus

def check_prometheus(models: dict[str, dict]):
    path = ROOT / "ops/prometheus/prometheus.yml"
    promtool = shutil.which("promtool")
    if promtool:
        result = subprocess.run([promtool, "check", "config", "--syntax-only", str(path)], capture_output=True,
                                text=True)
        if result.returncode != 0:
            return (result.stdout + result.stderr).strip().splitlines()
    config = yaml.safe_load(path.read_text())
    problems = []
    duration = re.compile(r"^(\d+(ms|s|m|h|d|w|y))+$")
    for key, value in (config.get("global") or {}).items():
        if key.endswith(("_interval", "_timeout")) and not duration.match(str(value)):
            problems.append(f"global.{key}: '{value}' is not a Prometheus duration")
    jobs = [job.get("job_name") for job in config.get("scrape_configs", [])]
    problems += [f"job {j} is defined twice" for j in {j for j in jobs if jobs.count(j) > 1}]
    known = {"job_name", "metrics_path", "scrape_interval", "scrape_timeout", "static_configs", "dns_sd_configs",
             "relabel_configs", "metric_relabel_configs", "scheme", "honor_labels"}
    compose_services = (models.get("moto (default)") or {}).get("services", {})
    for job in config.get("scrape_configs", []):
        name = job.get("job_name")
        problems += [f"job {name}: unknown key {k}" for k in job if k not in known]
        if name in SERVICES:
            if job.get("metrics_path") != "/actuator/prometheus":
                problems.append(f"job {name}: metrics_path must be /actuator/prometheus")
            for sd in job.get("dns_sd_configs", []):
                if sd.get("type") != "A" or sd.get("port") != SERVICES[name]:
                    problems.append(f"job {name}: expected A records on port {SERVICES[name]}, got {sd}")
                for host in sd.get("names", []):
                    if compose_services and host not in compose_services:
                        problems.append(f"job {name}: {host} is not a compose service")
        for static in job.get("static_configs", []):
            for target in static.get("targets", []):
                if not re.match(r"^[\w.-]+:\d+$", target):
                    problems.append(f"job {name}: target '{target}' is not host:port")
    missing = set(SERVICES) - set(jobs)
    problems += [f"no scrape job for {s}" for s in sorted(missing)]
    return problems


# ---------------------------------------------------------------- Grafana

def check_grafana_provisioning(models: dict[str, dict]):
    if "moto (default)" not in models:
        return ["docker-compose.yml did not load (see above)"]
    problems = []
    grafana = (models.get("moto (default)") or {}).get("services", {}).get("grafana", {})
    mounts = {Path(v["source"]): v["target"] for v in grafana.get("volumes", []) if v["type"] == "bind"}
    provisioning = ROOT / "ops/grafana/provisioning"
    if mounts.get(provisioning) != "/etc/grafana/provisioning":
        problems.append("grafana must mount ops/grafana/provisioning at /etc/grafana/provisioning")
    for path in sorted((provisioning / "datasources").glob("*.yml")):
        doc = yaml.safe_load(path.read_text())
        if doc.get("apiVersion") != 1:
            problems.append(f"{rel(path)}: apiVersion must be 1")
        for ds in doc.get("datasources", []):
            if not all(ds.get(k) for k in ("name", "type", "url", "uid")):
                problems.append(f"{rel(path)}: a data source needs name, type, uid and url: {ds}")
            host = urlsplit(ds.get("url", "")).hostname
            if models and host not in models["moto (default)"]["services"]:
                problems.append(f"{rel(path)}: {host} is not a compose service")
    for path in sorted((provisioning / "dashboards").glob("*.yml")):
        doc = yaml.safe_load(path.read_text())
        if doc.get("apiVersion") != 1:
            problems.append(f"{rel(path)}: apiVersion must be 1")
        for provider in doc.get("providers", []):
            target = provider.get("options", {}).get("path")
            if mounts.get(DASHBOARD_DIR) != target:
                problems.append(f"{rel(path)}: provider path {target} is not where compose mounts "
                                f"{rel(DASHBOARD_DIR)} ({mounts.get(DASHBOARD_DIR)})")
    return problems


def metric_sources() -> dict[str, set[str]]:
    families = {}
    for line in METRIC_SOURCES.read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            family, services = line.split()
            families[family] = set(services.split(","))
    return families


def family_of(name: str, families: dict[str, set[str]]) -> str | None:
    candidates = [name] + [name[: -len(s)] for s in SUFFIXES if name.endswith(s)]
    for candidate in candidates:
        if candidate in families:
            return candidate
    for family in families:
        if family.endswith("*") and name.startswith(family[:-1]):
            return family
    return None


def metric_names(expr: str) -> set[str]:
    """Metric names an expression reads, from PromQL's syntax tree (raises ValueError when it does not parse)."""
    names: set[str] = set()

    def visit(node):
        if isinstance(node, promql_parser.VectorSelector):
            name = node.name or next((m.value for m in node.matchers.matchers if m.name == "__name__"), None)
            if name:
                names.add(name)

    promql_parser.walk(promql_parser.parse(GRAFANA_DURATIONS.sub("5m", expr)), visit)
    return names


def walk_panels(panels):
    for panel in panels:
        yield panel
        yield from walk_panels(panel.get("panels", []))


def dashboard_queries(dashboard: dict):
    """(where, expr) for every panel target and every query variable."""
    for panel in walk_panels(dashboard.get("panels", [])):
        for target in panel.get("targets", []):
            yield f"panel '{panel.get('title')}' {target.get('refId')}", target.get("expr")
    for variable in dashboard.get("templating", {}).get("list", []):
        if variable.get("type") == "query":
            query = variable.get("query")
            query = query.get("query") if isinstance(query, dict) else query
            # Grafana's label_values(metric, label) is not PromQL; its first argument is a selector.
            match = re.fullmatch(r"\s*label_values\((.*),\s*\w+\s*\)\s*", query or "")
            yield f"variable '{variable['name']}'", match.group(1) if match else query


def check_dashboards():
    problems = []
    families = metric_sources()
    used: set[str] = set()
    queries: list[str] = []
    dashboards = sorted(DASHBOARD_DIR.glob("*.json"))
    if not dashboards:
        return [f"no dashboards in {rel(DASHBOARD_DIR)}"]
    for path in dashboards:
        name = rel(path)
        dashboard = json.loads(path.read_text())
        for key in ("uid", "title", "schemaVersion", "panels", "templating"):
            if key not in dashboard:
                problems.append(f"{name}: '{key}' is missing")
        variables = {v["name"] for v in dashboard.get("templating", {}).get("list", [])}
        panels = list(walk_panels(dashboard.get("panels", [])))
        ids = [p.get("id") for p in panels]
        problems += [f"{name}: panel id {i} is used twice" for i in sorted({i for i in ids if ids.count(i) > 1})]
        cells: dict[tuple[int, int], str] = {}
        overlaps: set[tuple[str, str]] = set()
        for panel in panels:
            title = panel.get("title")
            grid = panel.get("gridPos", {})
            if not all(isinstance(grid.get(k), int) for k in "hwxy") or grid["x"] + grid["w"] > 24:
                problems.append(f"{name}: panel '{title}' has a bad gridPos {grid}")
                continue
            for x in range(grid["x"], grid["x"] + grid["w"]):
                for y in range(grid["y"], grid["y"] + grid["h"]):
                    if (x, y) in cells:
                        overlaps.add((cells[(x, y)], title))
                    cells[(x, y)] = title
        problems += [f"{name}: panels '{a}' and '{b}' overlap" for a, b in sorted(overlaps)]
        for panel in panels:
            title = panel.get("title")
            if panel.get("type") not in ("row", "text"):
                datasources = [panel.get("datasource")] + [t.get("datasource") for t in panel.get("targets", [])]
                if any(ds != {"type": "prometheus", "uid": "${datasource}"} for ds in datasources):
                    problems.append(f"{name}: panel '{title}' must use the ${{datasource}} variable")
                if not panel.get("targets"):
                    problems.append(f"{name}: panel '{title}' has no query")
            text = json.dumps(panel.get("options", {})) + json.dumps(panel.get("targets", []))
            for variable in {a or b for a, b in VARIABLE.findall(text)}:
                if variable not in variables and variable not in GRAFANA_BUILTINS and variable != "PLATY_TOKEN":
                    problems.append(f"{name}: panel '{title}' uses undefined variable ${variable}")
        for where, expr in dashboard_queries(dashboard):
            if not expr:
                problems.append(f"{name}: {where} has no expr")
                continue
            try:
                names = metric_names(expr)
            except ValueError as e:
                problems.append(f"{name}: {where} does not parse as PromQL ({e}): {expr}")
                continue
            queries.append(expr)
            if not names:
                problems.append(f"{name}: {where} reads no metric: {expr}")
            for metric in sorted(names):
                family = family_of(metric, families)
                if family is None:
                    problems.append(f"{name}: {where} reads {metric}, which {rel(METRIC_SOURCES)} does not list")
                else:
                    used.add(family)
    problems += [f"{rel(METRIC_SOURCES)}: {f} is listed but no dashboard reads it" for f in sorted(set(families) - used)]
    problems += promtool_check_queries(queries)
    return problems


def promtool_check_queries(queries: list[str]) -> list[str]:
    """Prometheus' own parser over the same queries, as recording rules, when promtool is on PATH."""
    promtool = shutil.which("promtool")
    if not promtool or not queries:
        return []
    rules = {"groups": [{"name": "dashboard-queries", "rules": [
        {"record": f"dashboard:query_{i}", "expr": GRAFANA_DURATIONS.sub("5m", q)} for i, q in enumerate(queries)]}]}
    with tempfile.NamedTemporaryFile("w", suffix=".yml") as file:
        yaml.safe_dump(rules, file)
        file.flush()
        result = subprocess.run([promtool, "check", "rules", file.name], capture_output=True, text=True)
    if result.returncode == 0:
        return []
    return [f"promtool: {line.strip()}" for line in (result.stdout + result.stderr).splitlines() if line.strip()]


def check_app_dashboard_link(models: dict[str, dict]):
    """The link template spark-server returns with each app must open the dashboard with variables it has."""
    if "moto (default)" not in models:
        return ["docker-compose.yml did not load (see above)"]
    env = (models.get("moto (default)") or {}).get("services", {}).get("spark-server", {}).get("environment", {})
    template = env.get("PLATY_LINKS_APPDASHBOARD")
    if not template:
        return ["spark-server in docker-compose.yml sets no PLATY_LINKS_APPDASHBOARD"]
    problems = []
    placeholders = set(re.findall(r"\{(\w+)\}", template))
    problems += [f"unknown placeholder {{{p}}} (known: {sorted(LINK_PLACEHOLDERS)})"
                 for p in sorted(placeholders - LINK_PLACEHOLDERS)]
    url = urlsplit(template)
    uids = {json.loads(p.read_text())["uid"]: p for p in DASHBOARD_DIR.glob("*.json")}
    match = re.match(r"^/d/([^/]+)(/|$)", url.path)
    if not match or match.group(1) not in uids:
        return problems + [f"{template} does not open a dashboard of {rel(DASHBOARD_DIR)} (uids {sorted(uids)})"]
    dashboard = json.loads(uids[match.group(1)].read_text())
    variables = {v["name"] for v in dashboard["templating"]["list"]}
    for key in parse_qs(url.query):
        if key.startswith("var-") and key[4:] not in variables:
            problems.append(f"the link sets {key}, but the dashboard has no variable '{key[4:]}'")
    return problems


def main() -> int:
    checks = Checks()
    models: dict[str, dict] = {}
    checks.run("docker-compose.yml validates (Docker Compose v2 config; moto and real-AWS variants)",
               lambda: check_compose(models))
    checks.run("compose services, build files, mounts, ports and credentials agree", lambda: check_compose_references(models))
    checks.run("compose refuses to start without PLATY_ADMIN_TOKEN, naming it", check_compose_needs_admin_token)
    checks.run("compose gives spark-server the app-builder's URL and, by default, the admin token for it",
               lambda: check_builder_token(models))
    checks.run("every PLATY_ variable set is a documented setting", lambda: check_settings(models))
    checks.run(".dockerignore keeps each service's exec jar, named, and every module's sources", check_dockerignore)
    checks.run("the docs state the image's health start period", check_start_period_documented)
    checks.run("Dockerfiles lint clean (hadolint)", check_hadolint)
    checks.run("service images: non-root, health check, layers, container memory, JSON logs", check_dockerfile_rules)
    checks.run("Prometheus config" + (" (promtool)" if shutil.which("promtool") else " (structure; no promtool on PATH)"),
               lambda: check_prometheus(models))
    checks.run("Grafana provisioning matches the compose mounts", lambda: check_grafana_provisioning(models))
    checks.run("dashboards: queries parse" + (" (promql-parser and promtool)" if shutil.which("promtool") else "")
               + ", metrics are listed, layout and variables", check_dashboards)
    checks.run("per-app dashboard link template", lambda: check_app_dashboard_link(models))
    checks.run("ops scripts (ShellCheck)", check_shell)
    print(f"check-ops: {checks.passed} passed, {checks.failed} failed")
    return 1 if checks.failed else 0


if __name__ == "__main__":
    sys.exit(main())
