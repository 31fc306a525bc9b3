"""Static checks of docker-compose.yml, the Dockerfile and .env.example.

No Docker engine and no database: the compose file is parsed with PyYAML. Each rule is a
function returning a list of problems; the real files must have none, and every rule is also
run on a deliberately broken copy to prove it would catch that break.
"""

from __future__ import annotations

import copy
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import yaml

from evidence.uploadhandlers import max_request_bytes
from zi_portal.common.storage_url import InvalidStorageURL, parse_storage_url

ROOT = Path(__file__).resolve().parent.parent
COMPOSE_FILE = ROOT / "docker-compose.yml"
DOCKERFILE = ROOT / "Dockerfile"
ENV_EXAMPLE = ROOT / ".env.example"

DJANGO_SERVICES = ("web", "worker", "beat")
EXPECTED_SERVICES = {*DJANGO_SERVICES, "migrate", "db", "pgbouncer", "redis", "proxy", "minio", "minio-init"}
# Where each Django service's DATABASE_URL points: the long-running ones through PgBouncer, the
# one-shot migration straight to PostgreSQL.
DATABASE_HOSTS = {"web": "pgbouncer", "worker": "pgbouncer", "beat": "pgbouncer", "migrate": "db"}

Compose = dict[str, Any]

# --- helpers ---------------------------------------------------------------------------------

_VARIABLE = re.compile(r"\$\$|\$\{(\w+)(?:(:?[-?])([^}]*))?\}|\$(\w+)")


def interpolate(value: str) -> str:
    """Substitute variables as compose does when none of them is set.

    ``${VAR:-default}`` and ``${VAR-default}`` take the default; ``${VAR}`` and ``$VAR`` become
    empty (compose warns and substitutes ""); ``${VAR:?message}`` makes compose refuse to run
    unless set, so it becomes the name ``VAR`` as a stand-in value; ``$$`` is a literal ``$``.
    """

    def replace(match: re.Match[str]) -> str:
        if match.group(0) == "$$":
            return "$"
        name = match.group(1) or match.group(4)
        operator, default = match.group(2), match.group(3)
        if operator in ("-", ":-"):
            return default
        if operator in ("?", ":?"):
            return name
        return ""

    return _VARIABLE.sub(replace, value)


def depends_on(service: dict[str, Any]) -> dict[str, str]:
    """``{dependency: condition}`` for both the list and the mapping syntax."""
    raw = service.get("depends_on") or {}
    if isinstance(raw, list):
        return {name: "service_started" for name in raw}
    return {name: (spec or {}).get("condition", "service_started") for name, spec in raw.items()}


def environment(service: dict[str, Any]) -> dict[str, str]:
    """A service's ``environment:`` as a mapping, for both the list and the mapping syntax."""
    raw = service.get("environment") or {}
    if isinstance(raw, list):
        pairs = (item.split("=", 1) for item in raw)
        return {pair[0]: (pair[1] if len(pair) > 1 else "") for pair in pairs}
    return {key: "" if value is None else str(value) for key, value in raw.items()}


def volume_mounts(service: dict[str, Any]) -> list[tuple[str, str, str]]:
    """``(type, source, target)`` of each mount, ``type`` being ``volume`` or ``bind``."""
    mounts = []
    for entry in service.get("volumes") or []:
        if isinstance(entry, dict):
            mounts.append((entry.get("type", "volume"), entry.get("source", ""), entry["target"]))
            continue
        parts = entry.split(":")
        if len(parts) == 1:  # anonymous volume
            mounts.append(("volume", "", parts[0]))
            continue
        source, target = parts[0], parts[1]
        kind = "bind" if source.startswith(("/", ".", "~", "$")) else "volume"
        mounts.append((kind, source, target))
    return mounts


def has_healthcheck(service: dict[str, Any]) -> bool:
    check = service.get("healthcheck")
    if not check or check.get("disable"):
        return False
    test = check.get("test")
    if isinstance(test, str):
        return bool(test.strip()) and test.strip() != "NONE"
    return bool(test) and test[0] != "NONE" and len(test) > 1


def image_reference_problem(reference: str) -> str | None:
    """Why an image reference is not pinned, or ``None`` when it is."""
    reference = interpolate(reference)
    if "@sha256:" in reference:
        return None
    last_part = reference.rsplit("/", 1)[-1]
    if ":" not in last_part:
        return f"{reference!r} has no tag (means :latest)"
    tag = last_part.split(":", 1)[1]
    if not tag:
        return f"{reference!r} has an empty tag"
    if tag == "latest":
        return f"{reference!r} uses :latest"
    return None


def dockerfile_instructions(text: str) -> list[tuple[str, str]]:
    """``(INSTRUCTION, arguments)`` pairs, with line continuations joined and comments dropped."""
    instructions: list[tuple[str, str]] = []
    pending = ""
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        if stripped.endswith("\\"):
            pending += stripped[:-1] + " "
            continue
        full = pending + stripped
        pending = ""
        keyword, _, arguments = full.partition(" ")
        instructions.append((keyword.upper(), arguments.strip()))
    if pending.strip():
        keyword, _, arguments = pending.strip().partition(" ")
        instructions.append((keyword.upper(), arguments.strip()))
    return instructions


