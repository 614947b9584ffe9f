"""`python -m aiwatch`: the same as the `aiwatch` command (the app starts its fetches so)."""

from aiwatch.cli import main

if __name__ == "__main__":
    main()
