"""What aiwatch keeps on disk: the cache of fetched data, notes and settings."""