def command_words(arguments: str) -> list[str]:
    """The words of a CMD/ENTRYPOINT in exec (JSON) or shell form."""
    if arguments.startswith("["):
        return [str(word) for word in json.loads(arguments)]
    return arguments.split()


# --- rules: each returns a list of problems -----------------------------------------------


def missing_dependencies(compose: Compose) -> list[str]:
    services = compose.get("services") or {}
    return [
        f"{name} depends on undefined service {dependency!r}"
        for name, service in services.items()
        for dependency in depends_on(service)
        if dependency not in services
    ]


def unhealthy_services(compose: Compose) -> list[str]:
    """Each service has a healthcheck, or depends (only) on others with service_healthy."""
    problems = []
    services = compose.get("services") or {}
    for name, service in services.items():
        dependencies = depends_on(service)
        if has_healthcheck(service):
            continue
        if not dependencies:
            problems.append(f"{name} has no healthcheck and no healthy dependency")
        elif any(condition != "service_healthy" for condition in dependencies.values()):
            problems.append(f"{name} has no healthcheck and a dependency not service_healthy")
    for name, service in services.items():
        for dependency, condition in depends_on(service).items():
            target = services.get(dependency)
            if (
                condition == "service_healthy"
                and target is not None
                and not has_healthcheck(target)
            ):
                problems.append(
                    f"{name} waits for {dependency} to be healthy; it has no healthcheck"
                )
    return problems


def unpinned_images(compose: Compose) -> list[str]:
    problems = []
    for name, service in (compose.get("services") or {}).items():
        if "image" in service:
            problem = image_reference_problem(str(service["image"]))
            if problem:
                problems.append(f"{name}: {problem}")
        elif "build" not in service:
            problems.append(f"{name} has neither image nor build")
    return problems


def missing_urls(compose: Compose, service_name: str) -> list[str]:
    """DATABASE_URL and REDIS_URL are set explicitly and point at the database host the service
    should use (``DATABASE_HOSTS``) and the redis service, the Redis URL with its password."""
    services = compose.get("services") or {}
    env = environment(services.get(service_name) or {})
    problems = []
    redis_url = urlsplit(interpolate(env.get("REDIS_URL", "")))
    if env.get("REDIS_URL") and redis_url.password != "REDIS_PASSWORD":
        problems.append(f"{service_name} REDIS_URL carries no password from REDIS_PASSWORD")
    for variable, scheme, host in (
        ("DATABASE_URL", "postgres", DATABASE_HOSTS.get(service_name, "db")),
        ("REDIS_URL", "redis", "redis"),
    ):
        value = env.get(variable)
        if not value:
            problems.append(f"{service_name} lacks {variable} in environment")
            continue
        url = urlsplit(interpolate(value))
        if not url.scheme.startswith(scheme):
            problems.append(f"{service_name} {variable} scheme {url.scheme!r} is not {scheme}")
        if url.hostname != host or host not in services:
            problems.append(
                f"{service_name} {variable} host {url.hostname!r} is not service {host}"
            )
    return problems


def undeclared_volumes(compose: Compose) -> list[str]:
    declared = set((compose.get("volumes") or {}).keys())
    return [
        f"{name} mounts undeclared named volume {source!r}"
        for name, service in (compose.get("services") or {}).items()
        for kind, source, _target in volume_mounts(service)
        if kind == "volume" and source and source not in declared
    ]


def dockerfile_problems(text: str) -> list[str]:
    instructions = dockerfile_instructions(text)
    problems = []
    bases = [arguments.split()[0] for keyword, arguments in instructions if keyword == "FROM"]
    if not bases:
        problems.append("no FROM")
    for base in bases:
        problem = image_reference_problem(base)
        if problem:
            problems.append(f"FROM {problem}")
    launch = [arguments for keyword, arguments in instructions if keyword in ("CMD", "ENTRYPOINT")]
    if not launch:
        problems.append("no CMD or ENTRYPOINT")
    else:
        words = " ".join(word for arguments in launch for word in command_words(arguments))
        if "zi_portal.wsgi" not in words:
            problems.append("CMD/ENTRYPOINT does not start zi_portal.wsgi")
    users = [arguments for keyword, arguments in instructions if keyword == "USER"]
    if not users or users[-1].split(":")[0] in ("root", "0"):
        problems.append("the image runs as root")
    return problems


# --- fixtures ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def compose() -> Compose:
    with COMPOSE_FILE.open(encoding="utf-8") as handle:
        data = yaml.safe_load(handle)
    assert isinstance(data, dict), "docker-compose.yml is not a mapping"
    return data


@pytest.fixture(scope="module")
def services(compose: Compose) -> dict[str, Any]:
    return compose["services"]


@pytest.fixture(scope="module")
def dockerfile_text() -> str:
    return DOCKERFILE.read_text(encoding="utf-8")


# --- the real files ------------------------------------------------------------------------


def test_compose_defines_the_expected_services(services: dict[str, Any]) -> None:
    assert EXPECTED_SERVICES <= set(services)


def test_every_dependency_is_a_defined_service(compose: Compose) -> None:
    assert missing_dependencies(compose) == []


def test_every_service_is_healthchecked_or_waits_for_healthy_dependencies(compose: Compose) -> None:
    assert unhealthy_services(compose) == []


