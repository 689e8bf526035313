"""``python -m imagestudio``."""

import sys

from imagestudio.main import main

sys.exit(main())
