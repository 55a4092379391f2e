"""Run the simulator: ``python3 -m lib.simulator --port 8399 [--db PATH]``."""

import argparse
import contextlib
import logging

from . import API_PREFIX, CONTROL_PREFIX, TOKEN_PATH
from .clock import ManualClock
from .simulator import Settings, Simulator

_logger = logging.getLogger(__package__)


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        prog="python3 -m lib.simulator",
        description="Local simulator of the Urssaf API Tiers de Prestation.",
    )
    parser.add_argument("--host", default="127.0.0.1", help="default 127.0.0.1")
    parser.add_argument("--port", type=int, default=8399, help="default 8399")
    parser.add_argument("--db", help="SQLite file keeping the state (default: memory)")
    parser.add_argument(
        "--manual-clock",
        nargs="?",
        const="now",
        metavar="ISO",
        help="frozen clock starting at ISO (default: now), moved via /simulator/clock",
    )
    parser.add_argument(
        "--fast", action="store_true", help="demo delays of a few seconds"
    )
    parser.add_argument(
        "--token-lifetime",
        type=int,
        default=Settings.token_lifetime,
        help="seconds (default %(default)s)",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="debug logging")
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    settings = Settings.fast() if args.fast else Settings()
    settings.token_lifetime = args.token_lifetime
    clock = None
    if args.manual_clock:
        clock = ManualClock(None if args.manual_clock == "now" else args.manual_clock)
    sim = Simulator(db_path=args.db, clock=clock, settings=settings)
    server = sim.make_server(args.host, args.port)
    base = f"http://{args.host}:{server.server_port}"
    _logger.info(
        "Urssaf simulator on %s (token %s, API %s, control %s), clock %s, state %s",
        base,
        TOKEN_PATH,
        API_PREFIX,
        CONTROL_PREFIX,
        sim.clock_info(),
        args.db or "in memory",
    )
    try:
        with contextlib.suppress(KeyboardInterrupt):  # Ctrl-C is how it stops
            server.serve_forever()
    finally:
        server.server_close()
        sim.close()


if __name__ == "__main__":
    main()
