"""The station's page: routes over station.view (the board, the queue, record) and web.sources (the
store's records, the users). Starlette, Jinja2 templates (autoescaped), server-sent events.

Safe by default: every response carries a CSP without inline script and `frame-ancestors 'none'`; the
session cookie is HttpOnly and SameSite=Strict; every POST carries the session's CSRF token (403
without); a carrier's raw page is served on its own URL under `Content-Security-Policy: sandbox`; only
the Host names the server was started for are answered (no DNS rebinding onto 127.0.0.1).
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup
from starlette.applications import Starlette
from starlette.datastructures import FormData, MutableHeaders, UploadFile
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response, StreamingResponse
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.templating import Jinja2Templates
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from tenken.catalog import checker_page
from tenken.errors import InputError, TenkenError
from tenken.facts import Carrier, Outcome, msg
from tenken.facts import Message as Said
from tenken.inspection import Inspection, Level
from tenken.report.inert import visible
from tenken.report.json_output import dumps
from tenken.report.labels import LANGS, Lang, jst, label, name, render
from tenken.report.values import via_words
from tenken.station.view import Board, Fleet, StationView, Task, Tile
from tenken.web import data
from tenken.web.auth import COOKIE, Sessions, verify_password
from tenken.web.sources import Accounts, Page, Records

CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
    "form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)
# A carrier's page, as it arrived: in a sandbox (an opaque origin, no script, no form, no plugin), fetching
# nothing (the page's own styles and inline images only).
SANDBOX = "sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'none'"
UPLOAD_LIMIT = 8 * 1024 * 1024  # a screenshot: a phone's full screen as PNG is 1-5 MB
FORM_OVERHEAD = 64 * 1024  # the form's other fields and the multipart boundaries
MAX_FILES = 8  # a screenshot, or a grade's photos (together within the upload limit)
IMAGES = {b"\x89PNG\r\n\x1a\n": ".png", b"\xff\xd8\xff": ".jpg"}
FACTS = ("sim-lock", "battery", "owner-lock", "mdm", "imei", "mark", "grade", "erasure")  # as `tenken record`
GRADED_BY_HAND = "grade_unknown"  # a phone the queue offers the grade form for, whatever its level
PING_SECONDS = 15.0
PUBLIC = ("/login", "/static/")  # what a visitor who is not logged in may ask for


@dataclass
class Site:
    """What the page serves and how."""

    view: StationView
    titles: data.Titles  # channel → language → the policy's short title
    lang: Lang = "ja"  # the page's language unless ?lang= says otherwise
    records: Records | None = None
    accounts: Accounts | None = None
    login: bool = False  # served beyond 127.0.0.1: every page but /login needs a user
    hosts: Sequence[str] = ("127.0.0.1", "localhost")  # the Host names answered
    os_user: str = "technician"  # who records what, when nobody is logged in
    fleet: bool = False  # the store is a fleet's shared database: /fleet shows every station's day
    handoff_headless: bool = False  # the assisted browser without a window (tests and CI only)
    handoff_wait: float = 300.0  # seconds the assisted browser waits for each answer
    upload_limit: int = UPLOAD_LIMIT
    sessions: Sessions = field(default_factory=Sessions)
    grades: Sequence[str] = ("S", "A", "B", "C", "J")  # the grade form's steps ([grade] scale)


# ---------------------------------------------------------------------------------------- changes


class Subscriber:
    """One `/events` client: the tiles changed since it last read, by port (a slow client gets the newest
    state of each port once, never a growing backlog)."""

    def __init__(self) -> None:
        self.pending: dict[str, Tile] = {}
        self.ready = asyncio.Event()
        self.closed = False

    def put(self, tiles: Sequence[Tile]) -> None:
        for tile in tiles:
            self.pending[tile.port] = tile
        self.ready.set()

    def close(self) -> None:
        self.closed = True
        self.ready.set()

    async def take(self, seconds: float) -> list[Tile] | None:
        """The changed tiles ([] after `seconds` with none), None once the station has stopped."""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self.ready.wait(), seconds)
        self.ready.clear()
        if self.closed and not self.pending:
            return None
        tiles, self.pending = list(self.pending.values()), {}
        return tiles


class Hub:
    """Follows the station's changes once and hands them to every `/events` client."""

    def __init__(self) -> None:
        self.subscribers: set[Subscriber] = set()
        self.stopped = False

    async def follow(self, view: StationView) -> None:
        try:
            async for tiles in view.changes():
                for subscriber in list(self.subscribers):
                    subscriber.put(tiles)
        finally:
            self.close()

    def close(self) -> None:
        self.stopped = True
        for subscriber in list(self.subscribers):
            subscriber.close()

    @contextlib.contextmanager
    def subscribed(self) -> Any:
        subscriber = Subscriber()
        if self.stopped:
            subscriber.close()
        self.subscribers.add(subscriber)
        try:
            yield subscriber
        finally:
            self.subscribers.discard(subscriber)


