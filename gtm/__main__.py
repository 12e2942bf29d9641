"""python -m gtm: the command line."""

from gtm.cli import main

raise SystemExit(main())
