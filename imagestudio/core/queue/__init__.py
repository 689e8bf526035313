"""The persistent job queue: its tables, records, store, retry policy and the runner that works through it."""
