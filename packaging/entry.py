"""Entry point of the bundle's executables, chosen by the name the program was started as:
`counterapp-cli` is the command line (and `--self-test`), any other name the window program.

On Linux `counterapp-cli` is a symlink to `counterapp` (one executable, one copy of the
Python modules); on Windows it is a second executable built with a console."""

import os
import sys
from pathlib import Path

# keyring finds its backends through package metadata, which a bundle may lack on Windows and
# macOS: name the platform's own backend. Through the variable, not `keyring.set_keyring`, so
# keyring is still imported only when a secret is needed, and a backend a caller sets on
# purpose (the self-test's in-memory one) still wins over it.
FROZEN_KEYRING_BACKENDS = {
    "win32": "keyring.backends.Windows.WinVaultKeyring",
    "darwin": "keyring.backends.macOS.Keyring",
}
if sys.platform in FROZEN_KEYRING_BACKENDS:
    os.environ.setdefault("PYTHON_KEYRING_BACKEND", FROZEN_KEYRING_BACKENDS[sys.platform])

if Path(sys.argv[0]).stem == "counterapp-cli" and sys.argv[1:2] != ["--self-test"]:
    from counterapp.cli import main as run
else:  # main.py handles --self-test itself
    from main import main as run

sys.exit(run())
