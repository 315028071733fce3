"""The board and the queue as JSON (`/api/board`, `/api/queue`, each `/events` message): codes for tools,
and beside them the words the page shows, in the page's language. Pure functions over station.view.

Code fields (a serial, an IMEI, a model id) are left as they are: tools read them exactly. The words the
page shows (`words`, `text`, `station`) have their control characters, C1 and bidi overrides included,
shown as escapes (report.inert.visible), as the templates show them on the first render: the page sets
them as text (textContent), and a tile looks the same after an update as before it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from tenken.facts import Message, msg
from tenken.inspection import Inspection, Level
from tenken.report.inert import visible
from tenken.report.labels import Lang, jst, label, name, render
from tenken.report.values import model_words
from tenken.station.view import Board, Fleet, Task, Tile

Titles = Mapping[str, Mapping[str, str]]  # channel → language → its short title (the policy's words)


def phone_words(tile: Tile, lang: Lang) -> str:
    """What the tile calls the phone: its model as a shop writes it, else its platform and the end of
    its id (nothing for a free port)."""
    if tile.inspection is not None:
        return inspection_words(tile.inspection, lang)
    if tile.platform is None:
        return ""
    return f"{name(tile.platform, lang)} {tile.device_id[-8:]}"


def inspection_words(inspection: Inspection, lang: Lang) -> str:
    facts = inspection.facts
    model = facts.model_name.value or facts.model_id.value
    shown = model_words(str(model), lang) if model else name(facts.ref.platform, lang)
    return f"{shown} [{inspection.stock_no}]" if inspection.stock_no else shown


def stage_words(tile: Tile, lang: Lang) -> str:
    if tile.stage == "done" and not tile.attached:
        return label("stage.removed", lang)  # its result stays; the phone has gone
    if tile.stage == "waiting" and tile.inspection is not None:
        return name(tile.inspection.facts.state, lang)  # waiting for Trust, unlock…
    return label(f"stage.{tile.stage}", lang)


def first_reason(inspection: Inspection | None, focus: str) -> str | None:
    """The condition of the first reason on the focus channel, unless the phone is sellable there."""
    verdict = inspection.verdicts.get(focus) if inspection is not None else None
    if verdict is None or not verdict.reasons or verdict.level is Level.SELLABLE:
        return None
    return verdict.reasons[0].condition


def tile_json(tile: Tile, lang: Lang, titles: Titles, focus: str) -> dict[str, Any]:
    """One port as `/api/board` and `/events` carry it (docs/schema/serve-board.schema.json)."""
    inspection = tile.inspection
    facts = inspection.facts if inspection is not None else None
    phone: dict[str, Any] | None = None
    if tile.platform is not None:
        model = facts.model_name.value or facts.model_id.value if facts is not None else None
        serial = facts.serial.value if facts is not None and facts.serial.known else None
        if serial is None and tile.platform.value == "android":
            serial = tile.device_id  # adb names a phone by its serial number from the first moment
        phone = {
            "platform": tile.platform.value,
            "device_id": tile.device_id,
            "model": str(model) if model else None,
            "serial": serial,
            "imei": facts.imei.value if facts is not None and facts.imei.known else None,
            "stock_no": inspection.stock_no or None if inspection is not None else None,
            "words": visible(phone_words(tile, lang)),
        }
    levels = {channel: level for channel in titles if (level := tile.level(channel)) is not None}
    reason = first_reason(inspection, focus)
    return {
        "port": tile.port,
        "location": tile.location,
        "phone": phone,
        "stage": tile.stage,
        "stage_words": stage_words(tile, lang),
        "attached": tile.attached,
        "seconds": round(tile.seconds, 1),
        "levels": {channel: level.value for channel, level in levels.items()},
        "level_words": {channel: name(level, lang) for channel, level in levels.items()},
        "first_reason": (
            {"code": reason, "text": label(f"cond.{reason}", lang)} if reason is not None else None
        ),
        "inspection_id": tile.inspection_id,
    }


def counts(tiles: Sequence[Tile], focus: str) -> dict[str, int]:
    """The footer: phones done (unplugged ones too), waiting for the technician, and the done ones by
    their level on the focus channel, each level on its own."""
    found: dict[str, int] = {"done": 0, "waiting": 0, **dict.fromkeys(Level, 0)}
    for tile in tiles:
        if tile.stage == "waiting":
            found["waiting"] += 1
        if tile.stage != "done":
            continue
        found["done"] += 1
        level = tile.level(focus)
        if level is not None:
            found[level] += 1
    return found


def footer_json(board: Board, lang: Lang) -> dict[str, Any]:
    health = board.health
    tally = counts(board.tiles, board.focus)
    return {
        "station": visible(health.station),
        "counts": tally,
        "count_words": [
            {"key": "done", "text": label("watch.done", lang), "count": tally["done"]},
            {"key": "waiting", "text": label("watch.waiting", lang), "count": tally["waiting"]},
            *(
                {"key": level.value, "text": name(level, lang), "count": tally[level]}
                for level in Level
                if tally[level]
            ),
        ],
        "kept": health.kept,
        "webhooks_sent": health.webhooks_sent,
        "queued": dict(health.queued),
        "problems": [said(problem, lang) for problem in health.problems],
    }


def board_json(board: Board, lang: Lang, titles: Titles) -> dict[str, Any]:
    """`/api/board`: every port in the board's order, the channels, the footer."""
    return {
        "focus": board.focus,
        "channels": {key: title.get(lang, key) for key, title in titles.items()},
        "ports": [tile_json(tile, lang, titles, board.focus) for tile in board.tiles],
        "footer": footer_json(board, lang),
    }


