"""Declarative tenant configuration: apply a JSON document, export one, list a tenant's links.

`parse` checks the document's structure, `apply` writes it in one transaction through the models' own
validation, `export` writes the same format back without secrets, `links` lists every URL an admin hands
out. The format is documented in docs/configuration.md.
"""
