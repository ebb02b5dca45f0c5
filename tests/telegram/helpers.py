"""In-process harness: the real ``Application`` with a recording ``BaseRequest`` (no network).

``RecordingRequest`` answers every Bot API call the way Telegram would (enough for PTB to
build its objects) and records it, so tests assert on the calls the bot made. Updates are
fed through ``update_queue`` (never ``process_update``, which bypasses the per-person
processor); ``AckQueue.put`` returns once the update has been handled.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import time
from dataclasses import dataclass, field

from telegram import Update
from telegram.request import BaseRequest, RequestData

from bot.telegram import build_application

BOT_USER = {"id": 123, "is_bot": True, "first_name": "Inner Child (test)", "username": "innerchild_test_bot"}
_update_ids = itertools.count(1000)


@dataclass
class Call:
    method: str
    params: dict
    time: float
    files: dict = field(default_factory=dict)
    failed: bool = False


class RecordingRequest(BaseRequest):
    """A fake Bot API in memory: records calls; ``fail(method, ...)`` injects an error answer."""

    def __init__(self) -> None:
        self.calls: list[Call] = []
        self._failures: dict[str, list[tuple[int, str, dict | None]]] = {}
        self._message_ids: dict[int, itertools.count] = {}

    async def initialize(self) -> None:
        pass

    async def shutdown(self) -> None:
        pass

    @property
    def read_timeout(self) -> float:
        return 1.0

    def fail(self, method: str, status: int, description: str, parameters: dict | None = None, *, chat_id: int | None = None) -> None:
        """The next call of ``method`` (to ``chat_id`` only, when given) answers this error."""
        key = method if chat_id is None else f"{method}:{chat_id}"
        self._failures.setdefault(key, []).append((status, description, parameters))

    def ok(self, method: str, chat_id: int | None = None) -> list[Call]:
        """The calls of ``method`` that succeeded."""
        return [c for c in self.of(method, chat_id) if not c.failed]

    def of(self, method: str, chat_id: int | None = None) -> list[Call]:
        return [c for c in self.calls if c.method == method and (chat_id is None or c.params.get("chat_id") == chat_id)]

    def sent_texts(self, chat_id: int) -> list[str]:
        return [c.params["text"] for c in self.of("sendMessage", chat_id)]

    async def do_request(self, url, method, request_data: RequestData | None = None, **_timeouts):
        name = url.rsplit("/", 1)[-1]
        params = dict(request_data.parameters) if request_data else {}
        files = dict(request_data.multipart_data) if request_data and request_data.contains_files else {}
        call = Call(name, params, time.monotonic(), files)
        self.calls.append(call)
        pending = self._failures.get(f"{name}:{params.get('chat_id')}") or self._failures.get(name)
        if pending:
            status, description, parameters = pending.pop(0)
            call.failed = True
            body = {"ok": False, "error_code": status, "description": description}
            if parameters:
                body["parameters"] = parameters
            return status, json.dumps(body).encode()
        return 200, json.dumps({"ok": True, "result": self._result(name, params)}).encode()

    def _result(self, name: str, params: dict) -> object:
        if name == "getMe":
            return BOT_USER
        if name == "getUpdates":
            return []
        if name in ("sendMessage", "sendDocument", "sendPhoto", "editMessageReplyMarkup"):
            chat_id = int(params["chat_id"])
            counter = self._message_ids.setdefault(chat_id, itertools.count(500))
            message = {"message_id": params.get("message_id") or next(counter), "date": int(time.time()),
                       "chat": {"id": chat_id, "type": "private"}, "from": BOT_USER}
            if "text" in params:
                message["text"] = params["text"]
            if name == "sendDocument":
                message["document"] = {"file_id": "doc", "file_unique_id": "doc"}
            if name == "sendPhoto":
                message["photo"] = [{"file_id": "photo", "file_unique_id": "photo", "width": 1, "height": 1}]
                message["caption"] = params.get("caption")
            return message
        return True


# -- updates a person sends --------------------------------------------------------------------
def _user(uid: int) -> dict:
    return {"id": uid, "is_bot": False, "first_name": "Sam", "language_code": "en"}


def _chat(uid: int, kind: str = "private") -> dict:
    return {"id": uid, "type": kind, "first_name": "Sam"} if kind == "private" else {"id": uid, "type": kind, "title": "A group"}


def message(uid: int, text: str | None = None, *, update_id: int | None = None, chat: dict | None = None, **fields) -> dict:
    body = {"message_id": next(_update_ids), "date": int(time.time()), "from": _user(uid), "chat": chat or _chat(uid), **fields}
    if text is not None:
        body["text"] = text
        if text.startswith("/"):
            body["entities"] = [{"type": "bot_command", "offset": 0, "length": len(text.split(" ", 1)[0])}]
    return {"update_id": update_id or next(_update_ids), "message": body}


def edited(uid: int, text: str) -> dict:
    update = message(uid, text)
    update["edited_message"] = update.pop("message") | {"edit_date": int(time.time())}
    return update


def press(uid: int, data: str, *, message_id: int = 77, with_keyboard: bool = True) -> dict:
    shown = {"message_id": message_id, "date": int(time.time()), "chat": _chat(uid), "from": BOT_USER, "text": "..."}
    if with_keyboard:
        shown["reply_markup"] = {"inline_keyboard": [[{"text": "x", "callback_data": data}]]}
    return {"update_id": next(_update_ids), "callback_query": {
        "id": str(next(_update_ids)), "from": _user(uid), "chat_instance": "1", "data": data, "message": shown}}


def kicked(uid: int) -> dict:
    member = lambda status: {"user": BOT_USER, "status": status, "until_date": 0}  # noqa: E731
    return {"update_id": next(_update_ids), "my_chat_member": {
        "chat": _chat(uid), "from": _user(uid), "date": int(time.time()),
        "old_chat_member": member("member"), "new_chat_member": member("kicked")}}


STICKER = {"sticker": {"file_id": "s", "file_unique_id": "s", "type": "regular", "width": 512, "height": 512,
                       "is_animated": False, "is_video": False, "emoji": "🙂"}}
PHOTO = {"photo": [{"file_id": "p", "file_unique_id": "p", "width": 90, "height": 90}]}
VOICE = {"voice": {"file_id": "v", "file_unique_id": "v", "duration": 3}}
DOCUMENT = {"document": {"file_id": "d", "file_unique_id": "d", "file_name": "notes.txt"}}
LOCATION = {"location": {"latitude": 52.5, "longitude": 13.4}}


class Harness:
    """The Application running on the test's loop, fed by hand, answering from memory."""

    def __init__(self, runtime, *, pause: float = 0.0):
        self.request = RecordingRequest()
        self.app = build_application(runtime, request=self.request, pause=pause)
        self.runtime = runtime

    async def __aenter__(self) -> "Harness":
        await self.app.initialize()
        await self.app.start()
        return self

    async def __aexit__(self, *exc) -> None:
        await self.app.stop()
        await self.app.shutdown()

    def update(self, data: dict) -> Update:
        return Update.de_json(data, self.app.bot)

    async def feed(self, *updates: dict, timeout: float = 10.0) -> None:
        """Queue the updates in order (as the poller does) and wait until all are handled."""
        puts = [asyncio.ensure_future(self.app.update_queue.put(self.update(u))) for u in updates]
        await asyncio.wait_for(asyncio.gather(*puts), timeout)

    def person(self, user: str):
        with self.runtime.database.transaction() as repo:
            person = repo.find_person(user)
            return None if person is None else {"active": person.active}
