"""The only code that speaks HTTP to Jira (client.py), its typed results (types.py) and errors (errors.py)."""
