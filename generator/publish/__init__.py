"""Publishing a meeting: whether its papers are ready (ready.py, `papers check --publish`), what was published
(record.py, kept in the manifest) and `papers publish` itself (command.py)."""
