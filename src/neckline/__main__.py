import sys

from neckline.commands.cli import main

sys.exit(main())
