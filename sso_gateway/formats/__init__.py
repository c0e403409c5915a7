"""Date formats that replace Django's per language (FORMAT_MODULE_PATH): one readable shape, zone shown."""
