"""The services the mock hosts (see each subpackage)."""
