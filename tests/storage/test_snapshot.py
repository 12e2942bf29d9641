"""The portfolio's snapshot on disk: named by what it holds, written whole, read back exactly, never stale."""

from __future__ import annotations

import os
import pickle
import time
from pathlib import Path

import pandas as pd
import pytest

from gtm.domain.permissions import ADMIN
from gtm.services import accounts
from gtm.services import portfolio as portfolio_service
from gtm.services.demo import seed_demo
from gtm.storage import frame_ipc, snapshot
from gtm.storage.repository import Store

SECRET = bytes(range(32))


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv(snapshot.ENV, str(folder))
    return folder


@pytest.fixture
def demo(db_url: str) -> Store:
    store = Store(db_url, workspace="demo")
    seed_demo(store)
    return store


def _same(a: dict[str, pd.DataFrame], b: dict[str, pd.DataFrame]) -> None:
    assert a.keys() == b.keys()
    for name in a:
        pd.testing.assert_frame_equal(a[name], b[name])


def test_every_portfolio_change_draws_a_new_stamp(store: Store) -> None:
    assert store.portfolio_stamp() == 0  # nothing written yet: no snapshot can be named
    stamps = set()
    for _ in range(3):
        with store.transaction() as tx:
            store.bump(tx)
        stamps.add((store.portfolio_version(), store.portfolio_stamp()))
    assert len(stamps) == 3 and all(stamp > 0 for _, stamp in stamps)
    with store.transaction() as tx:  # a decision or review: the portfolio is unchanged, so is its stamp
        store.bump(tx, portfolio=False)
    assert (store.portfolio_version(), store.portfolio_stamp()) in stamps


def test_the_key_names_database_workspace_version_and_stamp() -> None:
    base = snapshot.key("sqlite:///a.db", "main", 3, 77)
    assert base is not None and base == snapshot.key("sqlite:///a.db", "main", 3, 77)
    others = [snapshot.key("sqlite:///b.db", "main", 3, 77), snapshot.key("sqlite:///a.db", "demo", 3, 77),
              snapshot.key("sqlite:///a.db", "main", 4, 77), snapshot.key("sqlite:///a.db", "main", 3, 78)]
    assert base not in others and len(set(others)) == 4
    assert snapshot.key("sqlite:///a.db", "main", 3, 0) is None  # no stamp: no snapshot
    # The password is not part of the name (nor written anywhere): a changed password keeps the snapshot.
    assert snapshot.key("postgresql://u:one@h/db", "main", 1, 5) == snapshot.key("postgresql://u:two@h/db", "main", 1, 5)