def test_django_services_start_only_after_the_migrations_the_bucket_and_healthy_pgbouncer_and_redis(
    services: dict[str, Any],
) -> None:
    for name in DJANGO_SERVICES:
        assert depends_on(services[name]) == {
            "migrate": "service_completed_successfully",
            "minio-init": "service_completed_successfully",
            "pgbouncer": "service_healthy",
            "redis": "service_healthy",
        }
    assert depends_on(services["migrate"]) == {"db": "service_healthy", "redis": "service_healthy"}
    assert depends_on(services["pgbouncer"]) == {"db": "service_healthy"}


def test_images_are_pinned(compose: Compose) -> None:
    assert unpinned_images(compose) == []


@pytest.mark.parametrize("service_name", [*DJANGO_SERVICES, "migrate"])
def test_django_services_get_database_and_redis_urls(compose: Compose, service_name: str) -> None:
    assert missing_urls(compose, service_name) == []


@pytest.mark.parametrize("service_name", [*DJANGO_SERVICES, "migrate"])
def test_django_services_use_env_file_and_prod_settings(
    services: dict[str, Any], service_name: str
) -> None:
    service = services[service_name]
    env_files = service.get("env_file")
    env_files = [env_files] if isinstance(env_files, str) else env_files or []
    assert ".env" in [entry if isinstance(entry, str) else entry.get("path") for entry in env_files]
    assert environment(service).get("DJANGO_SETTINGS_MODULE") == "zi_portal.settings.prod"


def test_named_volumes_are_declared(compose: Compose) -> None:
    assert undeclared_volumes(compose) == []


def storage_problems(compose: Compose, service_name: str) -> list[str]:
    """A service that stores files names the MinIO bucket in STORAGE_URL (a URL the settings
    accept), and starts only after minio-init created the bucket; MinIO is pinned to a release,
    healthchecked, keeps its data on a declared volume and is not published."""
    services = compose.get("services") or {}
    service = services.get(service_name) or {}
    problems = []
    raw = environment(service).get("STORAGE_URL", "")
    try:
        config = parse_storage_url(interpolate(raw))
    except InvalidStorageURL as exc:
        return [f"{service_name} STORAGE_URL refused: {exc}"]
    if config.backend != "s3":
        problems.append(f"{service_name} STORAGE_URL is not an s3:// bucket")
    elif urlsplit(config.endpoint_url).hostname != "minio" or "minio" not in services:
        problems.append(f"{service_name} STORAGE_URL endpoint is not the minio service")
    if depends_on(service).get("minio-init") != "service_completed_successfully":
        problems.append(f"{service_name} does not wait for minio-init to complete")
    minio, init = services.get("minio") or {}, services.get("minio-init") or {}
    for name, image in (("minio", minio.get("image", "")), ("minio-init", init.get("image", ""))):
        if not str(image).partition(":")[2].startswith("RELEASE."):
            problems.append(f"{name} image {image!r} is not pinned to a RELEASE tag")
    if not has_healthcheck(minio):
        problems.append("minio has no healthcheck")
    if depends_on(init).get("minio") != "service_healthy":
        problems.append("minio-init does not wait for a healthy minio")
    if init.get("restart", "no") != "no":
        problems.append("minio-init is not one-shot")
    if not any(kind == "volume" and target == "/data" for kind, _source, target in volume_mounts(minio)):
        problems.append("minio keeps its data on no named volume")
    if minio.get("ports"):
        problems.append("minio is published; only the portal may reach the bucket")
    return problems


@pytest.mark.parametrize("service_name", ["web", "worker", "beat"])
def test_file_storage_is_the_minio_bucket(compose: Compose, service_name: str) -> None:
    assert storage_problems(compose, service_name) == []


@pytest.mark.parametrize(
    "breakage",
    [
        lambda c: c["services"]["web"]["environment"].pop("STORAGE_URL"),
        lambda c: c["services"]["web"]["environment"].update(STORAGE_URL="s3://Bad_Bucket"),
        lambda c: c["services"]["web"]["environment"].update(STORAGE_URL="s3://zi?endpoint_url=http://s3:9000"),
        lambda c: c["services"]["web"]["depends_on"].pop("minio-init"),
        lambda c: c["services"]["minio"].update(image="minio/minio:latest"),
        lambda c: c["services"]["minio-init"].update(image="minio/mc"),
        lambda c: c["services"]["minio"].pop("healthcheck"),
        lambda c: c["services"]["minio-init"].pop("depends_on"),
        lambda c: c["services"]["minio-init"].update(restart="always"),
        lambda c: c["services"]["minio"].pop("volumes"),
        lambda c: c["services"]["minio"].update(ports=["9000:9000"]),
    ],
    ids=["no-storage-url", "bad-storage-url", "not-minio", "no-wait-for-bucket", "minio-latest", "mc-untagged",
         "minio-unchecked", "init-before-minio", "init-restarts", "minio-no-volume", "minio-published"],
)
def test_storage_rule_catches_broken_compose(compose: Compose, breakage: Any) -> None:
    broken = copy.deepcopy(compose)
    web = broken["services"]["web"]
    web["environment"] = environment(web)
    breakage(broken)
    assert storage_problems(broken, "web")


