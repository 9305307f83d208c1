"""The benchmark: synthetic docs trees, the bare limit, and measurements run in their own processes."""
