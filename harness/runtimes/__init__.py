"""Runtimes: one module per language runtime (Python, Node, shell, Worker), registered in `registry.py`.

A `Runtime` (`base.py`) declares everything the harness knows about one runtime: the fence words
of its languages and how their code is classified and where placeholders stand in it (read at
extraction), its runner (how a snippet is launched), the base image of `runners/<name>/Dockerfile`
and whether it is served warm. Adding a runtime is one module here (or in another package, named
in the `harness.runtimes` entry-point group) and one folder `runners/<name>/`.
"""
