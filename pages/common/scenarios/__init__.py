"""The Scenarios page's components (pages/scenarios.py): building and saving a scenario, and comparing two plans.
Session keys are named in keys.py."""
