"""The read model: what every page, the command line and the hand-out read of a workspace, as plain functions.

Each function takes a store or the frames read from one and explicit inputs, and returns typed results; the keys
a cache holds them under (the store's versions, a matrix's fingerprint, filters) are made here too (``keys``). No
function here caches: the pages wrap them in one adapter module (``pages/common/cache/``), the command line and
the hand-out call them directly.

- ``keys``: versions and fingerprints a cached read is keyed on
- ``portfolio``: the judged portfolio (prepare, judge, recommend, summarise) and its figures, cells and queues
- ``design``: the Design and Scenarios pages' assumptions, scopes, value in band and designs
- ``capture``: lead BU, point person and whitespace
- ``pages``: what the Key accounts, Diagnose and Results pages derive from the frames
"""
