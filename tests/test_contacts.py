"""The council's contacts: each said as one short line from the content's templates, and
``app.py check`` listing, without failing, every value a council has still to fill in."""

from __future__ import annotations

import shutil
from pathlib import Path

import yaml

from bot.core.contacts import contact_line
from bot.core.content import Content
from tests.conftest import FIXTURE_CONTENT, CliRunner


def test_a_contact_is_one_line_of_its_name_ways_and_hours(content: Content) -> None:
    line = contact_line(content, "comms")
    assert line == (
        "Reach the Press Desk by phone on 01632 960001, mail to press@testshire.example, "
        "channel #press-desk - open weekdays 8am to 6pm"
    )
    assert "\n" not in line


def test_the_out_of_hours_route_is_added_only_when_asked_for(content: Content) -> None:
    assert "duty press officer" not in contact_line(content, "comms")
    line = contact_line(content, "comms", out_of_hours=True)
    assert line.endswith("After hours: the duty press officer on 07700 900001.")


def test_a_contact_says_only_the_ways_it_has(content: Content) -> None:
    assert contact_line(content, "legal") == "Reach Testshire Legal by mail to legal@testshire.example"
    assert contact_line(content, "safeguarding", out_of_hours=True) == (
        "Reach Testshire Safeguarding Hub by phone on 01632 960002, web https://intranet.testshire.example/safeguarding"
        " - open weekdays 9am to 5pm After hours: the emergency duty team on 01632 960099."
    )


def test_a_council_may_add_contacts_of_its_own(content: Content) -> None:
    assert contact_line(content, "libraries") == "Reach Testshire Libraries by phone on 01632 960010"


def test_filled_in_contacts_give_no_warning(cli: CliRunner) -> None:
    run = cli("check")
    assert run.returncode == 0
    assert "warning" not in run.stderr


def test_check_warns_once_per_placeholder_field_and_still_passes(cli: CliRunner, tmp_path: Path) -> None:
    folder = tmp_path / "content"
    shutil.copytree(FIXTURE_CONTENT, folder)
    path = folder / "contacts.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["contacts"]["comms"]["phone"] = "[phone number]"
    data["contacts"]["comms"]["out_of_hours"] = "call [out-of-hours number]"
    data["contacts"]["it"]["link"] = "[link to the portal]"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")

    run = cli("check", env={"CONTENT_DIR": str(folder)})

    assert run.returncode == 0, run.stderr
    assert run.stdout.startswith("content OK")
    warnings = run.stderr.strip().splitlines()
    assert warnings == [
        "warning: contacts.yaml: contacts.comms.phone: fill in the placeholder '[phone number]'",
        "warning: contacts.yaml: contacts.comms.out_of_hours: fill in the placeholder"
        " 'call [out-of-hours number]'",
        "warning: contacts.yaml: contacts.it.link: fill in the placeholder '[link to the portal]'",
    ]


def test_check_warns_when_the_contacts_make_an_outcome_too_long_and_still_passes(
    cli: CliRunner, tmp_path: Path
) -> None:
    folder = tmp_path / "content"
    shutil.copytree(FIXTURE_CONTENT, folder)
    path = folder / "contacts.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["contacts"]["comms"]["hours"] = "weekdays " + "and some weekends " * 30
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")

    run = cli("check", env={"CONTENT_DIR": str(folder)})

    assert run.returncode == 0, run.stderr
    warnings = run.stderr.strip().splitlines()
    assert len(warnings) == 10, "every outcome names the Press Desk"
    assert warnings[0].startswith("warning: flowchart.yaml: outcomes[0]: 'urgent_escalation' says ")
    assert warnings[0].endswith(
        "characters before its buttons (target 700): shorten its steps or its contacts"
    )
