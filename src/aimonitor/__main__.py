import sys

from aimonitor.cli import main

sys.exit(main())
