"""Entry point of `counterapp-cli` in the bundle: the command line, or `--self-test`."""

import sys

if sys.argv[1:2] == ["--self-test"]:
    import main

    sys.exit(main.self_test())
from counterapp.cli import main as cli_main

sys.exit(cli_main())