def test_database_data_lives_on_the_pgdata_volume(services: dict[str, Any]) -> None:
    assert ("volume", "pgdata", "/var/lib/postgresql/data") in volume_mounts(services["db"])


def test_migrations_run_once_in_their_own_service_before_web_worker_and_beat(services: dict[str, Any]) -> None:
    migrate = services["migrate"]
    assert migrate["command"] == ["python", "manage.py", "migrate", "--noinput"]
    assert migrate["restart"] == "no"  # one-shot: exits 0, is not started again
    assert "healthcheck" not in migrate and "ports" not in migrate and "expose" not in migrate
    for name in DJANGO_SERVICES:
        assert depends_on(services[name])["migrate"] == "service_completed_successfully"
        command = services[name]["command"]
        assert "migrate" not in (command if isinstance(command, str) else " ".join(command))


def test_web_serves_the_wsgi_app_with_gthread_and_no_plain_access_log(services: dict[str, Any]) -> None:
    command = services["web"]["command"]
    text = command if isinstance(command, str) else " ".join(command)
    assert text.startswith("gunicorn zi_portal.wsgi:application")
    assert "--worker-class gthread" in text
    # bound to every address inside its container: the proxy reaches it over the compose network
    assert "--bind 0.0.0.0:8000" in text
    assert "--access-logfile" not in text  # each request is one JSON line from the portal itself


def test_web_healthcheck_requests_healthz(services: dict[str, Any]) -> None:
    test = services["web"]["healthcheck"]["test"]
    text = test if isinstance(test, str) else " ".join(test)
    assert "http://127.0.0.1:8000/healthz" in text
    assert "curl" not in text  # slim images have no curl


def test_celery_services_run_worker_and_beat(services: dict[str, Any]) -> None:
    for name, role in (("worker", "worker"), ("beat", "beat")):
        command = services[name]["command"]
        words = command.split() if isinstance(command, str) else command
        assert words[:3] == ["celery", "-A", "zi_portal"] and words[3] == role


def test_celery_time_limits_are_left_to_the_settings(services: dict[str, Any]) -> None:
    """The settings set both limits and derive Redis' visibility timeout from the hard one
    (tests/test_settings.py); a limit on the command line would override one and not the other."""
    words = services["worker"]["command"]
    assert not [word for word in words if "time-limit" in word]
    text = (ROOT / "zi_portal" / "settings" / "base.py").read_text(encoding="utf-8")
    assert 'CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=300)' in text
    assert '"visibility_timeout": 3 * CELERY_TASK_TIME_LIMIT' in text


# --- PgBouncer, Redis' password, log rotation -----------------------------------------------------


def pooling_problems(compose: Compose) -> list[str]:
    """PgBouncer pools transactions in front of db, and the services that use it tell Django so."""
    services = compose.get("services") or {}
    pgbouncer = services.get("pgbouncer")
    if pgbouncer is None:
        return ["no pgbouncer service"]
    problems = []
    env = environment(pgbouncer)
    if env.get("POOL_MODE") != "transaction":
        problems.append("pgbouncer does not pool transactions")
    if urlsplit(interpolate(env.get("DATABASE_URL", ""))).hostname != "db":
        problems.append("pgbouncer does not connect to db")
    if env.get("AUTH_TYPE") != "scram-sha-256":
        problems.append("pgbouncer does not authenticate with SCRAM (PostgreSQL 15's password format)")
    if not has_healthcheck(pgbouncer):
        problems.append("pgbouncer has no healthcheck")
    for name in DATABASE_HOSTS:
        service_env = environment(services.get(name) or {})
        through_pooler = urlsplit(interpolate(service_env.get("DATABASE_URL", ""))).hostname == "pgbouncer"
        if through_pooler != (service_env.get("DATABASE_POOLER") == "pgbouncer"):
            problems.append(f"{name}: DATABASE_POOLER does not say whether DATABASE_URL goes through pgbouncer")
    return problems


def redis_password_problems(compose: Compose) -> list[str]:
    """Redis requires the password from REDIS_PASSWORD (which compose refuses to run without), and
    its healthcheck authenticates with it."""
    redis = (compose.get("services") or {}).get("redis") or {}
    env = environment(redis)
    command = redis.get("command") or []
    text = command if isinstance(command, str) else " ".join(command)
    problems = []
    if "--requirepass" not in text or "$$REDIS_PASSWORD" not in text:
        problems.append("redis does not require the password")
    for variable in ("REDIS_PASSWORD", "REDISCLI_AUTH"):
        if not env.get(variable, "").startswith("${REDIS_PASSWORD:?"):
            problems.append(f"redis {variable} is not the required REDIS_PASSWORD")
    if not has_healthcheck(redis):
        problems.append("redis has no healthcheck")
    return problems


def unrotated_logs(compose: Compose) -> list[str]:
    """Every service logs to json-file with a size and a file count, so logs cannot fill the disk."""
    problems = []
    for name, service in (compose.get("services") or {}).items():
        logging_ = service.get("logging") or {}
        options = logging_.get("options") or {}
        if logging_.get("driver") != "json-file" or not options.get("max-size") or not options.get("max-file"):
            problems.append(f"{name} logs are not rotated (json-file with max-size and max-file)")
    return problems


