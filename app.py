"""Social Media Policy Advisor: the command line and the one composition root.

python app.py chat                 talk to the bot in this terminal
python app.py chat --jsonl --user ID   one JSON line out for each line in (for scripts)
python app.py ask "QUESTION" [--json]  one answer
python app.py check                validate everything in content/
python app.py eval                 answer quality on the evaluation set
python app.py bench                turn and match latency, start-up time and memory
python app.py diagram              the flowchart as Mermaid, generated from the machine
python app.py fuzz --turns N --seed S   random and forged turns: crashes and impossible states
python app.py unanswered           questions the policy could not answer
python app.py records export --since DATE --format csv|jsonl   records for audit
python app.py records purge        delete what is older than RETENTION_DAYS
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import sys
from collections.abc import Callable, Coroutine
from datetime import date
from pathlib import Path
from typing import Any

from bot.core.content import Content
from bot.core.content.loader import load_content
from bot.core.errors import AdvisorError
from bot.settings import Settings, load_settings

LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s %(message)s"
Command = Callable[[argparse.Namespace, Settings], Coroutine[Any, Any, int]]


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="app.py", description="Social Media Policy Advisor")
    sub = parser.add_subparsers(dest="command", required=True)
    chat = sub.add_parser("chat", help="chat in this terminal")
    chat.add_argument("--jsonl", action="store_true", help="read and write one JSON line per turn")
    chat.add_argument("--user", default="console-user", help="the officer's id (state is kept per id)")
    ask = sub.add_parser("ask", help="answer one question")
    ask.add_argument("question")
    ask.add_argument("--json", action="store_true")
    sub.add_parser("check", help="validate the content folder")
    ev = sub.add_parser("eval", help="measure answer quality")
    ev.add_argument("--file", type=Path, default=None, help="evaluation set (YAML)")
    ev.add_argument(
        "--hurried",
        type=Path,
        action="append",
        default=[],
        help="also score this set in the hurried set's format (e.g. a held-out set); repeatable",
    )
    ev.add_argument(
        "--triage",
        type=Path,
        action="append",
        default=[],
        help="also score this set of posts in the triage set's format (e.g. a held-out set); repeatable",
    )
    ev.add_argument("--verbose", action="store_true", help="list every miss")
    bench = sub.add_parser("bench", help="measure turn and match latency, start-up time and memory")
    bench.add_argument("--turns", type=int, default=2000)
    bench.add_argument(
        "--entries", type=int, default=1000, help="FAQ size for the start-up and match benchmark"
    )
    bench.add_argument("--runs", type=int, default=5, help="app.py ask cold starts timed (the median)")
    bench.add_argument("--serve-turns", type=int, default=10_000, help="turns before serve's memory is read")
    bench.add_argument(
        "--skip-first-start", action="store_true", help="do not time the first start with that FAQ (training)"
    )
    bench.add_argument("--stored", type=int, default=10_000, help="conversations stored before timing")
    bench.add_argument(
        "--postgres",
        metavar="URL",
        default=None,
        help="also on this PostgreSQL server (in a scratch database it creates and drops)",
    )
    bench.add_argument("--slack", action="store_true", help="Slack slash-command throughput instead")
    bench.add_argument("--teams", action="store_true", help="Teams expectReplies throughput instead")
    bench.add_argument(
        "--seconds", type=float, default=4.0, help="with --slack or --teams: seconds per server per round"
    )
    bench.add_argument("--rounds", type=int, default=5, help="with --slack or --teams: rounds per server")
    fuzz = sub.add_parser("fuzz", help="random and forged turns: count crashes and impossible states")
    fuzz.add_argument("--turns", type=int, default=20_000)
    fuzz.add_argument("--seed", type=int, default=1)
    sub.add_parser("serve", help="run the HTTP server with every configured channel")
    package = sub.add_parser("teams-package", help="write the Teams app package (zip) to upload")
    package.add_argument("--out", type=Path, default=Path("teams-app.zip"))
    package.add_argument("--domain", default="advisor.example.gov.uk", help="the bot's public host name")
    report = sub.add_parser("report", help="records for managers and the Communications Team")
    report.add_argument("kind", choices=["induction"])
    report.add_argument(
        "--since", type=_date, default=None, help="only records started on or after YYYY-MM-DD"
    )
    report.add_argument("--format", choices=["table", "csv"], default="table")
    records = sub.add_parser("records", help="audit export and retention of kept records")
    records_sub = records.add_subparsers(dest="action", required=True)
    export = records_sub.add_parser("export", help="write records to standard output for audit")
    export.add_argument("--since", type=_date, default=None, help="only records from YYYY-MM-DD on")
    export.add_argument("--format", choices=["csv", "jsonl"], default="csv")
    export.add_argument("--kind", choices=["decisions", "inductions"], default="decisions")
    records_sub.add_parser("purge", help="delete records older than RETENTION_DAYS (default 365)")
    sub.add_parser("diagram", help="print the flowchart as Mermaid")
    sub.add_parser("unanswered", help="list questions the policy could not answer")
    return parser.parse_args(argv)


def _date(text: str) -> str:
    try:
        return date.fromisoformat(text).isoformat()
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from None


def content_of(settings: Settings) -> Content:
    return load_content(settings.content_dir, cache=settings.cache_dir)


async def cmd_chat(args: argparse.Namespace, settings: Settings) -> int:
    from bot.channels import console
    from bot.wiring import build_engine

    if not args.jsonl:  # the first start trains the matcher: a few seconds with nothing on screen
        print("starting...", file=sys.stderr, flush=True)
    engine = await build_engine(settings)
    try:
        sys.stdin.reconfigure(errors="replace")  # type: ignore[union-attr]
        if args.jsonl:
            await console.run_jsonl(engine, args.user, sys.stdin, sys.stdout)
        else:
            await console.run_interactive(engine, args.user, sys.stdout, sys.stdin)
    finally:
        await engine.store.close()
    return 0


async def cmd_ask(args: argparse.Namespace, settings: Settings) -> int:
    from bot.core.ask import answer_once

    result = answer_once(content_of(settings), args.question, cache=settings.cache_dir)
    print(json.dumps(result.as_json(), ensure_ascii=False) if args.json else result.as_text())
    return 0


async def cmd_check(args: argparse.Namespace, settings: Settings) -> int:
    from bot.core.adoption import warnings
    from bot.dashboard.templates import Pages

    content = content_of(settings)
    for warning in warnings(content):
        print(f"warning: {warning}", file=sys.stderr)
    Pages(settings.content_dir)  # the dashboard's pages compile
    print(
        f"content OK: {len(content.policy.sections)} policy sections, "
        f"{len(content.faq.entries)} FAQ entries, {len(content.flowchart.questions)} questions, "
        f"{len(content.flowchart.outcomes)} outcomes (version {content.about.version})"
    )
    return 0


async def cmd_eval(args: argparse.Namespace, settings: Settings) -> int:
    from tools.evaluate import run_eval

    return run_eval(
        content_of(settings),
        args.file,
        verbose=args.verbose,
        cache=settings.cache_dir,
        hurried=tuple(args.hurried),
        triage=tuple(args.triage),
    )


async def cmd_bench(args: argparse.Namespace, settings: Settings) -> int:
    if args.teams:
        from tools.bench_teams import run as run_teams

        await run_teams(seconds=args.seconds, rounds=args.rounds)
        return 0
    if args.slack:
        from tools.bench_slack import run

        await run(seconds=args.seconds, rounds=args.rounds)
        return 0
    from tools.bench import run_bench

    await run_bench(
        content_of(settings),
        settings,
        turns=args.turns,
        entries=args.entries,
        stored=args.stored,
        postgres=args.postgres,
        first_start=not args.skip_first_start,
        runs=args.runs,
        serve_turns=args.serve_turns,
    )
    return 0


async def cmd_fuzz(args: argparse.Namespace, settings: Settings) -> int:
    from tools.fuzz import run_fuzz

    result = await run_fuzz(content_of(settings), turns=args.turns, seed=args.seed)
    for example in result.examples:
        print(example, file=sys.stderr)
    print(f"turns {result.turns}, crashes {result.crashes}, impossible states {result.impossible}")
    return 1 if result.crashes or result.impossible else 0


async def cmd_diagram(args: argparse.Namespace, settings: Settings) -> int:
    from dialogs.flowchart import mermaid

    print(mermaid(content_of(settings).flowchart))
    return 0


async def cmd_serve(args: argparse.Namespace, settings: Settings) -> int:
    from bot.server import serve

    await serve(settings)
    return 0


async def cmd_teams_package(args: argparse.Namespace, settings: Settings) -> int:
    from bot.teams_package import write_package

    about = content_of(settings).about
    out = write_package(
        args.out,
        bot_id=settings.microsoft_app_id,
        bot_name=about.bot_name,
        council=about.council,
        domain=args.domain,
    )
    print(f"wrote {out}: upload it in Teams (Apps, Manage your apps, Upload an app)")
    return 0


async def cmd_report(args: argparse.Namespace, settings: Settings) -> int:
    from bot.reports import induction_report
    from bot.wiring import opened_store

    async with opened_store(settings) as store:
        print(induction_report(await store.inductions(since=args.since), args.format), end="")
    return 0


async def cmd_records(args: argparse.Namespace, settings: Settings) -> int:
    from bot import records
    from bot.wiring import opened_store

    async with opened_store(settings) as store:
        if args.action == "purge":
            cutoff = records.retention_cutoff(settings.retention_days)
            purged = await store.purge(cutoff)
            print(records.purge_summary(purged, settings.retention_days, cutoff))
        elif args.kind == "inductions":
            rows = [records.induction_row(r) for r in await store.inductions(since=args.since)]
            print(records.write_rows(rows, records.INDUCTION_COLUMNS, args.format), end="")
        else:
            rows = [records.decision_row(r) for r in await store.export(since=args.since)]
            print(records.write_rows(rows, records.DECISION_COLUMNS, args.format), end="")
    return 0


async def cmd_unanswered(args: argparse.Namespace, settings: Settings) -> int:
    from bot.wiring import opened_store

    async with opened_store(settings) as store:
        for item in await store.unanswered():
            print(f"{item.asked_at}\t{item.text}")
    return 0


COMMANDS: dict[str, Command] = {
    "chat": cmd_chat,
    "ask": cmd_ask,
    "check": cmd_check,
    "eval": cmd_eval,
    "bench": cmd_bench,
    "diagram": cmd_diagram,
    "fuzz": cmd_fuzz,
    "serve": cmd_serve,
    "records": cmd_records,
    "report": cmd_report,
    "teams-package": cmd_teams_package,
    "unanswered": cmd_unanswered,
}


def main(argv: list[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    try:
        settings = load_settings()
        logging.basicConfig(level=settings.log_level, format=LOG_FORMAT)
        return asyncio.run(COMMANDS[args.command](args, settings))
    except AdvisorError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # the reader went away (for example `| head`): nothing to tell
        return 0


if __name__ == "__main__":
    sys.exit(main())
