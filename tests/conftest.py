"""Shared fixtures: the carrier simulator on a real socket and settings pointing at it."""

from __future__ import annotations

import contextlib
import io
import uuid
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner

from tenken import config
from tenken.config import Settings
from tenken.facts import Carrier
from tenken.sim.carriers import CarrierSimulator

_SESSION_POSTGRES: list[object] = []


def pytest_configure(config: pytest.Config) -> None:
    """The PostgreSQL tests always run: against TENKEN_TEST_POSTGRES_URL (CI's server), else a private
    server this session starts (tests/postgres.py); without PostgreSQL installed the run stops here."""
    import os

    from tests.postgres import PrivateServer, needed_binaries

    if os.environ.get("TENKEN_TEST_POSTGRES_URL"):
        return
    try:
        server = PrivateServer(needed_binaries())
        server.start()
    except RuntimeError as error:
        raise pytest.UsageError(str(error)) from None
    _SESSION_POSTGRES.append(server)
    os.environ["TENKEN_TEST_POSTGRES_URL"] = server.url


def pytest_unconfigure(config: pytest.Config) -> None:
    for server in _SESSION_POSTGRES:
        server.close()  # type: ignore[attr-defined]


SHARED = Path(__file__).resolve().parents[1].parent / "shared"

# Valid test vectors from ../shared/docs/carriers-jp.md, plus synthetic ones built for the simulator's
# deterministic default (second-to-last digit → seller, third-to-last → mark).
VALID_IMEIS = ("490154203237518", "354178036859789", "356868000041418", "352099001761481")


@pytest.fixture(autouse=True, scope="session")
def no_real_carrier_sites() -> Iterator[None]:
    """Every test, and every process a test starts, asks a dead local port unless the test points tenken
    at the carrier simulator: a test that forgot can never reach a real carrier's site."""
    import os

    dead = {f"TENKEN_LOOKUP_{carrier.name}_ORIGIN": "http://127.0.0.1:9" for carrier in Carrier}
    dead["TENKEN_LOOKUP_RETRIES"] = "0"  # and it learns so at once
    saved = {name: os.environ.get(name) for name in dead}
    os.environ.update(dead)
    yield
    for name, value in saved.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value


@pytest.fixture
def carrier_sim() -> Iterator[CarrierSimulator]:
    with CarrierSimulator() as simulator:
        yield simulator


def fast_env(simulator: CarrierSimulator, tmp_path: Path) -> dict[str, str]:
    """Environment for a test run: the simulator's origins, no spacing, short timeouts, a private DB."""
    return {
        **simulator.env(),
        "TENKEN_LOOKUP_SPACING": "0",
        "TENKEN_LOOKUP_TIMEOUT": "2",
        "TENKEN_LOOKUP_RETRIES": "1",
        "TENKEN_LOOKUP_BACKOFF": "0.01",
        "TENKEN_LOOKUP_BACKOFF_MAX": "0.05",  # also caps a site's Retry-After
        "TENKEN_DB": str(tmp_path / "tenken.sqlite3"),
        "TENKEN_DATA_DIR": str(tmp_path / "data"),
        "TENKEN_CONFIG": "",
        "XDG_CONFIG_HOME": str(tmp_path / "xdg-config"),
        "COLUMNS": "200",  # rich wraps tables to the terminal; keep rows on one line for assertions
    }


@pytest.fixture
def sim_settings(carrier_sim: CarrierSimulator, tmp_path: Path) -> Settings:
    return config.load(environ=fast_env(carrier_sim, tmp_path))


@dataclass
class CliResult:
    exit_code: int
    stdout: str
    stderr: str


def run_cli(args: list[str], env: Mapping[str, str], stdin: str | None = None) -> CliResult:
    """Run `tenken ARGS` in-process through the real entry point (error handling included). A JSON
    document it prints is checked against its schema and type (tests/schemas.py)."""
    from tenken.cli import main
    from tests.schemas import check_output

    runner = CliRunner()
    code = 0
    with runner.isolation(input=stdin, env=dict(env)) as (out, err, _):
        try:
            main(args)
        except SystemExit as stop:
            code = stop.code if isinstance(stop.code, int) else 1
        stdout = out.getvalue().decode()
        stderr = err.getvalue().decode() if isinstance(err, io.BytesIO) else ""
    check_output(args, code, stdout)
    return CliResult(code, stdout, stderr)