@pytest.mark.parametrize("service_name", [*DJANGO_SERVICES, "migrate"])
def test_client_addresses_are_read_behind_the_terminator_and_nginx(services: dict[str, Any], service_name: str) -> None:
    assert interpolate(environment(services[service_name])["TRUSTED_PROXY_HOPS"]) == "2"


def test_pgbouncer_pools_transactions_for_the_django_services(compose: Compose) -> None:
    assert pooling_problems(compose) == []
    assert image_reference_problem(compose["services"]["pgbouncer"]["image"]) is None


def test_redis_requires_a_password(compose: Compose) -> None:
    assert redis_password_problems(compose) == []


def test_every_service_rotates_its_logs(compose: Compose) -> None:
    assert unrotated_logs(compose) == []
    assert compose["services"]["web"]["logging"]["options"] == {"max-size": "10m", "max-file": "5"}


def _set_env(service: str, **values: str):
    def breakage(c: Compose) -> None:
        env = environment(c["services"][service])
        env.update(values)
        c["services"][service]["environment"] = env

    return breakage


@pytest.mark.parametrize(
    ("rule", "breakage"),
    [
        (pooling_problems, lambda c: c["services"].pop("pgbouncer")),
        (pooling_problems, _set_env("pgbouncer", POOL_MODE="session")),
        (pooling_problems, _set_env("pgbouncer", AUTH_TYPE="md5")),
        (pooling_problems, _set_env("web", DATABASE_POOLER="")),
        (pooling_problems, _set_env("migrate", DATABASE_POOLER="pgbouncer")),
        (pooling_problems, lambda c: c["services"]["pgbouncer"].pop("healthcheck")),
        (redis_password_problems, lambda c: c["services"]["redis"].pop("command")),
        (redis_password_problems, _set_env("redis", REDIS_PASSWORD="${REDIS_PASSWORD:-}")),
        (redis_password_problems, lambda c: c["services"]["redis"]["environment"].pop("REDISCLI_AUTH")),
        (unrotated_logs, lambda c: c["services"]["db"].pop("logging")),
        (unrotated_logs, lambda c: c["services"]["worker"].update(logging={"driver": "json-file"})),
        (unrotated_logs, lambda c: c["services"]["proxy"].update(logging={"driver": "syslog", "options": {
            "max-size": "10m", "max-file": "5"}})),
    ],
    ids=["no-pgbouncer", "session-pooling", "md5-auth", "web-not-told", "migrate-told-wrongly",
         "pgbouncer-unchecked", "redis-open", "redis-password-optional", "healthcheck-unauthenticated",
         "db-unrotated", "worker-no-size", "proxy-syslog"],
)
def test_operations_rules_catch_broken_compose(compose: Compose, rule: Any, breakage: Any) -> None:
    broken = copy.deepcopy(compose)
    breakage(broken)
    assert rule(broken)


def test_dockerfile_is_pinned_non_root_and_starts_wsgi(dockerfile_text: str) -> None:
    assert dockerfile_problems(dockerfile_text) == []
    instructions = dockerfile_instructions(dockerfile_text)
    assert ("FROM", "python:3.11-slim-bookworm") in instructions
    launch = [arguments for keyword, arguments in instructions if keyword == "CMD"][-1]
    assert "gthread" in command_words(launch)


def test_env_example_documents_every_setting() -> None:
    keys = {
        line.split("=", 1)[0].strip()
        for line in ENV_EXAMPLE.read_text(encoding="utf-8").splitlines()
        if "=" in line and not line.lstrip().startswith("#")
    }
    assert {
        "SECRET_KEY",
        "ALLOWED_HOSTS",
        "DATABASE_URL",
        "REDIS_URL",
        "MEDIA_ROOT",
        "POSTGRES_PASSWORD",
        "EMAIL_URL",
        "DEFAULT_FROM_EMAIL",
        "CSRF_TRUSTED_ORIGINS",
        "REDIS_PASSWORD",
        "STORAGE_URL",
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
        "MINIO_ROOT_USER",
        "MINIO_ROOT_PASSWORD",
    } <= keys


# --- each rule catches a broken file ------------------------------------------------------


def _break_dependency(c: Compose) -> None:
    c["services"]["web"]["depends_on"]["cache"] = {"condition": "service_healthy"}


def _drop_worker_healthcheck_and_start_early(c: Compose) -> None:
    del c["services"]["worker"]["healthcheck"]
    c["services"]["worker"]["depends_on"]["redis"] = {"condition": "service_started"}


def _drop_beat_healthcheck_and_dependencies(c: Compose) -> None:
    del c["services"]["beat"]["healthcheck"]
    del c["services"]["beat"]["depends_on"]


def _wait_for_db_without_healthcheck(c: Compose) -> None:
    del c["services"]["db"]["healthcheck"]


def _disable_redis_healthcheck(c: Compose) -> None:
    c["services"]["redis"]["healthcheck"] = {"disable": True}


