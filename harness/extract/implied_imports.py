"""The SDK client a JavaScript or TypeScript example uses without importing it.

API reference pages show SDK calls as `const client = new Cloudflare({...})` and leave the import
out: the page means the reader to have it. Such a block is code meant to run, so the harness runs it
with the import put in front (on the block's first line, so page lines stay as they are), states it
on the block's "Ran as" line, and warns the writer: copied as it stands, the block throws
`ReferenceError`. Only names of SDKs the runners install are supplied, and only when the import is
all the block lacks.
"""

from __future__ import annotations

from dataclasses import dataclass

from harness.extract.jsfacts import facts_of

SDK_CLIENTS: dict[str, str] = {
    "Cloudflare": 'import Cloudflare from "cloudflare";',
    "OpenAI": 'import OpenAI from "openai";',
    "Stripe": 'import Stripe from "stripe";',
}
"""A client class name an example may use unimported, and the import the SDK documents for it."""


@dataclass(frozen=True)
class Implied:
    """The imports a block lacks, and its code with them in front."""

    names: tuple[str, ...]
    """The client names the block uses and never imports, in the order it uses them."""
    shown: str
    """The block's code as the page shows it."""

    @property
    def imports(self) -> str:
        """The import statements put in front, as one line."""
        return " ".join(SDK_CLIENTS[name] for name in self.names)

    @property
    def code(self) -> str:
        """The block's code with the imports on its first line (its line count unchanged)."""
        return f"{self.imports} {self.shown}"

    def ran_as(self) -> str:
        """The "Ran as" words of the report."""
        return f"with `{self.imports}` in front: the page leaves the import out"

    def warning(self) -> str:
        """What the docs writer hears."""
        listed = ", ".join(f"`{name}`" for name in self.names)
        return (f"uses {listed} without importing it: copied as it stands, the block throws ReferenceError "
                f"(it ran with `{self.imports}` in front)")


def implied_imports(code: str, language: str) -> Implied | None:
    """The SDK imports a `js`/`ts` block uses and never makes, or None when it lacks none."""
    if language not in ("js", "ts"):
        return None
    names = tuple(name for name in facts_of(code, language == "ts").used if name in SDK_CLIENTS)
    return Implied(names, code) if names else None
