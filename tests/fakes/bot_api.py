"""A small, honest fake of the Telegram Bot API for end-to-end tests.

Why a real HTTP server instead of mocking ``telegram.Bot``: the bot under test runs as a
separate process (``innerchild run``) with ``base_url`` pointing here, so the whole PTB stack
(HTTPXRequest encoding, error mapping, Updater long polling, offsets) is exercised for real.
"Honest" means the fake reproduces the Telegram behaviours that bots get wrong in production:
unconfirmed updates are redelivered, edits that change nothing fail with "message is not
modified", blocked users answer 403, bad HTML is rejected, a second poller gets 409, etc.
Standard library only; the server lives in a background thread so synchronous and async tests
can both drive it.  The test plays "a person" through the ``send_*``/``press_button`` methods.

Controls for crash and replica tests:

- ``fail_next(method, code, chat_id=..., times=...)``: injected errors, optionally for one chat
  only and for several calls in a row; ``clear_failures()`` forgets what is left.
- ``hold_sends(after=N)``: a gate. Once N ``sendMessage`` calls have been answered, further
  ``sendMessage`` requests block inside the fake *before* anything is recorded (no message,
  no ``ApiCall``): to the bot each such request is simply still in flight. ``held_sends()``
  says which chats are blocked so (a test SIGKILLs the bot while they are), and
  ``release_held()`` lets them go without recording them (the client is gone; they get a 502
  nobody reads). Every held request is released by ``stop()`` or after ``HOLD_LIMIT`` s.
- ``base_url_via(label)``: the same API under ``/via/<label>/bot...``; each ``ApiCall`` keeps
  the label in ``via``, so tests with several bot processes can tell whose call it was.
"""

from __future__ import annotations

import asyncio
import copy
import dataclasses
import itertools
import json
import re
import socket
import struct
import sys
import threading
import time
import urllib.error
import urllib.request
import zlib
from html.parser import HTMLParser
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable
from urllib.parse import parse_qsl, unquote, urlsplit

# PTB sends str values raw and everything else JSON-encoded, so "123" is ambiguous; these
# parameters are always strings in the Bot API and must never be JSON-decoded.
_STRING_PARAMS = frozenset({"text", "caption", "parse_mode", "url", "secret_token", "action",
                            "callback_query_id", "inline_message_id", "language_code",
                            "file_id", "ip_address"})
_CHAT_ACTIONS = frozenset({"typing", "upload_photo", "record_video", "upload_video",
                           "record_voice", "upload_voice", "upload_document", "choose_sticker",
                           "find_location", "record_video_note", "upload_video_note"})
_HTML_TAGS = frozenset({"b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "span",
                        "tg-spoiler", "a", "tg-emoji", "code", "pre", "blockquote"})
_COMMAND_RE = re.compile(r"^/[A-Za-z0-9_]{1,32}(@[A-Za-z0-9_]+)?")
BLOCKED = "Forbidden: bot was blocked by the user"
MAX_POLL_TIMEOUT = 50.0  # Telegram caps long polls similarly; keeps every wait bounded.
HOLD_LIMIT = 60.0  # seconds a held sendMessage waits at most for release_held()
PHOTO_MAX_BYTES = 10 * 1024 * 1024  # "The photo must be at most 10 MB in size."
PHOTO_MAX_SIDES = 10_000  # "width and height must not exceed 10000 in total"
PHOTO_MAX_RATIO = 20  # "Width and height ratio must be at most 20."
_PHOTO_SIDES = (90, 320, 800, 1280, 2560)  # the longest side of each size Telegram keeps
_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_PNG_SAMPLES = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}  # colour type -> samples per pixel
_JPEG_SOF = frozenset(range(0xC0, 0xD0)) - {0xC4, 0xC8, 0xCC}  # frame headers carry the size


class ApiError(Exception):
    """A Bot API error answer; the HTTP status equals error_code because PTB maps on it."""

    def __init__(self, code: int, description: str, parameters: dict | None = None):
        super().__init__(description)
        self.code, self.description, self.parameters = code, description, parameters

    def body(self) -> dict:
        out = {"ok": False, "error_code": self.code, "description": self.description}
        return out | ({"parameters": self.parameters} if self.parameters else {})


@dataclasses.dataclass
class ApiCall:
    """One request the bot made: what it asked for and what status it got back."""

    method: str
    params: dict
    time: float
    status: int = 0
    files: dict = dataclasses.field(default_factory=dict)  # field -> (filename, bytes, mime)
    via: str | None = None  # the label of base_url_via() the call came through, if any


@dataclasses.dataclass
class BotMessage:
    """What the person sees from the bot; ``text`` (caption for documents and photos, raw as
    sent incl. HTML tags) and ``reply_markup`` reflect edits applied, ``edits`` keeps the history."""

    chat_id: int
    message_id: int
    method: str
    text: str | None
    reply_markup: dict | None
    time: float
    parse_mode: str | None = None
    document: dict | None = None  # {"filename", "content", "mime_type", "file_id"}
    photo: dict | None = None  # {"content", "width", "height", "file_id"} (the largest size)
    edits: list = dataclasses.field(default_factory=list)  # [{method, text, reply_markup, time}]
    deleted: bool = False

    @property
    def buttons(self) -> list[tuple[str, str | None]]:
        """Inline buttons flattened to (label, callback_data), for readable assertions."""
        rows = (self.reply_markup or {}).get("inline_keyboard") or []
        return [(b.get("text"), b.get("callback_data")) for row in rows for b in row]


