"""Errors that every stage may raise or catch: the harness failing is not the snippet failing."""

from __future__ import annotations


class HarnessError(Exception):
    """The harness itself failed (not the snippet): reported as status `error`, exit code 2."""
