"""How many answers the code readers (JS, Python and shell facts, string spans) remember.

The same snippet code comes back within a docs tree: a fragment every page repeats, a partial
included on many pages, a Node and a Worker tab alike, the snippet read for its string spans and
then classified. Each reader is a pure function of the code, so the latest distinct answers are kept
(`functools.lru_cache`) and handed out again; answers are immutable, or copied when they are lists.
"""

from __future__ import annotations

REPEATS = 512
"""The distinct snippets each reader keeps its answer for (a few MB at most)."""
