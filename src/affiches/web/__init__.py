"""The web page (``affiches serveur``): Flask application, render pool, templates, static files.

Contract: ``create_app`` (in ``affiches.web.app``) builds the WSGI application;
``serve`` (in ``affiches.web.server``) runs it with waitress. Importing this package
imports neither Flask nor waitress.
"""
