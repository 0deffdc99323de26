#!/usr/bin/env python
"""Django's command-line utility for administrative tasks."""

import os
import sys


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")
    if sys.argv[1:2] != ["runserver"]:
        # Batch work (migrations, imports, generating content) may run long statements; the
        # web's limits (newsroom.settings: DB_STATEMENT_TIMEOUT_MS) are for requests.
        os.environ.setdefault("DB_STATEMENT_TIMEOUT_MS", "0")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
