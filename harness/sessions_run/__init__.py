"""Page sessions, the run: the blocks of one page and language that build on each other run in one
launch (a notebook kernel for Python, one bash for shell), and each keeps its own result.

`plan.py` turns the extraction's session plans (`harness.extract.sessions`) into `SessionJob`s,
`launch.py` builds the launch of a session's driver (`runners/python/session_driver.py`,
`runners/shell/session_driver.sh`), `results.py` reads the driver's report back into one result per
block, and `run.py` runs a session job on any executor.
"""
