"""Write the "first hour with a real CRM export" fixtures in tests/fixtures/crm/ (a fixed seed: the same files every
time): a Salesforce accounts report keyed by name, with Parent Account names; its opportunities report (no BU, no
nature, about a third Closed Lost, some of them $0, spare parts of $50); and a HubSpot deals export with dealstage.

    python scripts/first_hour_fixtures.py
"""

from __future__ import annotations

import csv
import io
import random
from datetime import date, timedelta
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "crm"
SEED = 22

# (name, parent name or "", industry, billing country, annual revenue, owner, type)
GROUPS = {
    "Acme Corporation": ["Acme Corporation - EMEA", "Acme Logistics GmbH"],
    "Globex Industries": ["Globex Energy", "Globex Rail Systems"],
    "Initech Holdings": ["Initech Software"],
    "Umbrella Group": ["Umbrella Pharma Europe", "Umbrella Chemicals"],
    "Stark Manufacturing": ["Stark Aerospace"],
}
STANDALONE = ["Northwind Industrial", "Contoso Ltd", "Fabrikam, Inc.", "Tailspin Toys", "Wide World Importers",
              "Litware Inc.", "Adventure Works Cycles", "Blue Yonder Airlines", "Coho Winery", "Fourth Coffee",
              "Lucerne Publishing", "Margie's Travel", "Proseware, Inc.", "Trey Research", "Wingtip Toys",
              "Woodgrove Bank", "Alpine Ski House", "City Power & Light", "Humongous Insurance", "Southridge Video",
              "Consolidated Messenger", "VanArsdel Ltd", "Relecloud", "Müller Anlagenbau GmbH",
              "Société Générale Énergie", "Nordic Façades AB"]
INDUSTRIES = ["Manufacturing", "Energy", "Transportation", "Chemicals", "Utilities", "Retail", "Technology",
              "Financial Services", "Aerospace", "Healthcare"]
COUNTRIES = ["United States", "Germany", "France", "United Kingdom", "Netherlands", "Sweden", "Canada", "Japan"]
OWNERS = ["Dana Reyes", "Marco Rossi", "Aiko Tanaka", "Jörg Weiß", "Zoë Laurent", "Sam Okafor"]
ACCOUNT_TYPES = ["Customer - Direct", "Customer - Channel", "Prospect"]

# Product family: (low, high) amount in dollars, and the words of its opportunity names
FAMILIES = {
    "Automation": ((50_000, 2_000_000), ["PLC migration", "line 4 retrofit", "robot cell", "MES rollout"]),
    "Drives": ((20_000, 500_000), ["variable-speed drives", "servo upgrade", "motor replacement"]),
    "Sensors": ((5_000, 150_000), ["pressure transmitters", "vision system", "flow meters"]),
    "Power Systems": ((100_000, 5_000_000), ["substation", "battery storage", "switchgear"]),
    "Service Contracts": ((10_000, 300_000), ["maintenance contract", "remote monitoring", "service renewal"]),
    "Spare Parts": ((50, 5_000), ["spare fuses", "replacement seals", "cable kit", "filter set"]),
}
# Salesforce's default sales process: (stage, probability %); the closed stages come after.
OPEN_STAGES = [("Prospecting", 10), ("Qualification", 10), ("Needs Analysis", 20), ("Value Proposition", 50),
               ("Id. Decision Makers", 60), ("Perception Analysis", 70), ("Proposal/Price Quote", 75),
               ("Negotiation/Review", 90)]
OPPORTUNITY_TYPES = ["New Business", "Existing Business", "Existing Business - Upgrade", "Renewal"]

# HubSpot's default deal pipeline: internal dealstage values
HUBSPOT_OPEN = ["appointmentscheduled", "qualifiedtobuy", "presentationscheduled", "decisionmakerboughtin",
                "contractsent"]


