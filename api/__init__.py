"""The REST API over the service layer (``api.app.create_app``); ``python -m api`` serves it."""
