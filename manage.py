#!/usr/bin/env python
"""Django's command-line utility for the memorial archive."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "memorial.settings")
    if sys.argv[1:2] == ["quickstart"]:
        # quickstart is the local, zero-configuration way in: before settings are
        # read, it writes the development .env (DEBUG=1, a generated secret key)
        # that this and every later command read.
        from memorial.envfile import write_development_env

        write_development_env()
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