def _csv(header: list[str], rows: list[list[object]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8-sig")  # Salesforce's and HubSpot's exports: UTF-8 with a BOM


def _dollars(amount: float) -> str:
    return f"${amount:,.2f}"


def accounts(rng: random.Random) -> list[list[object]]:
    """The accounts report's rows, parents before and after their children (a report is sorted by name)."""
    rows: list[list[object]] = []
    for parent, children in GROUPS.items():
        for name, above in [(parent, ""), *((c, parent) for c in children)]:
            rows.append([name, above, rng.choice(INDUSTRIES), rng.choice(COUNTRIES),
                         _dollars(rng.randrange(50, 5_000) * 1_000_000), rng.choice(OWNERS), ACCOUNT_TYPES[0]])
    for name in STANDALONE:
        rows.append([name, "", rng.choice(INDUSTRIES), rng.choice(COUNTRIES),
                     _dollars(rng.randrange(5, 2_000) * 1_000_000), rng.choice(OWNERS), rng.choice(ACCOUNT_TYPES)])
    return sorted(rows, key=lambda r: str(r[0]).casefold())


def opportunities(rng: random.Random, names: list[str], count: int = 330) -> list[list[object]]:
    """The opportunities report: about a third Closed Lost (some of $0), a sixth Closed Won, the rest open."""
    rows: list[list[object]] = []
    today = date(2026, 12, 1)
    for i in range(count):
        account = rng.choice(names)
        family = rng.choice(list(FAMILIES))
        (low, high), words = FAMILIES[family]
        amount = float(round(rng.uniform(low, high), -1 if high < 10_000 else -3))
        roll = rng.random()
        if roll < 0.34:
            stage, probability = "Closed Lost", 0
            close = today - timedelta(days=rng.randrange(10, 540))
            if rng.random() < 0.12:
                amount = 0.0  # a lost deal whose amount was zeroed when it was lost
        elif roll < 0.50:
            stage, probability = "Closed Won", 100
            close = today - timedelta(days=rng.randrange(10, 720))
        else:
            stage, probability = rng.choice(OPEN_STAGES)
            close = today + timedelta(days=rng.randrange(15, 540))
        short = account.split(" - ")[0].split(",")[0]
        rows.append([f"0065g00000{i + 1:05d}AAA", account, f"{short} - {rng.choice(words)}", family, stage,
                     probability, _dollars(amount), close.strftime("%d/%m/%Y"), rng.choice(OWNERS),
                     rng.choice(OPPORTUNITY_TYPES)])
    return rows


def hubspot_deals(rng: random.Random, names: list[str], count: int = 120) -> list[list[object]]:
    """A HubSpot deals export: dealstage as HubSpot stores it (closedwon, closedlost, appointmentscheduled …)."""
    rows: list[list[object]] = []
    today = date(2026, 12, 1)
    for i in range(count):
        roll = rng.random()
        stage = "closedlost" if roll < 0.33 else "closedwon" if roll < 0.5 else rng.choice(HUBSPOT_OPEN)
        family = rng.choice(list(FAMILIES))
        (low, high), words = FAMILIES[family]
        amount = round(rng.uniform(low, high), -1 if high < 10_000 else -3)
        close = today + timedelta(days=rng.randrange(-400, 400))
        account = rng.choice(names)
        rows.append([9_000_000 + i * 7, f"{account.split(',')[0]} - {rng.choice(words)}", stage, f"{amount:.0f}",
                     close.isoformat(), rng.choice(OWNERS), account, "Sales Pipeline"])
    return rows


def main() -> None:
    """Write the three files."""
    rng = random.Random(SEED)
    account_rows = accounts(rng)
    names = [str(r[0]) for r in account_rows]
    (OUT / "sf_first_hour_accounts.csv").write_bytes(_csv(
        ["Account Name", "Parent Account", "Industry", "Billing Country", "Annual Revenue", "Account Owner", "Type"],
        account_rows))
    (OUT / "sf_first_hour_opportunities.csv").write_bytes(_csv(
        ["Opportunity ID", "Account Name", "Opportunity Name", "Product Family", "Stage", "Probability (%)", "Amount",
         "Close Date", "Opportunity Owner", "Type"], opportunities(rng, names)))
    (OUT / "hubspot_deals.csv").write_bytes(_csv(
        ["Record ID", "Deal Name", "dealstage", "Amount", "Close Date", "Deal owner", "Associated Company",
         "Pipeline"], hubspot_deals(rng, names)))


if __name__ == "__main__":
    main()
