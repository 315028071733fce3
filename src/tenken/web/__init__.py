"""`tenken serve`: the station in a browser. Routes (app.py), the board and the queue as JSON (data.py),
users and sessions (auth.py), what the page reads besides the running station (sources.py), templates
and static files. It renders station.view and never reaches past it: no database, no phone, no carrier.
"""
