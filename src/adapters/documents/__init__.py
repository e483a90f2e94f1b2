"""Document adapters: PDF rendering (reportlab), the employer CSV and certificate verification codes.

See docs/documents.md and ADR 0007.
"""
