"""Cloudflare Stream for the Worker binding (`env.STREAM`, `StreamBinding` of `@cloudflare/workers-types`),
called by `runners/worker/mock-binding.mjs` through `POST /__harness/binding/stream/{action}`:

- `upload` `[url, params]`: a `StreamVideo` made from the URL (`input`, `meta`, playback URLs); a URL
  already uploaded by the snippet is refused as the service refuses it (`AlreadyUploadedError`).
- `createDirectUpload` `[params]`: `{id, uploadURL, watermark, scheduledDeletion}`.
- `details` / `delete` `[id]`: one video of the snippet (`NotFoundError` when it has none by that id).
- `list` `[params]`: the snippet's videos.
Each snippet has its own library, in memory.
"""

from __future__ import annotations

import hashlib
from typing import Any
from urllib.parse import urlsplit

CUSTOMER = "customer-f33zs165nr7gyfy4.cloudflarestream.com"
"""The playback host of the mock's account (a plausible customer subdomain)."""
CREATED = "2026-12-07T00:00:00.000000Z"


class StreamError(Exception):
    """A call the service refuses: `name` is the error class the binding throws."""

    def __init__(self, name: str, message: str) -> None:
        super().__init__(message)
        self.name = name


def _video(uid: str, url: str, params: dict[str, Any]) -> dict[str, Any]:
    given = params.get("meta")
    meta: dict[str, Any] = given if isinstance(given, dict) else {}
    name = urlsplit(url).path.rsplit("/", 1)[-1] or uid
    return {
        "id": uid, "creator": params.get("creator"), "thumbnail": f"https://{CUSTOMER}/{uid}/thumbnails/thumbnail.jpg",
        "thumbnailTimestampPct": params.get("thumbnailTimestampPct", 0), "readyToStream": True,
        "readyToStreamAt": CREATED, "status": {"state": "ready", "pctComplete": "100.000000", "errorReasonCode": "",
                                               "errorReasonText": ""},
        "meta": {"name": name, **meta}, "created": CREATED, "modified": CREATED, "scheduledDeletion": None,
        "size": 4_194_304, "preview": f"https://{CUSTOMER}/{uid}/watch",
        "allowedOrigins": params.get("allowedOrigins", []),
        "requireSignedURLs": bool(params.get("requireSignedURLs", False)), "uploaded": CREATED, "uploadExpiry": None,
        "maxSizeBytes": None, "maxDurationSeconds": None, "duration": 12.5, "input": {"width": 1920, "height": 1080},
        "hlsPlaybackUrl": f"https://{CUSTOMER}/{uid}/manifest/video.m3u8",
        "dashPlaybackUrl": f"https://{CUSTOMER}/{uid}/manifest/video.mpd", "watermark": None,
        "clippedFromId": None, "publicDetails": None,
    }


class Stream:
    """The video libraries of every snippet."""

    def __init__(self) -> None:
        self._videos: dict[str | None, dict[str, dict[str, Any]]] = {}

    def call(self, snippet: str | None, action: str, args: list[Any]) -> Any:
        """One binding call: its result as the binding returns it."""
        videos = self._videos.setdefault(snippet, {})
        first = args[0] if args else None
        params = args[1] if len(args) > 1 and isinstance(args[1], dict) else {}
        if action == "upload":
            if not isinstance(first, str) or urlsplit(first).scheme not in ("http", "https"):
                raise StreamError("BadRequestError", f"upload needs an http(s) URL, got {first!r}")
            uid = hashlib.sha256(f"{snippet}\0{first}".encode()).hexdigest()[:32]
            if uid in videos:
                raise StreamError("AlreadyUploadedError", f"a video was already uploaded from {first}")
            videos[uid] = _video(uid, first, params)
            return videos[uid]
        if action == "createDirectUpload":
            uid = hashlib.sha256(f"{snippet}\0direct\0{len(videos)}".encode()).hexdigest()[:32]
            return {"id": uid, "uploadURL": f"https://upload.videodelivery.net/{uid}", "watermark": None,
                    "scheduledDeletion": None}
        if action == "list":
            return list(videos.values())
        if action in ("details", "delete"):
            if first not in videos:
                raise StreamError("NotFoundError", f"no video with id {first!r}")
            return videos[first] if action == "details" else videos.pop(first) and None
        raise StreamError("BadRequestError", f"the Stream binding has no method {action!r} in the harness")
