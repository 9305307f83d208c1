"""The subcommands of `harness`, one module per family; `harness.cli` puts them together."""
