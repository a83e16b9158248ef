"""The customer's workspace: the pages that gather several apps (dashboard, digital warehouse, search, demo data).

The top layer: it may import every feature app, and none imports it.
"""
