"""The Account page's components (pages/account.py): finding the account, its status and why, its opportunities,
who leads it, and recording a decision. Session keys are named in keys.py."""
