"""Background worker: job records, job functions and dramatiq actors (docs/worker.md)."""
