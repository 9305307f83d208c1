"""The docker executor (`executor`): the mock in a sidecar container (`sidecar`, `sidecar_channel`),
each snippet in a sandboxed container (`sandbox`) as the isolation strategy says (`isolation`: fresh
containers `fresh_*`, or warm ones `warm_*`), the runner images (`images`) and the engine (`engine`)."""
