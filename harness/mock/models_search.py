"""`GET /accounts/{account_id}/ai/models/search`: the model list, answered from the catalog.

Pages show it to let readers discover models; it takes `search` (a substring of the name), `task`
(a task's display name or slug), `page` and `per_page`, and answers the models in the envelope,
with `result_info` (`count`, `page`, `per_page`, `total_count`) for paging.
"""

from __future__ import annotations

import hashlib
from typing import Any

from harness.mock.answers import Answer
from harness.mock.catalog import Catalog, Model
from harness.mock.inference import Reply


def task_title(slug: str) -> str:
    """`text-generation` -> `Text Generation`."""
    return " ".join(word.capitalize() for word in slug.split("-"))


def _stable_id(text: str) -> str:
    digest = hashlib.sha256(text.encode()).hexdigest()
    return f"{digest[:8]}-{digest[8:12]}-{digest[12:16]}-{digest[16:20]}-{digest[20:32]}"


def describe(model: Model) -> dict[str, Any]:
    """One model as the search endpoint lists it."""
    return {
        "id": _stable_id(model.id),
        "name": model.id,
        "description": f"{model.id} ({task_title(model.task.name)}), served by the docs-snippet harness mock",
        "source": 1,
        "task": {"id": _stable_id(model.task.name), "name": task_title(model.task.name),
                 "description": f"{task_title(model.task.name)} models"},
        "tags": [],
        "properties": [],
    }


def search(catalog: Catalog, query: dict[str, str]) -> Reply:
    """The envelope of models matching `query`."""
    text = query.get("search", "").lower()
    task = query.get("task", "").lower().replace(" ", "-")
    found = [m for m in sorted(catalog.models.values(), key=lambda m: m.id)
             if text in m.id.lower() and (not task or m.task.name == task)]
    try:
        page, per_page = max(1, int(query.get("page", "1"))), max(1, int(query.get("per_page", "50")))
    except ValueError:
        return Reply.failure(400, 1001, "page and per_page must be whole numbers")
    chosen = found[(page - 1) * per_page: page * per_page]
    paging = {"count": len(chosen), "page": page, "per_page": per_page, "total_count": len(found)}
    return Reply(200, answer=Answer(result=[describe(m) for m in chosen], result_info=paging))
