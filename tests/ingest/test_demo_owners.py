"""The demo's opportunities name their owner, as a CRM export does: the BUs' own salespeople, so that the point person
(the owner with the most won value at an account) can be proposed once deals are won."""

from __future__ import annotations

import pandas as pd

from gtm.ingest import demo


def test_every_demo_opportunity_has_an_owner_who_sells_for_one_bu_in_one_region() -> None:
    frames = demo.load()
    opps, accounts = frames["opportunities"], frames["accounts"]
    assert opps["owner"].notna().all() and (opps["owner"].str.strip() != "").all()
    region = opps["account_id"].map(accounts.set_index("account_id")["region"])
    per_owner = pd.DataFrame({"owner": opps["owner"], "bu": opps["bu"], "region": region}).groupby("owner")
    assert (per_owner["bu"].nunique() == 1).all() and (per_owner["region"].nunique() == 1).all()
    # An account's main contact in a BU owns most of that BU's deals there.
    main = opps.groupby(["account_id", "bu"])["owner"].agg(lambda o: o.value_counts(normalize=True).iloc[0])
    assert main.mean() > 0.8
    assert 40 <= opps["owner"].nunique() <= 100  # six BUs, four regions, a few sellers each