@pytest.mark.parametrize(
    ("rule", "breakage"),
    [
        (missing_dependencies, _break_dependency),
        (unhealthy_services, _drop_worker_healthcheck_and_start_early),
        (unhealthy_services, _drop_beat_healthcheck_and_dependencies),
        (unhealthy_services, _wait_for_db_without_healthcheck),
        (unhealthy_services, _disable_redis_healthcheck),
        (unpinned_images, lambda c: c["services"]["redis"].update(image="redis:latest")),
        (unpinned_images, lambda c: c["services"]["db"].update(image="postgres")),
        (unpinned_images, lambda c: c["services"]["web"].update(image="zi-portal:${ZI_TAG}")),
        (undeclared_volumes, lambda c: c["volumes"].pop("minio-data")),
        (undeclared_volumes, lambda c: c["services"]["worker"].setdefault("volumes", []).append("scratch:/tmp/x")),
    ],
    ids=[
        "unknown-dependency",
        "no-healthcheck-started-dependency",
        "no-healthcheck-no-dependency",
        "healthy-wait-on-unchecked-service",
        "disabled-healthcheck",
        "latest-tag",
        "no-tag",
        "tag-from-unset-variable",
        "undeclared-minio-data",
        "undeclared-extra-volume",
    ],
)
def test_rule_catches_broken_compose(compose: Compose, rule: Any, breakage: Any) -> None:
    broken = copy.deepcopy(compose)
    breakage(broken)
    assert rule(broken)


@pytest.mark.parametrize("service_name", ["web", "worker", "migrate"])
@pytest.mark.parametrize(
    "breakage",
    [
        lambda env: env.pop("DATABASE_URL"),
        lambda env: env.pop("REDIS_URL"),
        lambda env: env.update(DATABASE_URL="postgres://zi:pw@localhost:5432/zi"),
        lambda env: env.update(REDIS_URL="redis://:${REDIS_PASSWORD:?x}@cache:6379/0"),
        lambda env: env.update(REDIS_URL="redis://redis:6379/0"),
    ],
    ids=["no-database-url", "no-redis-url", "database-not-db-service", "redis-not-redis-service",
         "redis-without-password"],
)
def test_url_rule_catches_broken_environment(
    compose: Compose, service_name: str, breakage: Any
) -> None:
    broken = copy.deepcopy(compose)
    service = broken["services"][service_name]
    env = environment(service)
    breakage(env)
    service["environment"] = env
    assert missing_urls(broken, service_name)


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("zi_portal.wsgi:application", "other.wsgi:application"),
        ("USER zi", "USER root"),
        ("FROM python:3.11-slim-bookworm", "FROM python"),
    ],
    ids=["cmd-not-wsgi", "root-user", "unpinned-base"],
)
def test_dockerfile_rule_catches_broken_file(dockerfile_text: str, old: str, new: str) -> None:
    assert old in dockerfile_text
    assert dockerfile_problems(dockerfile_text.replace(old, new))


def test_interpolate_follows_compose_rules() -> None:
    assert interpolate("zi-portal:${TAG:-local}") == "zi-portal:local"
    assert interpolate("zi-portal:${TAG-}") == "zi-portal:"
    assert interpolate("postgres://zi:${PW:?set it}@db:5432/zi") == "postgres://zi:PW@db:5432/zi"
    assert interpolate("zi-portal:${TAG}") == "zi-portal:"
    assert interpolate("celery@$$HOSTNAME") == "celery@$HOSTNAME"


# --- the reverse proxy (nginx) ---------------------------------------------------------------
# A client that declares a body and trickles it must hold an nginx connection, not a gunicorn
# worker: gunicorn is not published, and the proxy buffers bodies with a size and a timeout.

PROXY_CONF = ROOT / "zi_portal" / "deploy" / "nginx.conf"
PROXY_CONF_TARGET = "/etc/nginx/conf.d/default.conf"
MIB = 1024 * 1024


@dataclass
class Directive:
    name: str
    args: list[str]
    block: list[Directive] | None = None


_NGINX_TOKEN = re.compile(r"""\s+|#[^\n]*|"((?:\\.|[^"\\])*)"|'((?:\\.|[^'\\])*)'|([{};])|([^\s{};"'#]+)""")


def parse_nginx(text: str) -> list[Directive]:
    """nginx configuration as nested directives; ``ValueError`` for what nginx would refuse to
    parse (an unterminated directive, unbalanced braces, a stray quote)."""
    stack: list[list[Directive]] = [[]]
    words: list[str] = []
    position = 0
    while position < len(text):
        match = _NGINX_TOKEN.match(text, position)
        if not match:
            raise ValueError(f"cannot read the configuration at character {position}")
        position = match.end()
        double, single, punctuation, word = match.groups()
        if double is not None or single is not None:
            words.append(double if double is not None else single)
        elif word is not None:
            words.append(word)
        elif punctuation == ";":
            if not words:
                raise ValueError("empty directive")
            stack[-1].append(Directive(words[0], words[1:]))
            words = []
        elif punctuation == "{":
            if not words:
                raise ValueError("block without a name")
            directive = Directive(words[0], words[1:], [])
            stack[-1].append(directive)
            stack.append(directive.block)
            words = []
        elif punctuation == "}":
            if words or len(stack) == 1:
                raise ValueError("unexpected '}'")
            stack.pop()
    if words or len(stack) != 1:
        raise ValueError("unterminated directive or block at the end")
    return stack[0]


def directives(tree: list[Directive], name: str) -> list[Directive]:
    """Every directive called ``name``, at any depth."""
    found = []
    for directive in tree:
        if directive.name == name:
            found.append(directive)
        if directive.block:
            found.extend(directives(directive.block, name))
    return found


