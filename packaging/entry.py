"""Entry point of the bundle's executables, chosen by the name the program was started as:
`counterapp-cli` is the command line (and `--self-test`), any other name the window program.

On Linux `counterapp-cli` is a symlink to `counterapp` (one executable, one copy of the
Python modules); on Windows it is a second executable built with a console."""

import sys
from pathlib import Path

if Path(sys.argv[0]).stem == "counterapp-cli" and sys.argv[1:2] != ["--self-test"]:
    from counterapp.cli import main as run
else:  # main.py handles --self-test itself
    from main import main as run

sys.exit(run())