# ---------------------------------------------------------------------------------------- the guard


class Guard:
    """Every HTTP request: a session (a new one gets its cookie), the login when one is needed, the
    body's size bounded, and the security headers on every response."""

    def __init__(self, app: ASGIApp, site: Site) -> None:
        self.app = app
        self.site = site

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        sessions = self.site.sessions
        session = request.cookies.get(COOKIE)
        fresh = None
        if not sessions.known(session):
            session = fresh = sessions.new()
        scope.setdefault("state", {})["session"] = session

        async def headed(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                if "content-security-policy" not in headers:
                    headers["Content-Security-Policy"] = CSP
                headers["X-Content-Type-Options"] = "nosniff"
                headers["X-Frame-Options"] = "DENY"
                headers["Referrer-Policy"] = "no-referrer"
                headers.setdefault("Cache-Control", "no-store")
                if fresh is not None:
                    headers.append("Set-Cookie", session_cookie(fresh))
            await send(message)

        path = request.url.path
        refused: Response | None = None
        if self.site.login and not sessions.user(session) and not path.startswith(PUBLIC):
            wants_data = path.startswith(("/api/", "/events"))
            refused = (
                JSONResponse({"error": "login required"}, status_code=401)
                if wants_data
                else RedirectResponse("/login", status_code=303)
            )
        elif request.method == "POST":
            length = request.headers.get("content-length")
            if length is None or not length.isdigit():
                refused = Response(status_code=411)
            elif int(length) > self.site.upload_limit + FORM_OVERHEAD:
                refused = Response(status_code=413)
        if refused is not None:
            await refused(scope, receive, headed)
            return
        await self.app(scope, receive, headed)


def session_cookie(session: str, max_age: int | None = None) -> str:
    age = f"; Max-Age={max_age}" if max_age is not None else ""
    return f"{COOKIE}={session}; Path=/; HttpOnly; SameSite=Strict{age}"


# ---------------------------------------------------------------------------------------- the app


def create_app(site: Site) -> Starlette:
    hub = Hub()
    templates = Jinja2Templates(env=_environment())
    pages = _Pages(site, hub, templates)

    @contextlib.asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[None]:
        following = asyncio.create_task(hub.follow(site.view), name="web-changes")
        try:
            yield
        finally:
            hub.close()
            following.cancel()
            await asyncio.gather(following, return_exceptions=True)

    routes = [
        Route("/", pages.board),
        Route("/phones/{inspection_id}", pages.phone),
        Route("/phones/{inspection_id}/record", pages.record_form, methods=["POST"]),
        Route("/queue", pages.queue),
        Route("/search", pages.search),
        Route("/rechecks", pages.rechecks),
        Route("/fleet", pages.fleet),
        Route("/api/fleet", pages.api_fleet),
        Route("/rechecks", pages.run_rechecks, methods=["POST"]),
        Route("/evidence/{inspection_id}/{record_id}", pages.evidence),
        Route("/phones/{inspection_id}/certificate", pages.certificate, methods=["POST"]),
        Route("/phones/{inspection_id}/label", pages.label, methods=["POST"]),
        Route("/phones/{inspection_id}/handoff", pages.handoff_form, methods=["POST"]),
        Route("/api/phones/{inspection_id}/handoff", pages.handoff_api, methods=["POST"]),
        Route("/events", pages.events),
        Route("/api/board", pages.api_board),
        Route("/api/queue", pages.api_queue),
        Route("/api/phones/{inspection_id}/record", pages.record_api, methods=["POST"]),
        Route("/login", pages.login_page),
        Route("/login", pages.login, methods=["POST"]),
        Route("/logout", pages.logout, methods=["POST"]),
        Mount("/static", StaticFiles(packages=[("tenken.web", "static")]), name="static"),
    ]
    app = Starlette(
        routes=routes,
        lifespan=lifespan,
        middleware=[
            Middleware(Guard, site=site),
            Middleware(TrustedHostMiddleware, allowed_hosts=list(site.hosts)),
        ],
        exception_handlers={HTTPException: pages.failed},
    )
    app.state.hub = hub
    return app


def _environment() -> Environment:
    environment = Environment(
        loader=PackageLoader("tenken.web", "templates"),
        autoescape=select_autoescape(["html"], default=True),
        finalize=_shown,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.globals.update(jst=jst, level_class=_level_class, checker=checker_page)
    return environment


def _shown(value: Any) -> Any:
    """Every value a template writes: None as nothing, and text with its control characters visible
    (`\\x1b`), as a terminal shows them; autoescaping then makes it text in the document."""
    if value is None:
        return ""
    if isinstance(value, Markup):
        return value
    if isinstance(value, str):
        return visible(value)
    return value


def _level_class(level: Level | str | None) -> str:
    return f"level-{str(level).lower()}" if level else ""


class _Pages:
    def __init__(self, site: Site, hub: Hub, templates: Jinja2Templates) -> None:
        self.site = site
        self.hub = hub
        self.templates = templates

    # ------------------------------------------------------------------------------ helpers

    def lang(self, request: Request) -> Lang:
        asked = request.query_params.get("lang")
        if asked in LANGS:
            return "en" if asked == "en" else "ja"
        kept = request.cookies.get("tenken_lang")
        if kept in LANGS:
            return "en" if kept == "en" else "ja"
        return self.site.lang

    def render(self, request: Request, template: str, status: int = 200, **context: Any) -> Response:
        lang = self.lang(request)
        session = request.state.session

        def t(code: str, **params: Any) -> str:
            return render(Said(code, params), lang)

        response = self.templates.TemplateResponse(
            request,
            template,
            {
                "lang": lang,
                "other_lang": "en" if lang == "ja" else "ja",
                "t": t,
                "words": lambda message: render(message, lang),
                "via": lambda result: render(via_words(result), lang),  # how an answer was obtained
                "name": lambda value: name(value, lang),
                "label": lambda code: label(code, lang),
                "phone_words": lambda inspection: data.inspection_words(inspection, lang),
                "outcomes": Outcome,
                "csrf": self.site.sessions.token(session),
                "user": self.site.sessions.user(session),
                "login": self.site.login,
                "records": self.site.records is not None,
                "fleet": self.site.fleet,
                "titles": {key: title.get(lang, key) for key, title in self.site.titles.items()},
                **context,
            },
            status_code=status,
        )
        if request.query_params.get("lang") in LANGS:
            response.set_cookie(
                "tenken_lang", lang, httponly=True, samesite="strict", max_age=365 * 24 * 3600
            )
        return response

    async def posted(self, request: Request) -> FormData | dict[str, Any]:
        """The POST's fields, once its CSRF token is the session's (403 when it is not)."""
        content_type = request.headers.get("content-type", "")
        fields: FormData | dict[str, Any]
        if content_type.startswith("application/json"):
            try:
                fields = json.loads(await request.body())
            except ValueError:
                raise HTTPException(400, "not JSON") from None
            if not isinstance(fields, dict):
                raise HTTPException(400, "not a JSON object")
            token = request.headers.get("x-csrf-token")
        else:
            fields = await request.form(max_files=MAX_FILES, max_fields=20)
            token = request.headers.get("x-csrf-token") or _text(fields.get("csrf"))
        if not self.site.sessions.token_fits(request.state.session, token):
            raise HTTPException(403, "no valid CSRF token")
        return fields

    def find(self, inspection_id: str) -> tuple[Inspection | None, Tile | None]:
        """An inspection by id: on the board (its tile too), else from the store."""
        for tile in self.site.view.board().tiles:
            if tile.inspection_id == inspection_id:
                return tile.inspection, tile
        records = self.site.records
        return (records.inspection(inspection_id) if records is not None else None), None

    async def failed(self, request: Request, error: Exception) -> Response:
        assert isinstance(error, HTTPException)
        if request.url.path.startswith("/api/"):
            return JSONResponse({"error": error.detail}, status_code=error.status_code)
        return self.render(request, "error.html", status=error.status_code, status_code=error.status_code)

    # ------------------------------------------------------------------------------ pages

    async def board(self, request: Request) -> Response:
        lang = self.lang(request)
        board = self.site.view.board()
        document = data.board_json(board, lang, self.site.titles)
        return self.render(request, "board.html", board=document, tasks=len(board.tasks))

    async def phone(self, request: Request) -> Response:
        inspection_id = request.path_params["inspection_id"]
        inspection, tile = self.find(inspection_id)
        if inspection is None:
            raise HTTPException(404, "no such inspection")
        records = self.site.records
        history = [each for each in records.history(inspection)] if records is not None else []
        board = self.site.view.board()
        tasks = [task for task in [*board.tasks, *_to_grade(board)] if task.inspection_id == inspection_id]
        return self.render(
            request,
            "phone.html",
            inspection=inspection,
            tile=tile,
            facts_rows=_facts(inspection, self.lang(request)),
            answers=_answers(inspection),
            history=history,
            tasks=tasks,
            carriers=list(Carrier),
            grades=list(self.site.grades),
        )

    async def queue(self, request: Request) -> Response:
        board = self.site.view.board()
        tasks = sorted([*board.tasks, *_to_grade(board)], key=lambda task: task.since)
        inspections = {tile.inspection_id: tile.inspection for tile in board.tiles if tile.inspection}
        return self.render(
            request,
            "queue.html",
            tasks=tasks,
            inspections=inspections,
            carriers=list(Carrier),
            grades=list(self.site.grades),
        )

    async def search(self, request: Request) -> Response:
        text = (request.query_params.get("q") or "").strip()
        found: dict[str, Inspection] = {}
        if text:
            for tile in self.site.view.board().tiles:
                if tile.inspection is not None and _names(tile.inspection, text):
                    found[tile.inspection.id] = tile.inspection
            if self.site.records is not None:
                for inspection in self.site.records.search(text):
                    found.setdefault(inspection.id, inspection)
        return self.render(request, "search.html", q=text, found=list(found.values()))

    async def rechecks(self, request: Request) -> Response:
        records = self.site.records
        due = list(records.due()) if records is not None else []
        asked = request.query_params.get("asked")
        return self.render(
            request, "rechecks.html", due=due, asked=int(asked) if asked and asked.isdigit() else None
        )

    async def run_rechecks(self, request: Request) -> Response:
        await self.posted(request)
        records = self.site.records
        if records is None:
            raise HTTPException(404, "no store")
        asked = await records.recheck()
        return RedirectResponse(f"/rechecks?asked={asked}", status_code=303)

    async def evidence(self, request: Request) -> Response:
        records = self.site.records
        page = (
            await asyncio.to_thread(
                records.page, request.path_params["inspection_id"], request.path_params["record_id"]
            )
            if records is not None
            else None
        )
        if page is None:
            raise HTTPException(404, "no such page")
        kind = page.content_type.split(";")[0].strip().lower()
        shown = page.content_type if kind in ("text/html", "image/png", "image/jpeg") else "text/plain"
        return _document(replace(page, content_type=shown), "inline")

    async def _fleet(self) -> Fleet:
        """The fleet's day, read in a worker thread; the board (the station's own state) only here."""
        records = self.site.records
        focus = self.site.view.board().focus
        day = (
            await asyncio.to_thread(records.fleet, focus) if records is not None and self.site.fleet else None
        )
        if day is None:
            raise HTTPException(404, "not a fleet's database")
        return day

    async def fleet(self, request: Request) -> Response:
        day = await self._fleet()
        return self.render(request, "fleet.html", day=day, levels=list(Level))

    async def api_fleet(self, request: Request) -> Response:
        day = await self._fleet()
        return _json(data.fleet_json(day, self.lang(request)))

    async def certificate(self, request: Request) -> Response:
        """Issue the phone's certificate (a POST: it is kept in the store) and answer it: the page, to
        read and print, under the carriers' pages' sandbox; or the PDF, to save."""
        inspection_id = request.path_params["inspection_id"]
        fields = await self.posted(request)
        records = self.site.records
        if records is None:
            raise HTTPException(404, "no store")
        pdf = _text(fields.get("format")) == "pdf"
        by = self.site.sessions.user(request.state.session) or self.site.os_user
        try:
            page = await records.certificate(inspection_id, by, pdf)
        except LookupError:
            raise HTTPException(404, "no such inspection") from None
        except TenkenError as error:
            return self._refused(request, _why(error), api=False)
        name = f"tenken-{inspection_id[:12]}.{'pdf' if pdf else 'html'}"
        return _document(page, f'{"attachment" if pdf else "inline"}; filename="{name}"')

    async def handoff_form(self, request: Request) -> Response:
        return await self._handoff(request, api=False)

    async def handoff_api(self, request: Request) -> Response:
        return await self._handoff(request, api=True)

    async def _handoff(self, request: Request, *, api: bool) -> Response:
        """The assisted browser check (`tenken handoff`) of this phone at one carrier, on the station's
        screen: answered once the page's answer is read and the phone judged again (or why not). The
        request waits meanwhile: the person is at the Chromium window, then back on the queue."""
        inspection_id = request.path_params["inspection_id"]
        fields = await self.posted(request)
        try:
            carrier = Carrier(_text(fields.get("carrier")))
        except ValueError:
            return self._refused(request, msg("web.refused", why=_text(fields.get("carrier"))), api)
        by = self.site.sessions.user(request.state.session) or self.site.os_user
        try:
            judged = await self.site.view.handoff(
                inspection_id,
                carrier,
                by,
                headless=self.site.handoff_headless,
                wait_seconds=self.site.handoff_wait,
            )
        except LookupError:
            raise HTTPException(404, "no such inspection") from None
        except TenkenError as error:
            return self._refused(request, _why(error), api)
        if api:
            return _json(data.recorded_json(judged, self.lang(request), None))
        return RedirectResponse("/queue", status_code=303)

    async def label(self, request: Request) -> Response:
        """Make the phone's label (a POST: it is written beside the station, as label.auto writes it) and
        answer the PDF, to print on the label printer."""
        inspection_id = request.path_params["inspection_id"]
        await self.posted(request)
        records = self.site.records
        if records is None:
            raise HTTPException(404, "no store")
        try:
            page = await records.label(inspection_id, self.lang(request))
        except LookupError:
            raise HTTPException(404, "no such inspection") from None
        except TenkenError as error:
            return self._refused(request, _why(error), api=False)
        return _document(page, f'attachment; filename="tenken-label-{inspection_id[:12]}.pdf"')

    # ------------------------------------------------------------------------------ data

    async def api_board(self, request: Request) -> Response:
        return _json(data.board_json(self.site.view.board(), self.lang(request), self.site.titles))

    async def api_queue(self, request: Request) -> Response:
        return _json(data.queue_json(self.site.view.board(), self.lang(request)))

    async def events(self, request: Request) -> Response:
        lang = self.lang(request)
        view, titles = self.site.view, self.site.titles

        def message(board: Board, tiles: Sequence[Tile]) -> str:
            document = {
                "ports": [data.tile_json(tile, lang, titles, board.focus) for tile in tiles],
                "order": [tile.port for tile in board.tiles],
                "footer": data.footer_json(board, lang),
                "tasks": len(board.tasks),
            }
            return f"event: tiles\ndata: {dumps(document, indent=None)}\n\n"

        async def stream() -> AsyncIterator[str]:
            with self.hub.subscribed() as subscriber:
                board = view.board()
                yield message(board, board.tiles)  # where things stand, then what changes
                while True:
                    tiles = await subscriber.take(PING_SECONDS)
                    if tiles is None:
                        return
                    if not tiles:
                        yield ": ping\n\n"
                        continue
                    yield message(view.board(), tiles)

        return StreamingResponse(
            stream(), media_type="text/event-stream", headers={"X-Accel-Buffering": "no"}
        )

    # ------------------------------------------------------------------------------ recording

    async def record_api(self, request: Request) -> Response:
        return await self._record(
            request,
            lambda inspection, sha256: _json(data.recorded_json(inspection, self.lang(request), sha256)),
            api=True,
        )

    async def record_form(self, request: Request) -> Response:
        return await self._record(
            request, lambda inspection, sha256: RedirectResponse("/queue", status_code=303), api=False
        )

    async def _record(
        self,
        request: Request,
        answer: Callable[[Inspection, str | None], Response],
        *,
        api: bool,
    ) -> Response:
        fields = await self.posted(request)
        fact = _text(fields.get("fact"))
        values = _checklist(fields) if fact == "erasure" else _values(fields)
        if fact not in FACTS or not values or not all(values):  # a mark not chosen is no mark
            return self._refused(request, msg("web.not_a_fact", facts=list(FACTS)), api)
        if fact == "grade":
            return await self._grade(request, fields, values, answer, api=api)
        upload = fields.get("evidence") if isinstance(fields, FormData) else None
        shot: Path | None = None
        sha256: str | None = None
        try:
            if isinstance(upload, UploadFile) and upload.filename:
                shot, sha256 = await self._kept(upload)
                if shot is None:
                    return self._refused(
                        request, msg("web.not_an_image", limit=self.site.upload_limit // (1024 * 1024)), api
                    )
            judged = await self._judged(request, api, fact, values, evidence=shot)
        finally:
            if shot is not None:
                shot.unlink(missing_ok=True)
        return judged if isinstance(judged, Response) else answer(judged, sha256)

    async def _judged(
        self, request: Request, api: bool, fact: str, values: list[str], **given: Any
    ) -> Inspection | Response:
        """What the person posted, recorded by the station and the phone judged again; a value that is
        not one is refused (422) in words."""
        by = self.site.sessions.user(request.state.session) or self.site.os_user
        try:
            return await self.site.view.record(
                request.path_params["inspection_id"], fact, values, by, **given
            )
        except InputError as error:
            return self._refused(request, _why(error), api)
        except LookupError:
            raise HTTPException(404, "no such inspection") from None

    async def _grade(
        self,
        request: Request,
        fields: FormData | Mapping[str, Any],
        values: list[str],
        answer: Callable[[Inspection, str | None], Response],
        *,
        api: bool,
    ) -> Response:
        """A grade with its NG items (one a line, or a JSON list), a note and photos (PNG or JPEG, each
        within the upload limit, kept under the name they were sent with)."""
        if isinstance(fields, FormData):
            ng = [line for line in _text(fields.get("ng")).splitlines()]
            uploads = [
                each for each in fields.getlist("photo") if isinstance(each, UploadFile) and each.filename
            ]
        else:
            given = fields.get("ng_items")
            ng = [str(item) for item in given] if isinstance(given, list) else []
            uploads = []
        folder = Path(tempfile.mkdtemp(prefix="tenken-photos-"))
        try:
            photos = []
            for upload in uploads:
                kept, _sha256 = await self._kept(upload)
                if kept is None:
                    return self._refused(
                        request, msg("web.not_an_image", limit=self.site.upload_limit // (1024 * 1024)), api
                    )
                named = _free_name(folder, upload.filename or "", kept.suffix)
                kept.replace(named)
                photos.append(named)
            judged = await self._judged(
                request,
                api,
                "grade",
                values,
                ng_items=[item.strip() for item in ng if item.strip()],
                note=_text(fields.get("note")).strip(),
                photos=photos,
            )
        finally:
            shutil.rmtree(folder, ignore_errors=True)
        return judged if isinstance(judged, Response) else answer(judged, None)

    def _refused(self, request: Request, why: Said, api: bool) -> Response:
        lang = self.lang(request)
        if api:
            return _json({"error": data.said(why, lang)}, status=422)
        return self.render(request, "refused.html", status=422, why=render(why, lang))

    async def _kept(self, upload: UploadFile) -> tuple[Path | None, str | None]:
        """A PNG or JPEG (by its first bytes, whatever it claims), at most the upload limit, in a private
        temporary file; (None, None) for anything else."""
        body = await upload.read(self.site.upload_limit + 1)
        if len(body) > self.site.upload_limit:
            return None, None
        suffix = next((ending for magic, ending in IMAGES.items() if body.startswith(magic)), None)
        if suffix is None:
            return None, None
        handle, name_ = tempfile.mkstemp(prefix="tenken-shot-", suffix=suffix)
        with os.fdopen(handle, "wb") as file:
            file.write(body)
        return Path(name_), hashlib.sha256(body).hexdigest()

    # ------------------------------------------------------------------------------ users

    async def login_page(self, request: Request) -> Response:
        return self.render(request, "login.html", failed=False)

    async def login(self, request: Request) -> Response:
        fields = await self.posted(request)
        user = _text(fields.get("user")).strip()
        password = _text(fields.get("password"))
        accounts = self.site.accounts
        stored = accounts.password_hash(user) if accounts is not None and user else None
        checked = await asyncio.to_thread(verify_password, stored, password)
        if not checked:
            return self.render(request, "login.html", status=401, failed=True)
        sessions = self.site.sessions
        sessions.end(request.state.session)
        response = RedirectResponse("/", status_code=303)
        response.headers.append("Set-Cookie", session_cookie(sessions.new(user)))
        return response

    async def logout(self, request: Request) -> Response:
        await self.posted(request)
        self.site.sessions.end(request.state.session)
        response = RedirectResponse("/login" if self.site.login else "/", status_code=303)
        response.headers.append("Set-Cookie", session_cookie("", max_age=0))
        return response


# ---------------------------------------------------------------------------------------- helpers


def _json(document: Any, status: int = 200) -> Response:
    """JSON as tenken writes it for tools: the values exact, control characters escaped (report/inert)."""
    body = dumps(document, indent=None)
    return Response(body, status_code=status, media_type="application/json")


def _document(page: Page, disposition: str) -> Response:
    """A page tenken made or kept (a certificate, a label, a carrier's page), under the sandbox."""
    headers = {"Content-Security-Policy": SANDBOX, "Content-Disposition": disposition}
    return Response(
        page.body, media_type=page.content_type, headers={**headers, "X-Tenken-Sha256": page.sha256}
    )


def _why(error: TenkenError) -> Said:
    """What a refusal says: the error's own message, else its words."""
    said = error.said
    return said if isinstance(said, Said) else msg("web.refused", why=str(error))


def _free_name(folder: Path, sent: str, suffix: str) -> Path:
    """A photo's file in `folder`: the name it was sent with (its last part), else photo; never one
    taken already (a pasted image is always image.png), never . or .."""
    name = Path(sent).name
    stem = Path(name).stem if name not in ("", ".", "..") else "photo"
    ending = Path(name).suffix if name not in ("", ".", "..") else suffix
    named, count = folder / f"{stem}{ending}", 1
    while named.exists():
        count += 1
        named = folder / f"{stem}-{count}{ending}"
    return named


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""


def _values(fields: FormData | Mapping[str, Any]) -> list[str]:
    """The values of the fact, as `tenken record FACT VALUES…` takes them: `values` (JSON: a list), else
    the form's `value`, or `carrier` and `mark` for a carrier's mark."""
    if isinstance(fields, FormData):
        found = [_text(value) for value in fields.getlist("value")]
        if not found and fields.get("carrier"):
            imei = _text(fields.get("imei")).strip()
            return [
                _text(fields.get("carrier")).strip(),
                _text(fields.get("mark")).strip(),
                *([imei] if imei else []),
            ]
    else:
        given = fields.get("values", fields.get("value"))
        found = [str(value) for value in given] if isinstance(given, list) else [str(given or "")]
    return [value.strip() for value in found if value and value.strip()]


def _checklist(fields: FormData | Mapping[str, Any]) -> list[str]:
    """The erasure checklist as `tenken record erasure` takes it (resets=2 checked-by=… felica=… jpki=…),
    from the form's fields; JSON sends the words themselves as `values`."""
    if not isinstance(fields, FormData):
        return _values(fields)
    items = (("resets", "resets"), ("checked-by", "checked_by"), ("felica", "felica"), ("jpki", "jpki"))
    return [
        f"{item}={_text(fields.get(name)).strip()}" for item, name in items if _text(fields.get(name)).strip()
    ]


def _to_grade(board: Board) -> list[Task]:
    """Phones on the board not graded yet: the queue offers the grade form for each (a grade is a
    person's, whatever level the policy gives a phone without one)."""
    found = []
    for tile in board.tiles:
        inspection = tile.inspection
        if inspection is None or not tile.attached:
            continue
        reason = next(
            (
                reason
                for verdict in inspection.verdicts.values()
                for reason in verdict.reasons
                if reason.condition == GRADED_BY_HAND
            ),
            None,
        )
        held = any(
            task.inspection_id == inspection.id and task.condition == GRADED_BY_HAND for task in board.tasks
        )
        if reason is not None and reason.action is not None and not held:
            since = inspection.finished_at or inspection.started_at
            found.append(Task(inspection.id, tile.port, since, GRADED_BY_HAND, reason.action, "grade"))
    return found


def _names(inspection: Inspection, text: str) -> bool:
    facts = inspection.facts
    wanted = text.strip().casefold()
    known = [facts.imei.value, facts.imei2.value, facts.serial.value, inspection.stock_no]
    return any(isinstance(value, str) and value.casefold() == wanted for value in known)


@dataclass(frozen=True, slots=True)
class _FactRow:
    code: str
    value: str
    provenance: str
    how: str
    source: str
    note: Said | None


def _facts(inspection: Inspection, lang: Lang) -> list[_FactRow]:
    """Every fact read or tried, with how it is known (what was never even tried is left out)."""
    from tenken.report.labels import fact_code
    from tenken.report.terminal import format_value
    from tenken.report.values import source_words

    facts = inspection.facts
    rows = []
    for field_name, fact in facts.facts():
        if not fact.known and not fact.source and fact.note is not None and fact.note.code == "fact.not_read":
            continue
        rows.append(
            _FactRow(
                fact_code(field_name, facts.ref.platform),
                format_value(field_name, fact, lang),
                fact.provenance.value,
                name(fact.provenance, lang),
                source_words(fact.source, lang),
                fact.note,
            )
        )
    return rows


def _answers(inspection: Inspection) -> list[Any]:
    order = {carrier: index for index, carrier in enumerate(Carrier)}
    return sorted(
        inspection.asked,
        key=lambda entry: (entry.imei != inspection.facts.imei.value, order[entry.carrier]),
    )
