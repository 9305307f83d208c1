"""The local executor: snippets as processes on this machine (`executor`, `process`), and the warm
Worker servers (`warm_worker`) that local and docker runs share, each a JSON-lines helper process
(`helper_process`)."""
