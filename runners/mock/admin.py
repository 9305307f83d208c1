"""The harness's door to the mock sidecar's admin paths, run with `docker exec` (the host cannot
reach a container without network). Standard library only, so it starts fast.

    admin.py ready                 exit 0 when the app answers and /public/ca.pem exists
    admin.py register SNIPPET_ID   prints {"token": ...}
    admin.py journal SNIPPET_ID    prints the journal entries of that snippet (JSON list)
    admin.py take SNIPPET_ID       the same, and the mock forgets them (for a run done with the snippet)
"""

from __future__ import annotations

import json
import os
import sys
import urllib.parse
import urllib.request

APP = f"http://127.0.0.1:{os.environ.get('HARNESS_APP_PORT', '8081')}"


def call(method: str, path: str, body: object = None) -> bytes:
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(APP + path, data=data, method=method,
                                     headers={"content-type": "application/json"})
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    with opener.open(request, timeout=10) as response:
        return bytes(response.read())


def main(argv: list[str]) -> int:
    command, *args = argv
    if command == "ready":
        call("GET", "/__harness/health")
        return 0 if os.path.exists(os.environ.get("HARNESS_PUBLIC_DIR", "/public") + "/ca.pem") else 1
    if command == "register":
        sys.stdout.buffer.write(call("POST", "/__harness/register", {"snippet_id": args[0]}))
    elif command in ("journal", "take"):
        query = urllib.parse.urlencode({"snippet": args[0]})
        sys.stdout.buffer.write(call("GET" if command == "journal" else "DELETE", f"/__harness/journal?{query}"))
    else:
        print(f"unknown command {command!r}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