def task_json(task: Task, lang: Lang) -> dict[str, Any]:
    """One item of "needs the technician" (`/api/queue`)."""
    return {
        "inspection_id": task.inspection_id,
        "port": task.port,
        "since": task.since.isoformat(),
        "since_words": jst(task.since),
        "condition": task.condition,
        "condition_words": label(f"cond.{task.condition}", lang),
        "action": said(task.action, lang),
        "record": task.record,
        "answers": [{"imei": imei, "carrier": carrier.value} for imei, carrier in task.answers],
    }


def queue_json(board: Board, lang: Lang) -> dict[str, Any]:
    return {"tasks": [task_json(task, lang) for task in sorted(board.tasks, key=lambda task: task.since)]}


def said(message: Message, lang: Lang) -> dict[str, Any]:
    """A message as tenken's JSON writes one: code, parameters, and the words (here in the page's
    language)."""
    return {**message.to_json(), "text": visible(render(message, lang))}


def recorded_json(inspection: Inspection, lang: Lang, sha256: str | None) -> dict[str, Any]:
    """What `POST /api/phones/{id}/record` answers: the phone judged again."""
    return {
        "inspection_id": inspection.id,
        "levels": {channel: verdict.level.value for channel, verdict in inspection.verdicts.items()},
        "level_words": {
            channel: name(verdict.level, lang) for channel, verdict in inspection.verdicts.items()
        },
        "evidence_sha256": sha256,
        "said": said(msg("web.recorded"), lang),
    }


def fleet_json(day: Fleet, lang: Lang) -> dict[str, Any]:
    """`/api/fleet`: every station's phones today by level on the focus channel, the carriers' sites
    booked ahead, and what waits for people across the fleet."""
    return {
        "since": day.since.isoformat(),
        "focus": day.focus,
        "stations": [
            {
                "station": station.station,
                "phones": station.phones,
                "levels": dict(station.levels),
                "last": station.last.isoformat() if station.last else None,
                "unvouched": station.unvouched,
            }
            for station in day.stations
        ],
        "queues": {site: round(seconds, 1) for site, seconds in day.queues.items()},
        "waiting": [task_json(task, lang) for task in day.waiting],
    }