def test_frames_come_back_from_the_snapshot_exactly(demo: Store, cache: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    built = portfolio_service.frames(demo, min_rows=1)
    assert len(list(cache.glob(f"*{snapshot.SUFFIX}"))) == 1

    def no_build(*args: object, **kwargs: object) -> None:
        raise AssertionError("built again although the snapshot holds this version")

    monkeypatch.setattr(portfolio_service, "diagnosed_with_problems", no_build)
    _same(built, portfolio_service.frames(demo, min_rows=1))


def test_a_change_to_the_portfolio_retires_the_snapshot(demo: Store, cache: Path) -> None:
    before = portfolio_service.frames(demo, min_rows=1)
    account = str(before["accounts"]["account_id"].iloc[0])
    changed_to = "market_bu" if before["accounts"]["current_approach"].iloc[0] != "market_bu" else "lead_unit"
    accounts.set_current_approaches(demo, ADMIN, {account: changed_to})
    after = portfolio_service.frames(demo, min_rows=1)
    assert len(list(cache.glob(f"*{snapshot.SUFFIX}"))) == 2  # a new name: the old file is not read
    assert after["accounts"].set_index("account_id").loc[account, "current_approach"] == changed_to
    assert (after["opportunities"].loc[after["opportunities"]["account_id"] == account, "approach"] == changed_to).all()


def test_off_reads_and_writes_no_snapshot(demo: Store, cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    portfolio_service.frames(demo, min_rows=1)
    assert len(list(cache.iterdir())) == 1
    monkeypatch.setenv(snapshot.ENV, "off")
    assert snapshot.folder() is None
    calls = []
    real = portfolio_service.diagnosed_with_problems
    monkeypatch.setattr(portfolio_service, "diagnosed_with_problems",
                        lambda store, **kw: calls.append(1) or real(store, **kw))
    portfolio_service.frames(demo, min_rows=1)
    assert calls == [1] and len(list(cache.iterdir())) == 1  # built from the database; nothing new written


def test_a_small_portfolio_or_no_stamp_writes_no_file(demo: Store, cache: Path) -> None:
    portfolio_service.frames(demo)  # 400 accounts: builds in well under a second
    assert not cache.exists() or not list(cache.iterdir())


def test_a_damaged_or_foreign_file_is_rebuilt_not_trusted(tmp_path: Path) -> None:
    frames = {"accounts": pd.DataFrame({"account_id": ["A"], "name": ["Acme"]})}
    path = snapshot.save("k1", frames, SECRET, tmp_path)
    assert path is not None
    _same(frames, snapshot.load("k1", SECRET, tmp_path) or {})
    path.write_bytes(path.read_bytes()[:20])  # cut short, as by a full disk
    assert snapshot.load("k1", SECRET, tmp_path) is None
    snapshot.save("k2", frames, SECRET, tmp_path)
    (tmp_path / f"k2{snapshot.SUFFIX}").rename(tmp_path / f"k3{snapshot.SUFFIX}")  # signed as k2
    assert snapshot.load("k3", SECRET, tmp_path) is None
    assert snapshot.load("missing", SECRET, tmp_path) is None and snapshot.load(None, SECRET, tmp_path) is None


def test_only_the_newest_files_stay(tmp_path: Path) -> None:
    frames = {"accounts": pd.DataFrame({"account_id": ["A"]})}
    for i in range(snapshot.KEEP + 3):
        path = snapshot.save(f"k{i}", frames, SECRET, tmp_path)
        assert path is not None
        os.utime(path, (time.time() - 100 + i, time.time() - 100 + i))  # k0 oldest
    left = tmp_path / f".writing-old{snapshot.SUFFIX}"  # a writer killed mid-file, two hours ago
    left.write_bytes(b"half")
    os.utime(left, (time.time() - 7200, time.time() - 7200))
    snapshot.save("last", frames, SECRET, tmp_path)
    kept = sorted(p.name for p in tmp_path.iterdir())
    assert len(kept) == snapshot.KEEP and f"last{snapshot.SUFFIX}" in kept and f"k0{snapshot.SUFFIX}" not in kept


def test_a_folder_that_cannot_be_written_leaves_the_pages_working(tmp_path: Path) -> None:
    blocked = tmp_path / "file"
    blocked.write_text("not a folder")
    assert snapshot.save("k", {"a": pd.DataFrame()}, SECRET, blocked / "cache") is None


def test_overrides_and_rates_keep_the_stored_rows_version_imports_and_approaches_advance_it(demo: Store) -> None:
    from gtm.services import currency, diagnosis

    rows, portfolio_version = demo.rows_version(), demo.portfolio_version()
    opportunity = str(demo.opportunities()["opportunity_id"].iloc[0])
    diagnosis.override_nature(demo, ADMIN, opportunity, "turnkey", "seen on site")
    currency.set_exchange_rates(demo, ADMIN, [{"currency": "EUR", "rate": 1.1}])
    assert demo.rows_version() == rows and demo.portfolio_version() == portfolio_version + 2
    account = str(demo.accounts()["account_id"].iloc[0])
    accounts.set_current_approaches(demo, ADMIN, {account: "lead_unit"})
    assert demo.rows_version() == rows + 1


def test_frames_diagnose_rows_given_to_them_without_reading_again(demo: Store,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    stored = portfolio_service.stored_rows(demo)
    expected = portfolio_service.frames(demo, snapshots=False)

    def no_read() -> None:
        raise AssertionError("read again although the rows were given")

    monkeypatch.setattr(demo, "opportunities", no_read)
    monkeypatch.setattr(demo, "accounts", no_read)
    _same(expected, portfolio_service.frames(demo, snapshots=False, rows=lambda: stored))


def test_a_page_saves_the_snapshot_in_the_background_after_a_delay(demo: Store, cache: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(portfolio_service, "SAVE_DELAY_S", 0.2)
    built = portfolio_service.frames(demo, min_rows=1, save_in_background=True)  # returns before the file exists
    name = snapshot.key(demo.url, demo.workspace, demo.portfolio_version(), demo.portfolio_stamp())
    for _ in range(200):
        if (saved := snapshot.load(name, demo.snapshot_secret())) is not None:
            break
        time.sleep(0.05)
    _same(built, saved or {})


# ---------------------------------------------------------------------------------------------- a folder not to trust


class _Payload:
    """Unpickling this creates ``marker``: what an attacker's file in the cache folder would run."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[object, tuple[str, str]]:
        return open, (str(self.marker), "w")


def _malicious(marker: Path) -> bytes:
    data = pickle.dumps({"format": 1, "key": "any", "frames": _Payload(marker)})
    probe = marker.with_name("probe")
    pickle.loads(pickle.dumps(_Payload(probe)))  # the payload is live: loading it as the old code did runs it
    assert probe.exists()
    probe.unlink()
    return data


def _name(store: Store) -> str:
    name = snapshot.key(store.url, store.workspace, store.portfolio_version(), store.portfolio_stamp())
    assert name is not None
    return name


def test_a_pickle_in_the_folder_is_never_run_and_the_frames_are_rebuilt(demo: Store, cache: Path,
                                                                         tmp_path: Path) -> None:
    expected = portfolio_service.frames(demo, snapshots=False)
    marker = tmp_path / "ran"
    cache.mkdir()
    name = _name(demo)
    for file in (cache / f"{name}{snapshot.SUFFIX}", cache / f"{name}.portfolio.pickle",
                 cache / f"{name}.pickle", cache / "gtm.pkl"):
        file.write_bytes(_malicious(marker))
    _same(expected, portfolio_service.frames(demo, min_rows=1))
    assert not marker.exists()
    # The rebuilt frames took the name (a signed Arrow file) and the older version's pickle went, unread.
    assert not (cache / f"{name}.portfolio.pickle").exists()
    assert (cache / f"{name}{snapshot.SUFFIX}").read_bytes().startswith(snapshot.MAGIC)
    _same(expected, snapshot.load(name, demo.snapshot_secret()) or {})
    assert not marker.exists()


def test_a_snapshot_changed_by_one_byte_is_not_served(demo: Store, cache: Path) -> None:
    expected = portfolio_service.frames(demo, min_rows=1)
    path = cache / f"{_name(demo)}{snapshot.SUFFIX}"
    data = bytearray(path.read_bytes())
    for at in (len(snapshot.MAGIC) + 3, len(data) // 2, len(data) - 1):  # in the HMAC, the middle, the end
        changed = data.copy()
        changed[at] ^= 0x01
        path.write_bytes(changed)
        assert snapshot.load(_name(demo), demo.snapshot_secret()) is None
    _same(expected, portfolio_service.frames(demo, min_rows=1))  # rebuilt from the database and signed again
    assert snapshot.load(_name(demo), demo.snapshot_secret()) is not None


def test_a_valid_arrow_file_with_other_numbers_is_not_served(demo: Store, cache: Path) -> None:
    real = portfolio_service.frames(demo, min_rows=1)
    name, path = _name(demo), cache / f"{_name(demo)}{snapshot.SUFFIX}"
    signed = path.read_bytes()
    forged = {**real, "opportunities": real["opportunities"].assign(value=real["opportunities"]["value"] * 10)}
    body = frame_ipc.dumps(forged)
    head = len(snapshot.MAGIC) + 32
    attempts = {
        "signed with a key of its own": snapshot.MAGIC + snapshot._mac(b"guessed" * 5, name, body) + body,
        "the real file's HMAC in front": signed[:head] + body,
        "no HMAC at all": snapshot.MAGIC + bytes(32) + body,
    }
    for how, data in attempts.items():
        path.write_bytes(data)
        assert snapshot.load(name, demo.snapshot_secret()) is None, how
        served = portfolio_service.frames(demo, min_rows=1)
        assert served["opportunities"]["value"].sum() == real["opportunities"]["value"].sum(), how
    path.write_bytes(signed)  # the one this database signed is served
    _same(real, snapshot.load(name, demo.snapshot_secret()) or {})


def test_a_snapshot_signed_by_another_database_is_not_served(demo: Store, cache: Path, tmp_path: Path) -> None:
    portfolio_service.frames(demo, min_rows=1)
    other = Store(f"sqlite:///{tmp_path / 'other.db'}")
    assert other.snapshot_secret() != demo.snapshot_secret()
    assert snapshot.load(_name(demo), other.snapshot_secret()) is None
    other.dispose()


def test_the_secret_is_drawn_once_and_kept_in_the_database(db_url: str) -> None:
    first = Store(db_url)
    secret = first.snapshot_secret()
    again = Store(db_url)  # another server on the same database signs with the same key
    assert len(secret) == 32 and secret == first.snapshot_secret() == again.snapshot_secret()
    first.dispose()
    again.dispose()


def test_frames_a_snapshot_cannot_keep_exactly_are_not_written(tmp_path: Path) -> None:
    odd = {"accounts": pd.DataFrame({"tags": pd.Series([["a", "b"], None], dtype=object)})}  # lists: not kept
    assert snapshot.save("k", odd, SECRET, tmp_path) is None
    assert not list(tmp_path.iterdir())
