"""`tenken sim carriers`: the carrier simulator in the foreground, for training and QA pipelines."""

from __future__ import annotations

from pathlib import Path

import click

from tenken.errors import SimulatorError
from tenken.sim.carriers import FAULTS, CarrierSimulator, Rules
from tenken.sim.carriers.rules import bundled_rules, parse_carrier, parse_fault


@click.command(name="carriers")
@click.option("--port", type=int, default=8080, show_default=True, help="Port on 127.0.0.1 (0 = any free).")
@click.option(
    "--rules", "rules_path", type=click.Path(dir_okay=False, path_type=Path), help="Rules TOML file."
)
@click.option(
    "--fault",
    "faults",
    multiple=True,
    metavar="CARRIER=MODE",
    help=f"Make a site misbehave: MODE is one of {', '.join(FAULTS)} (repeatable).",
)
def command(port: int, rules_path: Path | None, faults: tuple[str, ...]) -> None:
    """Serve docomo, au, SoftBank and Rakuten checkers on 127.0.0.1 at their real paths.

    Without --rules, the bundled phones get the answers `tenken demo` shows (the bundled rules file);
    for any other IMEI the second-to-last digit picks the carrier that sold it (0-2 docomo, 3-5 au,
    6-7 SoftBank, 8 Rakuten, 9 none) and the third-to-last its mark (7 △, 8 ×, otherwise ○); every
    other carrier answers −.
    """
    rules = Rules.load(rules_path or bundled_rules())
    for item in faults:
        carrier_name, _, mode = item.partition("=")
        rules.faults[parse_carrier(carrier_name, "--fault")] = parse_fault(mode, "--fault")
    try:
        simulator = CarrierSimulator(rules, port=port)
    except OSError as error:
        raise SimulatorError(f"cannot listen on 127.0.0.1:{port}: {error.strerror}") from None
    click.echo(f"carrier simulator on {simulator.origin}  (Ctrl-C to stop)")
    click.echo("point tenken at it with:")
    for name, value in simulator.env().items():
        click.echo(f"  export {name}={value}")
    try:
        simulator.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        simulator.close()