class _TelegramHTML(HTMLParser):
    """Mirrors Telegram's HTML parse_mode strictness: unknown or unbalanced tags are a 400."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.stack: list[str] = []

    def _fail(self, why: str) -> None:
        raise ApiError(400, f"Bad Request: can't parse entities: {why}")

    def handle_starttag(self, tag, attrs):
        if tag not in _HTML_TAGS:
            self._fail(f'Unsupported start tag "{tag}" at byte offset {self.getpos()[1]}')
        self.stack.append(tag)

    def handle_endtag(self, tag):
        if not self.stack or self.stack[-1] != tag:
            self._fail(f'Unexpected end tag at byte offset {self.getpos()[1]}')
        self.stack.pop()

    def handle_data(self, data):
        self.out.append(data)

    @classmethod
    def render(cls, text: str) -> str:
        parser = cls()
        parser.feed(text)
        parser.close()
        if parser.stack:
            parser._fail(f'Can\'t find end tag corresponding to start tag "{parser.stack[-1]}"')
        return "".join(parser.out)


def png_bytes(width: int, height: int) -> bytes:
    """A valid black-and-white PNG of any size (1 bit a pixel, so even 9000x900 is small):
    what a test sends when the picture's content does not matter, only that it is one."""
    row = b"\x00" + b"\x55" * ((width + 7) // 8)  # filter 0, then stripes

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return (_PNG_SIGNATURE + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(row * height))
            + chunk(b"IEND", b""))


def image_size(content: bytes) -> tuple[int, int] | None:
    """(width, height) of a whole PNG or a JPEG; None for anything Telegram could not read."""
    return _png_size(content) if content.startswith(_PNG_SIGNATURE) else _jpeg_size(content)


def _png_size(content: bytes) -> tuple[int, int] | None:
    """IHDR first and IEND last, every chunk's CRC right, and (not interlaced) the pixel data
    inflating to exactly the rows IHDR promises: a cut-off or garbled PNG is no picture."""
    pos, kinds, header, idat = len(_PNG_SIGNATURE), [], b"", []
    while pos + 12 <= len(content) and b"IEND" not in kinds:
        length, kind = struct.unpack(">I4s", content[pos:pos + 8])
        data, end = content[pos + 8:pos + 8 + length], pos + 12 + length
        if end > len(content) or struct.unpack(">I", content[end - 4:end])[0] != zlib.crc32(kind + data):
            return None
        kinds.append(kind)
        header = data if kind == b"IHDR" else header
        if kind == b"IDAT":
            idat.append(data)
        pos = end
    if kinds[:1] != [b"IHDR"] or kinds[-1:] != [b"IEND"] or len(header) != 13 or not idat:
        return None
    width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", header)
    if not width or not height or colour not in _PNG_SAMPLES:
        return None
    expected = height * (1 + (width * _PNG_SAMPLES[colour] * depth + 7) // 8)
    try:
        pixels = zlib.decompressobj().decompress(b"".join(idat), 2 * expected + 1)
    except zlib.error:
        return None
    if len(pixels) != expected and not (interlace and pixels):
        return None
    return width, height


def _jpeg_size(content: bytes) -> tuple[int, int] | None:
    """The size in a JPEG's frame header (SOFn), if the bytes are a JPEG (SOI ... EOI)."""
    if not (content.startswith(b"\xff\xd8") and content.endswith(b"\xff\xd9")):
        return None
    pos = 2
    while pos + 9 <= len(content) and content[pos] == 0xFF:
        marker = content[pos + 1]
        length = struct.unpack(">H", content[pos + 2:pos + 4])[0]
        if marker in _JPEG_SOF:
            height, width = struct.unpack(">HH", content[pos + 5:pos + 9])
            return (width, height) if width and height else None
        pos += 2 + length
    return None


def _decode_value(key: str, value: str) -> Any:
    if key in _STRING_PARAMS:
        return value
    try:
        return json.loads(value)
    except ValueError:
        return value  # e.g. chat_id="@channel"


def _parse_multipart(ctype: str, body: bytes) -> tuple[dict, dict]:
    """Byte-exact multipart/form-data parsing (the cgi module is gone in 3.13)."""
    match = re.search(r'boundary="?([^";]+)"?', ctype)
    if not match:
        raise ApiError(400, "Bad Request: multipart boundary not found")
    fields, files = {}, {}
    for part in body.split(b"--" + match.group(1).encode())[1:]:
        if part.startswith(b"--"):
            break
        head, _, content = part.partition(b"\r\n\r\n")
        content = content[:-2] if content.endswith(b"\r\n") else content
        headers = head.decode("utf-8", "replace")
        name = re.search(r';\s*name="([^"]*)"', headers)
        filename = re.search(r';\s*filename="([^"]*)"', headers)
        mime = re.search(r"(?im)^content-type:\s*(\S+)", headers)
        if not name:
            continue
        if filename:
            fname = filename.group(1).replace("%22", '"').replace("\\\\", "\\")
            files[name.group(1)] = (fname, content,
                                    mime.group(1) if mime else "application/octet-stream")
        else:
            fields[name.group(1)] = content.decode("utf-8")
    return fields, files


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive like the real API; httpx pools connections
    timeout = 120  # idle keep-alive sockets are reaped; nothing waits forever

    def setup(self):
        super().setup()
        self.server.fake._conns.add(self.connection)

    def finish(self):
        self.server.fake._conns.discard(self.connection)
        try:
            super().finish()
        except OSError:
            pass

    def log_message(self, *args):  # keep pytest output clean
        pass

    def _read_body(self) -> bytes:
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            chunks = []
            while size := int(self.rfile.readline().split(b";")[0].strip() or b"0", 16):
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
            while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                pass
            return b"".join(chunks)
        return self.rfile.read(int(self.headers.get("Content-Length") or 0))

    def do_POST(self):
        fake = self.server.fake
        with fake._cond:
            fake._inflight += 1  # stop() lets in-flight answers reach the client first
        try:
            status, payload, ctype = fake._http(self.path, self.headers, self._read_body())
        except Exception as exc:  # a bug in the fake must be loud, not a hung client
            err = ApiError(500, f"Internal Server Error: FakeBotAPI bug: {exc!r}")
            status, payload, ctype = FakeBotAPI._json(err.body(), 500)
        try:
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)
        except OSError:
            self.close_connection = True  # client gave up (e.g. a crashed bot's long poll)
        finally:
            with fake._cond:
                fake._inflight -= 1
                fake._cond.notify_all()

    do_GET = do_POST


