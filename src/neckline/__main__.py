import sys

from neckline.cli import main

sys.exit(main())
