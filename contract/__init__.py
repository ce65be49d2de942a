"""The ground floor: what every layer agrees on. ledgers (the ledger contract: every ledger declared once) and
location (where the data folder and the region pack are). Imports nothing of the project."""