class _Server(ThreadingHTTPServer):
    def handle_error(self, request, client_address):
        """A client that vanished (e.g. a SIGKILLed bot) is no news; anything else is loud."""
        if isinstance(sys.exc_info()[1], (ConnectionResetError, BrokenPipeError)):
            return
        super().handle_error(request, client_address)


class FakeBotAPI:
    """In-process fake Telegram Bot API server on 127.0.0.1 (see module docstring)."""

    def __init__(self, token: str = "123:ABC", *, bot_username: str = "innerchild_test_bot"):
        self.token = token
        bot_id = token.split(":", 1)[0]
        self.bot_user = {"id": int(bot_id) if bot_id.isdigit() else 1, "is_bot": True,
                         "first_name": "Inner Child (test)", "username": bot_username}
        # One Condition guards all state: server threads notify it on every change so long
        # polls and wait_for() wake immediately instead of sleeping in poll loops.
        self._cond = threading.Condition()
        self._updates: list[dict] = []
        self._update_ids = itertools.count(10_000)
        self._ids = itertools.count(1)
        self._poll_gen = self._inflight = 0
        self._closing = False
        self._users: dict[int, dict] = {}
        self._next_mid: dict[int, int] = {}
        self._messages: dict[tuple[int, int], dict] = {}
        self._sent: dict[tuple[int, int], BotMessage] = {}
        self._calls: list[ApiCall] = []
        self._failures: dict[str, list[list]] = {}  # method -> [[error, chat_id, times]]
        self._hold_after: int | None = None
        self._answered_sends = 0
        self._held: list[int] = []  # chat ids of sendMessage requests held by the gate
        self._hold_gen = 0
        self._blocked: set[int] = set()
        self._callbacks: dict[str, dict] = {}
        self._commands: dict[tuple[str, str], list] = {}
        self._files: dict[str, dict] = {}
        self._photos: dict[str, list[dict]] = {}  # file_id of any size -> the photo's sizes
        self._allowed_updates: list | None = None
        self._last_date = 0
        self.webhook: dict = {"url": "", "secret_token": None, "allowed_updates": None}
        self._conns: set[socket.socket] = set()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self.port = 0
        self._methods: dict[str, tuple[str, Callable[[dict, dict], Any]]] = {
            name[3:].lower(): (name[3:], getattr(self, name))
            for name in dir(self) if name.startswith("_m_")}

    # ----------------------------------------------------------------- lifecycle
    def start(self) -> "FakeBotAPI":
        """Bind a free port; after stop(), start() rebinds the SAME port with all state kept,
        so "Telegram was down for a while" tests can check the bot recovers."""
        if self._server is not None:
            raise RuntimeError("FakeBotAPI is already running")
        self._closing = False
        self._server = _Server(("127.0.0.1", self.port), _Handler)
        self._server.fake = self
        self.port = self._server.server_address[1]  # kept after stop() for "API down" tests
        self._thread = threading.Thread(target=self._server.serve_forever,
                                        kwargs={"poll_interval": 0.05},
                                        name="FakeBotAPI", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Release pending long polls first, then close the listener and live connections."""
        if self._server is None:
            return
        with self._cond:
            self._closing = True
            self._cond.notify_all()
            self._cond.wait_for(lambda: self._inflight == 0, timeout=2)
        self._server.shutdown()
        for conn in list(self._conns):
            try:
                conn.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        self._server.server_close()
        self._thread.join(timeout=5)
        self._server = None

    def __enter__(self) -> "FakeBotAPI":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/bot"

    @property
    def base_file_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/file/bot"

    def base_url_via(self, label: str) -> str:
        """``base_url`` for one bot process: its calls carry ``via=label``."""
        if not re.fullmatch(r"[A-Za-z0-9_-]+", label):
            raise ValueError(f"bad label {label!r}")
        return f"http://127.0.0.1:{self.port}/via/{label}/bot"

    # ----------------------------------------------------------------- HTTP layer
    def _http(self, path: str, headers, body: bytes) -> tuple[int, bytes, str]:
        parts = urlsplit(path)
        route = unquote(parts.path)  # httpx may send the token's ':' as %3A
        via = None
        if via_match := re.match(r"/via/([A-Za-z0-9_-]+)(/.*)", route):
            via, route = via_match.groups()
        file_match = re.fullmatch(r"/file/bot([^/]*)/(.+)", route)
        if file_match and file_match.group(1) == self.token:
            with self._cond:
                found = [f for f in self._files.values() if f["file_path"] == file_match[2]]
            if found:
                return 200, found[0]["content"], found[0]["mime_type"]
        match = re.fullmatch(r"/bot([^/]*)/([A-Za-z]+)", route)
        if not match:
            return self._json(ApiError(404, "Not Found").body(), 404)
        if match.group(1) != self.token:
            return self._json(ApiError(401, "Unauthorized").body(), 401)
        try:
            params, files = self._decode(parts.query, headers, body)
        except (ApiError, ValueError) as exc:
            err = exc if isinstance(exc, ApiError) else ApiError(400, "Bad Request: bad body")
            return self._json(err.body(), err.code)
        return self._call(match.group(2), params, files, via)

    @staticmethod
    def _json(obj: dict, status: int) -> tuple[int, bytes, str]:
        return status, json.dumps(obj).encode(), "application/json"

    @staticmethod
    def _decode(query: str, headers, body: bytes) -> tuple[dict, dict]:
        """Accept every encoding the real API accepts: query string, form, JSON, multipart."""
        raw, files = dict(parse_qsl(query, keep_blank_values=True)), {}
        ctype = headers.get("Content-Type", "")
        if ctype.startswith("application/json") and body:
            return {k: _decode_value(k, v) for k, v in raw.items()} | json.loads(body), files
        if ctype.startswith("application/x-www-form-urlencoded"):
            raw.update(parse_qsl(body.decode("utf-8"), keep_blank_values=True))
        elif ctype.startswith("multipart/form-data"):
            fields, files = _parse_multipart(ctype, body)
            raw.update(fields)
        return {k: _decode_value(k, v) for k, v in raw.items()}, files

    def _call(self, method: str, params: dict, files: dict,
              via: str | None = None) -> tuple[int, bytes, str]:
        # Telegram method names ignore case; the log uses the canonical spelling.
        name, handler = self._methods.get(method.lower(), (method, None))
        with self._cond:
            if name == "sendMessage" and self._hold_after is not None \
                    and self._answered_sends >= self._hold_after:
                return self._hold(params.get("chat_id"))
            call = ApiCall(name, params, time.time(), files=dict(files), via=via)
            self._calls.append(call)
            try:
                if error := self._injected(call):
                    raise error
                if handler is None:
                    raise ApiError(404, "Not Found")
                body = {"ok": True, "result": handler(params, files)}
                call.status = 200
            except ApiError as err:
                body, call.status = err.body(), err.code
            if name == "sendMessage":
                self._answered_sends += 1
            payload = self._json(body, call.status)  # serialised under the lock: a snapshot
            self._cond.notify_all()
        return payload

    def _injected(self, call: ApiCall) -> ApiError | None:
        """The first queued failure for this method that applies to this call's chat."""
        pending = self._failures.get(call.method.lower()) or []
        for entry in pending:
            error, chat_id, _ = entry
            if chat_id is None or chat_id == call.params.get("chat_id"):
                entry[2] -= 1
                if entry[2] <= 0:
                    pending.remove(entry)
                return error
        return None

    def _hold(self, chat_id: Any) -> tuple[int, bytes, str]:
        """The gate of hold_sends(): wait (lock released) until release_held() or stop()."""
        gen = self._hold_gen
        self._held.append(chat_id)
        self._cond.notify_all()
        self._cond.wait_for(lambda: self._hold_gen != gen or self._closing, HOLD_LIMIT)
        if chat_id in self._held:
            self._held.remove(chat_id)
        self._cond.notify_all()
        return self._json(ApiError(502, "Bad Gateway").body(), 502)

    # ----------------------------------------------------------------- helpers (lock held)
    def _now(self) -> int:
        self._last_date = max(int(time.time()), self._last_date)
        return self._last_date

    def _chat(self, params: dict) -> int:
        chat_id = params.get("chat_id")
        if chat_id not in self._users:
            raise ApiError(400, "Bad Request: chat not found")
        if chat_id in self._blocked:
            raise ApiError(403, BLOCKED)
        return chat_id

    def _new_message(self, chat_id: int, sender: dict, **fields) -> dict:
        """Telegram numbers messages per private chat, shared by both sides."""
        mid = self._next_mid[chat_id] = self._next_mid.get(chat_id, 0) + 1
        user = self._users[chat_id]
        chat = {"id": chat_id, "type": "private", "first_name": user["first_name"]}
        msg = {"message_id": mid, "from": sender, "chat": chat, "date": self._now(), **fields}
        self._messages[(chat_id, mid)] = msg
        return msg

    def _text(self, params: dict, key: str = "text", limit: int = 4096) -> str:
        text = params.get(key)
        if not isinstance(text, str) or not text.strip():
            raise ApiError(400, f"Bad Request: message {key} is empty")
        if params.get("parse_mode", "").upper() == "HTML":
            text = _TelegramHTML.render(text)
        if len(text.encode("utf-16-le")) // 2 > limit:
            raise ApiError(400, f"Bad Request: message {key} is too long")
        return text

    @staticmethod
    def _markup(params: dict) -> dict | None:
        markup = params.get("reply_markup")
        if markup is None:
            return None
        if not isinstance(markup, dict):
            raise ApiError(400, "Bad Request: can't parse reply keyboard markup JSON object")
        for row in markup.get("inline_keyboard", []):
            for button in row:
                data = button.get("callback_data")
                if data is not None and not 1 <= len(data.encode()) <= 64:
                    raise ApiError(400, "Bad Request: BUTTON_DATA_INVALID")
        return markup

    def _record(self, chat_id: int, msg: dict, method: str, params: dict,
                markup: dict | None, **extra) -> dict:
        if markup and "inline_keyboard" in markup:
            msg["reply_markup"] = markup  # Telegram only echoes inline keyboards
        self._sent[(chat_id, msg["message_id"])] = BotMessage(
            chat_id, msg["message_id"], method, params.get("text", params.get("caption")),
            markup, time.time(), params.get("parse_mode"), **extra)
        return msg

    def _editable(self, params: dict) -> tuple[dict, BotMessage]:
        if "inline_message_id" in params:
            raise ApiError(400, "Bad Request: MESSAGE_ID_INVALID")
        chat_id = self._chat(params)
        key = (chat_id, params.get("message_id"))
        if key not in self._messages:
            raise ApiError(400, "Bad Request: message to edit not found")
        if key not in self._sent:
            raise ApiError(400, "Bad Request: message can't be edited")
        return self._messages[key], self._sent[key]

    def _apply_edit(self, method, msg, rec, text, markup, raw_text) -> dict:
        if raw_text == rec.text and markup == rec.reply_markup:
            raise ApiError(400, "Bad Request: message is not modified: specified new message "
                           "content and reply markup are exactly the same as a current content "
                           "and reply markup of the message")
        msg["text"], msg["edit_date"] = text, self._now()
        msg.pop("reply_markup", None)
        if markup and "inline_keyboard" in markup:
            msg["reply_markup"] = markup
        rec.text, rec.reply_markup = raw_text, markup
        rec.edits.append({"method": method, "text": raw_text, "reply_markup": markup,
                          "time": time.time()})
        return msg

    def _store_file(self, kind: str, content: bytes, filename: str, mime: str) -> dict:
        n = next(self._ids)
        meta = {"file_id": f"{kind}-{n}", "file_unique_id": f"u{kind}{n}",
                "file_size": len(content), "file_path": f"{kind}s/file_{n}_{filename}",
                "content": content, "mime_type": mime, "file_name": filename}
        self._files[meta["file_id"]] = meta
        return meta

    # ----------------------------------------------------------------- Bot API methods
    def _m_getMe(self, p, f):
        return self.bot_user | {"can_join_groups": True, "can_read_all_group_messages": False,
                                "supports_inline_queries": False,
                                "can_connect_to_business": False, "has_main_web_app": False}

    def _m_getUpdates(self, p, f):
        """Long poll exactly like Telegram: offset confirms, unconfirmed updates come back."""
        if self.webhook["url"]:
            raise ApiError(409, "Conflict: can't use getUpdates method while webhook is "
                           "active; use deleteWebhook to delete the webhook first")
        offset = p.get("offset")
        if isinstance(offset, int):
            self._updates = (self._updates[offset:] if offset < 0 else
                             [u for u in self._updates if u["update_id"] >= offset])
        if p.get("allowed_updates") is not None:
            self._allowed_updates = list(p["allowed_updates"]) or None
        limit = min(max(int(p.get("limit") or 100), 1), 100)
        timeout = min(max(float(p.get("timeout") or 0), 0.0), MAX_POLL_TIMEOUT)
        self._poll_gen += 1  # a newer poll terminates an older one, as on Telegram
        me, deadline = self._poll_gen, time.monotonic() + timeout
        self._cond.notify_all()
        while True:
            if self._poll_gen != me:
                raise ApiError(409, "Conflict: terminated by other getUpdates request; make "
                               "sure that only one bot instance is running")
            allowed = self._allowed_updates
            ready = [u for u in self._updates
                     if not allowed or any(k in allowed for k in u if k != "update_id")]
            remaining = deadline - time.monotonic()
            if ready or self._closing or remaining <= 0:
                return ready[:limit]
            self._cond.wait(remaining)

    def _m_sendMessage(self, p, f):
        chat_id = self._chat(p)
        text, markup = self._text(p), self._markup(p)
        msg = self._new_message(chat_id, self.bot_user, text=text)
        return self._record(chat_id, msg, "sendMessage", p, markup)

    def _m_editMessageText(self, p, f):
        msg, rec = self._editable(p)
        text, markup = self._text(p), self._markup(p)
        return self._apply_edit("editMessageText", msg, rec, text, markup, p["text"])

    def _m_editMessageReplyMarkup(self, p, f):
        msg, rec = self._editable(p)
        return self._apply_edit("editMessageReplyMarkup", msg, rec, msg.get("text"),
                                self._markup(p), rec.text)

    def _m_deleteMessage(self, p, f):
        key = (self._chat(p), p.get("message_id"))
        if self._messages.pop(key, None) is None:
            raise ApiError(400, "Bad Request: message to delete not found")
        if key in self._sent:
            self._sent[key].deleted = True
        return True

    def _m_answerCallbackQuery(self, p, f):
        query = self._callbacks.get(p.get("callback_query_id"))
        if query is None or query["answered"]:
            raise ApiError(400, "Bad Request: query is too old and response timeout expired "
                           "or query ID is invalid")
        query["answered"] = True
        return True

    def _m_sendChatAction(self, p, f):
        self._chat(p)
        if p.get("action") not in _CHAT_ACTIONS:
            raise ApiError(400, "Bad Request: wrong parameter action in request")
        return True

    @staticmethod
    def _scope_key(p) -> tuple[str, str]:
        return json.dumps(p.get("scope") or {"type": "default"}, sort_keys=True), \
            p.get("language_code") or ""

    def _m_setMyCommands(self, p, f):
        commands = p.get("commands")
        if not isinstance(commands, list):
            raise ApiError(400, "Bad Request: parameter \"commands\" is required")
        for cmd in commands:
            if not re.fullmatch(r"[a-z0-9_]{1,32}", str(cmd.get("command", ""))):
                raise ApiError(400, "Bad Request: BOT_COMMAND_INVALID")
            if not 1 <= len(cmd.get("description", "")) <= 256:
                raise ApiError(400, "Bad Request: BOT_COMMAND_DESCRIPTION_INVALID")
        self._commands[self._scope_key(p)] = commands
        return True

    def _m_getMyCommands(self, p, f):
        return self._commands.get(self._scope_key(p), [])

    def _m_deleteMyCommands(self, p, f):
        self._commands.pop(self._scope_key(p), None)
        return True

    def _m_setWebhook(self, p, f):
        """Lenient on purpose: accepts http:// so tests can use a local listener."""
        secret = p.get("secret_token")
        if secret is not None and not re.fullmatch(r"[A-Za-z0-9_-]{1,256}", secret):
            raise ApiError(400, "Bad Request: secret token contains unallowed characters")
        if p.get("drop_pending_updates"):
            self._updates.clear()
        self.webhook = {"url": p.get("url") or "", "secret_token": secret,
                        "allowed_updates": p.get("allowed_updates")}
        return True

    def _m_deleteWebhook(self, p, f):
        if p.get("drop_pending_updates"):
            self._updates.clear()
        self.webhook = {"url": "", "secret_token": None, "allowed_updates": None}
        return True

    def _m_getWebhookInfo(self, p, f):
        return {"url": self.webhook["url"], "has_custom_certificate": False,
                "pending_update_count": len(self._updates)}

    def _m_sendDocument(self, p, f):
        chat_id = self._chat(p)
        if "document" in f:
            filename, content, mime = f["document"]
            meta = self._store_file("document", content, filename, mime)
        elif p.get("document") in self._files:
            meta = self._files[p["document"]]
        else:
            raise ApiError(400, "Bad Request: wrong file identifier/HTTP URL specified")
        fields = {"document": {k: meta[k] for k in ("file_id", "file_unique_id", "file_size",
                                                     "file_name", "mime_type")}}
        if p.get("caption"):
            fields["caption"] = self._text(p, "caption", 1024)
        markup = self._markup(p)
        msg = self._new_message(chat_id, self.bot_user, **fields)
        doc = {"filename": meta["file_name"], "content": meta["content"],
               "mime_type": meta["mime_type"], "file_id": meta["file_id"]}
        return self._record(chat_id, msg, "sendDocument", p, markup, document=doc)

    def _m_sendPhoto(self, p, f):
        """A photo upload (multipart, ``attach://`` too) or the file_id of a photo sent before.
        Telegram re-encodes it into several sizes (the ``photo`` array, smallest first); here
        each size keeps the uploaded bytes. Its caption is parsed like text, 1024 units."""
        chat_id = self._chat(p)
        fields: dict = {}
        if (p.get("caption") or "").strip():
            fields["caption"] = self._text(p, "caption", 1024)
        markup = self._markup(p)
        ref = p.get("photo")
        if isinstance(ref, str) and ref.startswith("attach://"):
            upload = f.get(ref[len("attach://"):])
        else:
            upload = f.get("photo")
        if upload is not None:
            sizes = self._new_photo(*upload)
        elif ref in self._photos:
            sizes = self._photos[ref]
        elif ref in self._files:
            raise ApiError(400, "Bad Request: type of file mismatch")
        elif ref:
            raise ApiError(400, "Bad Request: wrong file identifier/HTTP URL specified")
        else:
            raise ApiError(400, "Bad Request: there is no photo in the request")
        msg = self._new_message(chat_id, self.bot_user, photo=copy.deepcopy(sizes), **fields)
        largest = self._files[sizes[-1]["file_id"]]
        photo = {"content": largest["content"], "width": largest["width"],
                 "height": largest["height"], "file_id": largest["file_id"]}
        return self._record(chat_id, msg, "sendPhoto", p, markup, photo=photo)

    def _new_photo(self, filename: str, content: bytes, mime: str) -> list[dict]:
        """Check an uploaded photo as Telegram does and store its sizes."""
        if len(content) > PHOTO_MAX_BYTES:
            raise ApiError(400, "Bad Request: PHOTO_SAVE_FILE_INVALID")
        size = image_size(content)
        if size is None:
            raise ApiError(400, "Bad Request: IMAGE_PROCESS_FAILED")
        width, height = size
        if width + height > PHOTO_MAX_SIDES or max(width, height) > PHOTO_MAX_RATIO * min(width, height):
            raise ApiError(400, "Bad Request: PHOTO_INVALID_DIMENSIONS")
        longest, sizes = max(width, height), []
        for side in _PHOTO_SIDES:
            scale = min(1.0, side / longest)
            w, h = max(1, round(width * scale)), max(1, round(height * scale))
            meta = self._store_file("photo", content, filename, mime)
            meta.update(width=w, height=h)
            sizes.append({k: meta[k] for k in ("file_id", "file_unique_id", "file_size",
                                               "width", "height")})
            if scale == 1.0:
                break
        for entry in sizes:
            self._photos[entry["file_id"]] = sizes
        return sizes

    def _m_getFile(self, p, f):
        meta = self._files.get(p.get("file_id"))
        if meta is None:
            raise ApiError(400, "Bad Request: invalid file_id")
        return {k: meta[k] for k in ("file_id", "file_unique_id", "file_size", "file_path")}

    def _m_close(self, p, f):
        return True

    _m_logOut = _m_close

    # ----------------------------------------------------------------- the person's side
    def _push(self, kind: str, obj: dict) -> dict:
        # Deep copy: later edits must not rewrite an update that is still queued.
        update = {"update_id": next(self._update_ids), kind: copy.deepcopy(obj)}
        self._updates.append(update)
        self._cond.notify_all()
        return copy.deepcopy(update)

    def _user(self, user_id: int, first_name: str | None) -> dict:
        user = self._users.setdefault(user_id, {"id": user_id, "is_bot": False,
                                                "first_name": first_name or "Sam",
                                                "language_code": "en"})
        if first_name:
            user["first_name"] = first_name
        return user

    def _user_message(self, user_id: int, first_name: str | None, **fields) -> dict:
        with self._cond:
            user = self._user(user_id, first_name)
            self._set_blocked(user_id, False)  # writing to the bot implies "Restart bot"
            return self._push("message", self._new_message(user_id, user, **fields))

    def send_text(self, user_id: int, text: str, *, first_name: str | None = None) -> dict:
        """The person types ``text``; a leading /command gets a bot_command entity.
        ``first_name`` defaults to "Sam" for a new user and otherwise keeps the last one."""
        fields: dict = {"text": text}
        if cmd := _COMMAND_RE.match(text):
            fields["entities"] = [{"type": "bot_command", "offset": 0, "length": cmd.end()}]
        return self._user_message(user_id, first_name, **fields)

    def send_sticker(self, user_id: int, *, emoji: str = "🙂", first_name=None) -> dict:
        n = next(self._ids)
        return self._user_message(user_id, first_name, sticker={
            "file_id": f"sticker-{n}", "file_unique_id": f"us{n}", "type": "regular",
            "width": 512, "height": 512, "is_animated": False, "is_video": False,
            "emoji": emoji})

    def _user_file(self, kind: str, content: bytes, filename: str, mime: str,
                   keys: tuple, **extra) -> dict:
        """Stored so the bot can getFile + download it from base_file_url."""
        with self._cond:
            meta = self._store_file(kind, content, filename, mime)
        return {k: meta[k] for k in ("file_id", "file_unique_id", "file_size", *keys)} | extra

    def send_photo(self, user_id: int, *, caption: str | None = None, first_name=None) -> dict:
        size = self._user_file("photo", b"\xff\xd8fake-jpeg\xff\xd9", "p.jpg", "image/jpeg",
                               (), width=90, height=90)
        with self._cond:
            self._files[size["file_id"]].update(width=90, height=90)
            self._photos[size["file_id"]] = [size]
        extra = {"caption": caption} if caption else {}
        return self._user_message(user_id, first_name, photo=[size], **extra)

    def send_voice(self, user_id: int, *, duration: int = 3, first_name=None) -> dict:
        voice = self._user_file("voice", b"OggS fake-opus", "v.ogg", "audio/ogg",
                                ("mime_type",), duration=duration)
        return self._user_message(user_id, first_name, voice=voice)

    def send_document_from_user(self, user_id: int, content: bytes = b"hello",
                                filename: str = "notes.txt", *, mime_type: str = "text/plain",
                                first_name=None) -> dict:
        doc = self._user_file("document", content, filename, mime_type,
                              ("file_name", "mime_type"))
        return self._user_message(user_id, first_name, document=doc)

    def send_location(self, user_id: int, latitude: float = 52.52, longitude: float = 13.405,
                      *, first_name=None) -> dict:
        return self._user_message(user_id, first_name,
                                  location={"latitude": latitude, "longitude": longitude})

    def edit_text(self, user_id: int, message_id: int, new_text: str) -> dict:
        """The person edits one of *their own* earlier messages -> edited_message update."""
        with self._cond:
            msg = self._messages.get((user_id, message_id))
            if msg is None or msg["from"].get("is_bot"):
                raise AssertionError(f"user {user_id} has no own message {message_id} to edit")
            msg.update(text=new_text, edit_date=self._now())
            return self._push("edited_message", copy.deepcopy(msg))

    def press_button(self, user_id: int, message_id: int, data: str, *,
                     strict: bool = True) -> dict:
        """The person taps an inline button under the bot's message ``message_id``.

        ``strict`` refuses buttons not currently on that message: a real person cannot press
        a button that was edited away, so a test doing so is probably wrong.
        """
        with self._cond:
            rec = self._sent.get((user_id, message_id))
            if rec is None or rec.deleted:
                raise AssertionError(f"bot has no message {message_id} in chat {user_id}")
            if strict and data not in [d for _, d in rec.buttons]:
                raise AssertionError(f"message {message_id} has no button {data!r}; "
                                     f"buttons are {rec.buttons}")
            query_id = str(next(self._ids) + 4_000_000_000)
            self._callbacks[query_id] = {"answered": False}
            return self._push("callback_query", {
                "id": query_id, "from": self._user(user_id, None), "data": data,
                "chat_instance": str(-user_id), "message": copy.deepcopy(
                    self._messages[(user_id, message_id)])})

    # ----------------------------------------------------------------- test controls
    def _set_blocked(self, user_id: int, blocked: bool) -> None:
        """Like Telegram, (un)blocking also tells the bot via a my_chat_member update."""
        if (user_id in self._blocked) == blocked:
            return
        self._blocked.symmetric_difference_update({user_id})
        old, new = ("member", "kicked") if blocked else ("kicked", "member")
        user = self._user(user_id, None)
        self._push("my_chat_member", {
            "chat": {"id": user_id, "type": "private", "first_name": user["first_name"]},
            "from": user, "date": self._now(),
            "old_chat_member": {"user": self.bot_user, "status": old, "until_date": 0},
            "new_chat_member": {"user": self.bot_user, "status": new, "until_date": 0}})

    def block(self, user_id: int) -> None:
        """The person blocks the bot: later sends to them answer 403."""
        with self._cond:
            self._set_blocked(user_id, True)

    def unblock(self, user_id: int) -> None:
        with self._cond:
            self._set_blocked(user_id, False)

    def fail_next(self, method: str, error_code: int = 429, retry_after: int = 1,
                  description: str | None = None, *, chat_id: int | None = None,
                  times: int = 1) -> None:
        """Queue an injected failure for ``method`` (stackable): the next ``times`` calls
        (for ``chat_id`` only, when given) get it."""
        params = {"retry_after": retry_after} if error_code == 429 else None
        default = {429: f"Too Many Requests: retry after {retry_after}",
                   400: "Bad Request: injected failure", 403: BLOCKED,
                   500: "Internal Server Error", 502: "Bad Gateway"}
        err = ApiError(error_code, description or default.get(error_code, "Injected error"),
                       params)
        with self._cond:
            self._failures.setdefault(method.lower(), []).append([err, chat_id, times])

    def clear_failures(self) -> None:
        """Forget every injected failure not yet used."""
        with self._cond:
            self._failures.clear()

    def hold_sends(self, after: int) -> None:
        """Close the gate (see the module docstring) once ``after`` sendMessage calls have
        been answered, counting from the start of this fake."""
        with self._cond:
            self._hold_after = after
            self._cond.notify_all()

    def held_sends(self) -> list[int]:
        """Chat ids of the sendMessage requests blocked at the gate right now."""
        with self._cond:
            return list(self._held)

    def release_held(self) -> None:
        """Open the gate: held requests end (502, never recorded), later ones pass."""
        with self._cond:
            self._hold_after = None
            self._hold_gen += 1
            self._cond.notify_all()

    def pending_updates(self) -> list[dict]:
        """Updates not yet confirmed by an offset (what a restarted bot will receive)."""
        with self._cond:
            return copy.deepcopy(self._updates)

    def calls(self, method: str | None = None) -> list[ApiCall]:
        with self._cond:
            return [copy.deepcopy(c) for c in self._calls
                    if method is None or c.method.lower() == method.lower()]

    def _snapshot(self, chat_id: int | None) -> list[BotMessage]:
        return [copy.deepcopy(m) for m in self._sent.values()  # dicts keep send order
                if chat_id is None or m.chat_id == chat_id]

    def bot_messages(self, chat_id: int | None = None) -> list[BotMessage]:
        with self._cond:
            return self._snapshot(chat_id)

    def wait_for(self, predicate_or_count: int | Callable[[list[BotMessage]], Any],
                 chat_id: int | None = None, timeout: float = 10.0) -> list[BotMessage]:
        """Block until the bot has sent N messages to ``chat_id`` (or the predicate, given
        that chat's message list, is truthy). Returns the list; on timeout raises an
        AssertionError showing what the bot DID send and its recent API calls."""
        if isinstance(predicate_or_count, int):
            count = predicate_or_count
            predicate, wanted = (lambda msgs: len(msgs) >= count), f"{count} bot message(s)"
        else:
            predicate = predicate_or_count
            wanted = getattr(predicate, "__name__", repr(predicate))
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                msgs = self._snapshot(chat_id)
                if predicate(msgs):
                    return msgs
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    break
                self._cond.wait(remaining)
            seen = "\n".join(f"  #{m.message_id} {m.method} {m.text!r} buttons={m.buttons}"
                             f"{' edits=%d' % len(m.edits) if m.edits else ''}"
                             for m in msgs) or "  (nothing)"
            recent = "\n".join(f"  {c.method} -> {c.status} {c.params}" for c in self._calls
                               if c.method != "getUpdates" and (
                                   chat_id is None or c.params.get("chat_id") == chat_id))
            raise AssertionError(
                f"timed out after {timeout}s waiting for {wanted} in chat {chat_id}.\n"
                f"Bot messages received:\n{seen}\nAPI calls (excluding getUpdates):\n"
                f"{recent[-3000:] or '  (none)'}")

    async def wait_for_async(self, predicate_or_count, chat_id=None, timeout: float = 10.0):
        """Same as wait_for without blocking the event loop the bot may be running on."""
        return await asyncio.to_thread(self.wait_for, predicate_or_count, chat_id, timeout)

    def post_to_webhook(self, url: str | None = None, secret_token: str | None = None,
                        update: dict | None = None, timeout: float = 10.0) -> int:
        """POST an update to the bot's webhook listener the way Telegram does; returns the
        HTTP status. Defaults: the registered url/secret and the oldest pending update.
        Telegram drops an update once the webhook answers 2xx, so we do too. Blocking:
        from an async test use ``await asyncio.to_thread(fake.post_to_webhook, ...)``."""
        with self._cond:
            url = url or self.webhook["url"]
            if secret_token is None:
                secret_token = self.webhook["secret_token"]
            if update is None and self._updates:
                update = copy.deepcopy(self._updates[0])
        if not url or update is None:
            raise AssertionError("post_to_webhook needs a webhook url and an update")
        headers = {"Content-Type": "application/json"}
        if secret_token:
            headers["X-Telegram-Bot-Api-Secret-Token"] = secret_token
        request = urllib.request.Request(url, json.dumps(update).encode(), headers)
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                status = response.status
        except urllib.error.HTTPError as err:
            status = err.code
        if 200 <= status < 300:
            with self._cond:
                self._updates = [u for u in self._updates
                                 if u["update_id"] != update.get("update_id")]
        return status