def seconds(value: str) -> int:
    units = {"s": 1, "m": 60, "h": 3600}
    return int(value[:-1]) * units[value[-1]] if value[-1] in units else int(value)


def proxy_compose_problems(compose: Compose) -> list[str]:
    """Only the proxy is published; it is a pinned nginx with our configuration, started after
    web is healthy; web is reachable on the compose network."""
    services = compose.get("services") or {}
    proxy = services.get("proxy")
    if proxy is None:
        return ["no proxy service"]
    problems = [
        f"{name} publishes ports" for name, service in services.items() if name != "proxy" and "ports" in service
    ]
    if not str(proxy.get("image", "")).startswith("nginx:"):
        problems.append("proxy is not the official nginx image")
    if not proxy.get("ports"):
        problems.append("proxy publishes no port")
    elif not all(str(port).endswith(":80") for port in proxy["ports"]):
        problems.append("proxy does not publish nginx's port 80")
    mounts = [entry for entry in proxy.get("volumes") or [] if isinstance(entry, str)]
    conf_mount = f"./{PROXY_CONF.relative_to(ROOT)}:{PROXY_CONF_TARGET}:ro"
    if conf_mount not in mounts:
        problems.append(f"proxy does not mount {conf_mount}")
    if depends_on(proxy).get("web") != "service_healthy":
        problems.append("proxy does not wait for a healthy web")
    if "8000" not in [str(port) for port in (services.get("web") or {}).get("expose") or []]:
        problems.append("web does not expose 8000 to the proxy")
    return problems


def proxy_conf_problems(text: str, max_body_mb: int) -> list[str]:
    """The configuration parses and buffers requests to web:8000 with a body limit and timeout."""
    try:
        tree = parse_nginx(text)
    except ValueError as exc:
        return [f"does not parse: {exc}"]
    problems = []
    servers = directives(tree, "server")
    listens = [d.args for d in directives(servers[0].block, "listen")] if len(servers) == 1 else []
    if listens != [["80", "default_server"]]:
        return ["not exactly one server, listening on port 80 as default_server"]
    server = servers[0].block

    def value(name: str) -> list[str] | None:
        found = [d.args for d in directives(server, name)]
        return found[0] if len(found) == 1 else None

    if value("client_max_body_size") != [f"{max_body_mb}m"]:
        problems.append(f"client_max_body_size is not {max_body_mb}m: {value('client_max_body_size')}")
    for name, limit in (("client_body_timeout", 60), ("client_header_timeout", 60)):
        args = value(name)
        if not args or not 0 < seconds(args[0]) <= limit:
            problems.append(f"{name} is not set to at most {limit}s")
    if value("proxy_request_buffering") != ["on"] or value("proxy_buffering") != ["on"]:
        problems.append("request or response buffering is not on")
    variables = {d.args[0]: d.args[1] for d in directives(server, "set")}
    targets = [variables.get(d.args[0], d.args[0]) for d in directives(server, "proxy_pass")]
    if targets != ["http://web:8000"]:
        problems.append(f"proxy_pass is not http://web:8000: {targets}")
    headers = {d.args[0].lower(): d.args[1] for d in directives(server, "proxy_set_header")}
    if headers.get("host") != "$http_host":
        problems.append("Host is not passed with its port ($http_host)")
    proto = headers.get("x-forwarded-proto", "")
    maps = {d.args[1]: d for d in directives(tree, "map") if d.args[0] == "$http_x_forwarded_proto"}
    entries = {d.name: d.args for d in (maps[proto].block if proto in maps else [])}
    if entries != {"default": ["$scheme"], "https": ["https"]}:
        problems.append("X-Forwarded-Proto is not 'https' from the terminator in front, else $scheme")
    return problems


@pytest.fixture(scope="module")
def proxy_conf() -> str:
    return PROXY_CONF.read_text(encoding="utf-8")


