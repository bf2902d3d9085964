"""The entry point of the package's plugin: the engine runs `python provider <engine address>`.

The repository's root `__main__.py` is the stack's program, so the plugin lives in this folder, and
puts the root on sys.path (sys.path[0] is this folder) to import components/package/plugin.py.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from components.package.plugin import serve

if __name__ == "__main__":
    serve(sys.argv[1:])
