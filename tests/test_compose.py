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

ROOT = Path(__file__).resolve().parent.parent
COMPOSE_FILE = ROOT / "docker-compose.yml"
DOCKERFILE = ROOT / "Dockerfile"
ENV_EXAMPLE = ROOT / ".env.example"

DJANGO_SERVICES = ("web", "worker", "beat")
EXPECTED_SERVICES = {*DJANGO_SERVICES, "db", "redis"}

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
    """DATABASE_URL and REDIS_URL are set explicitly and point at the db and redis services."""
    services = compose.get("services") or {}
    env = environment(services.get(service_name) or {})
    problems = []
    for variable, scheme, host in (
        ("DATABASE_URL", "postgres", "db"),
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


def test_django_services_start_only_after_db_and_redis_are_healthy(
    services: dict[str, Any],
) -> None:
    for name in DJANGO_SERVICES:
        assert depends_on(services[name]) == {"db": "service_healthy", "redis": "service_healthy"}


def test_images_are_pinned(compose: Compose) -> None:
    assert unpinned_images(compose) == []


@pytest.mark.parametrize("service_name", DJANGO_SERVICES)
def test_django_services_get_database_and_redis_urls(compose: Compose, service_name: str) -> None:
    assert missing_urls(compose, service_name) == []


@pytest.mark.parametrize("service_name", DJANGO_SERVICES)
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


@pytest.mark.parametrize("service_name", ["web", "worker"])
def test_media_volume_is_shared_by_web_and_worker(
    services: dict[str, Any], service_name: str
) -> None:
    service = services[service_name]
    assert ("volume", "media", "/app/media") in volume_mounts(service)
    assert environment(service).get("MEDIA_ROOT") == "/app/media"


def test_database_data_lives_on_the_pgdata_volume(services: dict[str, Any]) -> None:
    assert ("volume", "pgdata", "/var/lib/postgresql/data") in volume_mounts(services["db"])


def test_web_migrates_then_serves_the_wsgi_app(services: dict[str, Any]) -> None:
    command = services["web"]["command"]
    text = command if isinstance(command, str) else " ".join(command)
    assert "migrate --noinput" in text
    assert "zi_portal.wsgi" in text
    assert text.index("migrate --noinput") < text.index("gunicorn")
    assert "--worker-class gthread" in text


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
        (undeclared_volumes, lambda c: c["volumes"].pop("media")),
        (undeclared_volumes, lambda c: c["services"]["worker"]["volumes"].append("scratch:/tmp/x")),
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
        "undeclared-media",
        "undeclared-extra-volume",
    ],
)
def test_rule_catches_broken_compose(compose: Compose, rule: Any, breakage: Any) -> None:
    broken = copy.deepcopy(compose)
    breakage(broken)
    assert rule(broken)


@pytest.mark.parametrize("service_name", ["web", "worker"])
@pytest.mark.parametrize(
    "breakage",
    [
        lambda env: env.pop("DATABASE_URL"),
        lambda env: env.pop("REDIS_URL"),
        lambda env: env.update(DATABASE_URL="postgres://zi:pw@localhost:5432/zi"),
        lambda env: env.update(REDIS_URL="redis://cache:6379/0"),
    ],
    ids=["no-database-url", "no-redis-url", "database-not-db-service", "redis-not-redis-service"],
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
