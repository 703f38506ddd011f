"""Private media: the store (local files or object storage behind one interface), photo and voice ingest,
recordings on whatever owns one, committing media changes safely, the easy-read PDF builder, and serving
files to people the policy has let through.

May import: the base modules only.
"""
