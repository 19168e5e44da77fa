"""`python -m sandboxes`: see sandboxes/runner.py."""

from sandboxes.runner import main

raise SystemExit(main())
