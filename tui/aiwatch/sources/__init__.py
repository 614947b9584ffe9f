"""Where figures come from: the bundled snapshot and Yahoo Finance."""