def largest_upload_request_mb() -> int:
    return -(-max_request_bytes() // MIB)


def test_only_the_proxy_is_published_and_gunicorn_is_exposed(compose: Compose) -> None:
    assert proxy_compose_problems(compose) == []
    assert "ports" not in compose["services"]["web"]


def loopback_problems(compose: Compose) -> list[str]:
    """Unless the operator says otherwise, the one published port listens on 127.0.0.1 only."""
    ports = [interpolate(str(port)) for port in (compose["services"].get("proxy") or {}).get("ports") or []]
    return [f"proxy publishes {port} beyond 127.0.0.1" for port in ports if not port.startswith("127.0.0.1:")]


def test_the_portal_is_published_on_loopback_by_default(compose: Compose) -> None:
    assert loopback_problems(compose) == []
    assert compose["services"]["proxy"]["ports"] == ["${ZI_PORTAL_HTTP_PORT:-127.0.0.1:8000}:80"]


@pytest.mark.parametrize("port", ["8000:80", "0.0.0.0:8000:80", "${ZI_PORTAL_HTTP_PORT:-8000}:80"])
def test_loopback_rule_catches_a_port_on_every_address(compose: Compose, port: str) -> None:
    broken = copy.deepcopy(compose)
    broken["services"]["proxy"]["ports"] = [port]
    assert loopback_problems(broken)


def test_proxy_configuration_buffers_bodies_with_a_limit_and_a_timeout(proxy_conf: str) -> None:
    assert largest_upload_request_mb() == 501  # 25 MB x 20 files + 1 MB: the documented defaults
    assert proxy_conf_problems(proxy_conf, largest_upload_request_mb()) == []


def test_proxy_healthcheck_requests_a_path_nginx_answers(services: dict[str, Any], proxy_conf: str) -> None:
    test = services["proxy"]["healthcheck"]["test"]
    assert test[0] == "CMD" and "wget" in test and "curl" not in test
    [url] = [word for word in test if word.startswith("http://")]
    path = urlsplit(url).path
    [location] = [d for d in directives(parse_nginx(proxy_conf), "location") if d.args == ["=", path]]
    assert [d.args for d in location.block if d.name == "return"] == [["200", "ok\\n"]]


def test_proxy_passes_a_request_id_and_logs_json_lines(proxy_conf: str) -> None:
    tree = parse_nginx(proxy_conf)
    [request_id] = [d for d in directives(tree, "map") if d.args == ["$http_x_request_id", "$zi_request_id"]]
    assert {d.name: d.args for d in request_id.block} == {"default": ["$http_x_request_id"], "": ["$request_id"]}
    headers = {d.args[0]: d.args[1] for d in directives(tree, "proxy_set_header")}
    assert headers["X-Request-ID"] == "$zi_request_id"
    [log_format] = directives(tree, "log_format")
    assert log_format.args[:2] == ["zi_json", "escape=json"]
    sample = "".join(log_format.args[2:])
    for variable in re.findall(r"\$\w+", sample):  # a line as nginx writes it, numbers for numbers
        sample = sample.replace(variable, "0" if variable in ("$status", "$request_time", "$body_bytes_sent") else "x")
    assert set(json.loads(sample)) == {"time", "level", "logger", "request_id", "method", "path", "status",
                                       "duration_s", "upstream_s", "bytes", "client"}
    [server] = directives(tree, "server")
    assert [d.args for d in server.block if d.name == "access_log"] == [["/dev/stdout", "zi_json"]]


def test_dockerfile_collects_static_files_with_throwaway_settings(dockerfile_text: str) -> None:
    [collect] = [args for keyword, args in dockerfile_instructions(dockerfile_text)
                 if keyword == "RUN" and "collectstatic" in args]
    for variable in ("SECRET_KEY=", "ALLOWED_HOSTS=", "DATABASE_URL="):
        assert variable in collect.split("python manage.py collectstatic")[0]
    launch = [args for keyword, args in dockerfile_instructions(dockerfile_text) if keyword == "CMD"][-1]
    assert "--access-logfile" not in command_words(launch)


def test_prod_settings_trust_the_header_the_proxy_sets() -> None:
    text = (ROOT / "zi_portal" / "settings" / "prod.py").read_text(encoding="utf-8")
    assert 'SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")' in text


@pytest.mark.parametrize(
    "breakage",
    [
        lambda c: c["services"]["web"].update(ports=["8000:8000"]),
        lambda c: c["services"].pop("proxy"),
        lambda c: c["services"]["proxy"].update(image="zi-portal:local"),
        lambda c: c["services"]["proxy"].update(volumes=[]),
        lambda c: c["services"]["proxy"].pop("depends_on"),
        lambda c: c["services"]["web"].pop("expose"),
        lambda c: c["services"]["db"].update(ports=["5432:5432"]),
    ],
    ids=["web-published", "no-proxy", "not-nginx", "no-config", "starts-before-web", "web-not-exposed",
         "db-published"],
)
def test_proxy_compose_rule_catches_breakage(compose: Compose, breakage: Any) -> None:
    broken = copy.deepcopy(compose)
    breakage(broken)
    assert proxy_compose_problems(broken)


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("client_max_body_size 501m;", "client_max_body_size 0;"),
        ("client_max_body_size 501m;", ""),
        ("client_body_timeout 30s;", ""),
        ("client_body_timeout 30s;", "client_body_timeout 10m;"),
        ("proxy_request_buffering on;", "proxy_request_buffering off;"),
        ("proxy_set_header X-Forwarded-Proto $zi_forwarded_proto;",
         "proxy_set_header X-Forwarded-Proto $http_x_forwarded_proto;"),
        ("    https   https;\n", "    ~.      $http_x_forwarded_proto;\n"),
        ("proxy_set_header Host $http_host;", "proxy_set_header Host $host;"),
        ("set $zi_upstream http://web:8000;", "set $zi_upstream http://db:5432;"),
        ("    location / {", "    location / {{"),
        ("proxy_read_timeout 75s;", "proxy_read_timeout 75s"),
        ('return 200 "ok\\n";', 'return 200 "ok\\n;'),
    ],
    ids=["no-body-limit", "default-body-limit", "no-body-timeout", "long-body-timeout", "unbuffered",
         "client-proto-passed", "client-proto-mapped", "host-without-port", "wrong-upstream",
         "unbalanced-brace", "missing-semicolon", "stray-quote"],
)
def test_proxy_conf_rule_catches_broken_file(proxy_conf: str, old: str, new: str) -> None:
    assert old in proxy_conf
    assert proxy_conf_problems(proxy_conf.replace(old, new), 501)
