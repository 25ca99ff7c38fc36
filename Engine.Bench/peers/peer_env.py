"""Every peer runs in its best configuration: the settings of peer-env (this folder), applied before Python starts.

glibc reads MALLOC_* and libgomp reads OMP_WAIT_POLICY when the process starts, so setting them from inside a running
script is too late. A peer script calls ensure() first; when it was not started through peer-env, ensure() runs the
same command again through it (os.execv), so `python3 Engine.Bench/peers/SCRIPT.py` and
`Engine.Bench/peers/peer-env python3 Engine.Bench/peers/SCRIPT.py` measure the same thing.
"""
import os
import sys
from pathlib import Path

PEER_ENV = Path(__file__).resolve().with_name("peer-env")

# The command line the docs show, relative to the repository root.
COMMAND = "Engine.Bench/peers/peer-env /usr/bin/python3"


def ensure():
    if os.environ.get("ENGINE_PEER_ENV") == "1":
        return
    os.execv(str(PEER_ENV), [str(PEER_ENV), sys.executable, *sys.argv])