# Rich markup and raw terminal control a phone or a page may carry (the carrier simulator's `hostile`
# fault serves tenken.sim.carriers.pages.HOSTILE_TEXT, written the same way).
MARKUP = "[red]R[/] [link=file:///etc/passwd]L[/link]"
ESCAPES = "\x1b[2J\x1b]0;pwned\x07\x1b]8;;http://example.invalid/\x1b\\x\x1b]8;;\x1b\\\x9b31m"
CONTROL = ("\x1b", "\x07", "\x9b")


def assert_inert(output: str, markup: str) -> None:
    """Nothing in `output` acts on a terminal: `markup` is shown as written (rich did not take it), and no
    ESC, BEL or C1 CSI is left (they are shown as `\\x1b`…)."""
    assert markup in output, output
    assert not [char for char in CONTROL if char in output]
    assert "\\x1b]0;pwned\\x07" in output  # the OSC 0 sequence, made visible


def text(value: object) -> str:
    """The English words of a Message, or of the JSON object a Message became ({"code", "params", "text"})."""
    from tenken.facts import Message
    from tenken.report.labels import render

    if value is None:
        return ""
    if isinstance(value, dict):
        return str(value["text"])
    assert isinstance(value, Message), value
    return render(value, "en")


def resign_lookups(env: Mapping[str, str]) -> None:
    """Sign every stored answer again with the station's key, as if the station had kept it so: for tests
    that set a row's time in SQL to stage a history (a row edited without the key is, rightly, distrusted)."""
    import sqlalchemy as sa

    from tenken.store import open_store
    from tenken.store.rows import lookup_fields
    from tenken.store.schema import lookups

    with open_store(config.load(environ=dict(env))) as store, store.engine.begin() as connection:
        for row in connection.execute(sa.select(lookups)).mappings().all():
            signed_by, signature = store.keys.seal(lookup_fields(row))
            connection.execute(
                sa.update(lookups)
                .where(lookups.c.id == row["id"])
                .values(signed_by=signed_by, signature=signature)
            )


def copy_answers(env: Mapping[str, str], template: str, imeis: Sequence[str]) -> None:
    """Store for each IMEI the answers stored for `template`, as its carriers would have given them: the
    page names that IMEI (so it reads again as the same mark), fresh ids, signed by the station. Fills a
    cache of any size in seconds (tests and bench/bench_batch_memory.py)."""
    import hashlib
    from dataclasses import replace

    from tenken.store import open_store

    with open_store(config.load(environ=dict(env))) as store:
        answers = [answer for answer in store.lookup_history(template) if answer.evidence is not None]
        for start in range(0, len(imeis), 1000):
            copies = []
            for imei in imeis[start : start + 1000]:
                for answer in answers:
                    assert answer.evidence is not None
                    body = answer.evidence.body.replace(template.encode(), imei.encode())
                    digest = hashlib.sha256(body).hexdigest()
                    url = answer.evidence.url.replace(template, imei)
                    evidence = replace(answer.evidence, body=body, sha256=digest, url=url)
                    copies.append(replace(answer, imei=imei, evidence=evidence, record_id=uuid.uuid4().hex))
            store.save_lookups(copies)


@contextlib.contextmanager
def sim_carriers_cli(*faults: str) -> Iterator[str]:
    """`tenken sim carriers --port 0 --fault CARRIER=MODE …` in its own process, as a shop runs it; its
    origin (http://127.0.0.1:PORT)."""
    import subprocess
    import sys

    args = [sys.executable, "-m", "tenken", "sim", "carriers", "--port", "0"]
    for fault in faults:
        args += ["--fault", fault]
    process = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        assert line.startswith("carrier simulator on "), (line, process.stderr and process.stderr.read())
        yield line.split()[3]
    finally:
        process.terminate()
        process.wait(10)


def env_for(origin: str, tmp_path: Path) -> dict[str, str]:
    """fast_env for a simulator running in another process at `origin`."""

    class _At:
        def env(self) -> dict[str, str]:
            return {f"TENKEN_LOOKUP_{carrier.name}_ORIGIN": origin for carrier in Carrier}

    return fast_env(_At(), tmp_path)  # type: ignore[arg-type]
