#!/usr/bin/env python
"""Django's command-line utility for Impact Alliances."""

import os
import sys


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "impact_alliances.settings")
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    try:
        execute_from_command_line(sys.argv)
    except ImproperlyConfigured as error:
        # A configuration mistake deserves one readable line, not a stack trace.
        sys.exit(f"Configuration incorrecte : {error}")


if __name__ == "__main__":
    main()
