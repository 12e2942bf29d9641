"""DataFrames as Arrow IPC bytes and back, exactly: dtypes, missing values and shared dicts as they were.

Arrow's own pandas conversion changes what the pages rely on: object columns of text come back as ``str``, a
RangeIndex as a plain index, and a column of dicts as structs with every key of every row. So each column is
written by what it holds and read back as it was:

- numbers, booleans and datetimes as Arrow's own types, read into writable NumPy arrays of the same dtype;
- categoricals as dictionary arrays: their codes and categories, ordered or not;
- pandas extension types (``str``, ``Int64``…) through Arrow, rebuilt by the dtype itself;
- object columns as their distinct values and a code per row. The values are text, dates, or JSON text (dicts:
  the signals and CRM columns; plain numbers); missing cells keep their kind (None, NaN, NA, NaT). Every row
  with the same value shares one object, which ``gtm.domain.diagnosis_engine._expand`` relies on for speed.

Anything else (a column of lists, mixed numbers, a MultiIndex) raises ``Unsupported``: the caller keeps no file
rather than one that reads back differently. Nothing here evaluates code: the bytes hold data and JSON only.
"""

from __future__ import annotations

import datetime as dt
import json
import struct
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

COMPRESSION = "lz4"  # of the IPC buffers: under a third of the bytes to read and hash (84 MB, not 290, at 100k)
_MISSING: dict[str, Any] = {"none": None, "nan": np.nan, "na": pd.NA, "nat": pd.NaT}
_LENGTH = struct.Struct("<Q")


class Unsupported(ValueError):
    """A frame holds something these bytes could not give back exactly."""


def dumps(frames: Mapping[str, pd.DataFrame]) -> bytes:
    """The frames as one byte string: a JSON manifest (names, columns, how each is kept), then one IPC stream each."""
    manifest: list[dict[str, Any]] = []
    streams: list[bytes] = []
    options = pa.ipc.IpcWriteOptions(compression=COMPRESSION)
    for name, frame in frames.items():
        if not isinstance(frame, pd.DataFrame):
            raise Unsupported(f"{name} is a {type(frame).__name__}, not a DataFrame")
        labels = list(frame.columns)
        labels_dtype = "range" if not labels and isinstance(frame.columns, pd.RangeIndex) else str(frame.columns.dtype)
        if not all(isinstance(label, str) for label in labels) or labels_dtype not in ("str", "object", "range"):
            raise Unsupported(f"{name}: column labels must be text")
        arrays, specs = [], []
        for i in range(frame.shape[1]):
            array, spec = _encode(frame.iloc[:, i], f"{name}.{labels[i]}")
            arrays.append(array)
            specs.append(spec)
        index: dict[str, Any]
        if isinstance(frame.index, pd.RangeIndex):
            index = {"range": [frame.index.start, frame.index.stop, frame.index.step], "name": frame.index.name}
        elif frame.index.nlevels == 1 and (frame.index.name is None or isinstance(frame.index.name, str)):
            array, spec = _encode(pd.Series(frame.index), f"{name}.index")
            arrays.append(array)
            index = {"column": spec, "name": frame.index.name}
        else:
            raise Unsupported(f"{name}: only a single-level index can be kept")
        batch = pa.RecordBatch.from_arrays(arrays, names=[f"c{i}" for i in range(len(arrays))])
        sink = pa.BufferOutputStream()
        with pa.ipc.new_stream(sink, batch.schema, options=options) as writer:
            writer.write_batch(batch)
        stream = sink.getvalue().to_pybytes()
        streams.append(stream)
        manifest.append({"name": name, "labels": labels, "labels_dtype": labels_dtype, "columns": specs, "index": index,
                         "bytes": len(stream)})
    head = json.dumps({"frames": manifest}, separators=(",", ":")).encode()
    return b"".join([_LENGTH.pack(len(head)), head, *streams])


def loads(data: bytes | memoryview) -> dict[str, pd.DataFrame]:
    """The frames ``dumps`` wrote. Only for bytes this app wrote and whose signature was checked."""
    buffer = pa.py_buffer(data)
    (length,) = _LENGTH.unpack_from(data, 0)
    start = _LENGTH.size + length
    manifest = json.loads(bytes(data[_LENGTH.size:start]))
    out: dict[str, pd.DataFrame] = {}
    for entry in manifest["frames"]:
        stream = buffer.slice(start, entry["bytes"])
        start += entry["bytes"]
        batch = pa.ipc.open_stream(stream).read_next_batch()
        specs, index_spec = entry["columns"], entry["index"]
        if "range" in index_spec:
            begin, stop, step = index_spec["range"]
            index: pd.Index = pd.RangeIndex(begin, stop, step, name=index_spec["name"])
        else:
            spec = index_spec["column"]
            index = pd.Index(_decode(batch.column(len(specs)), spec), name=index_spec["name"], copy=False,
                             dtype=object if spec["kind"] == "objects" else None)
        # Series on the frame's own index: pandas would infer ``str`` for a bare object array of text.
        columns = {i: pd.Series(_decode(batch.column(i), spec), index=index, copy=False,
                                dtype=object if spec["kind"] == "objects" else None)
                   for i, spec in enumerate(specs)}
        frame = pd.DataFrame(columns, index=index, copy=False)
        frame.columns = pd.RangeIndex(0) if entry["labels_dtype"] == "range" \
            else pd.Index(entry["labels"], dtype=entry["labels_dtype"])
        out[entry["name"]] = frame
    return out


# ---------------------------------------------------------------------------------------------- columns


def _encode(series: pd.Series, where: str) -> tuple[pa.Array, dict[str, Any]]:
    dtype = series.dtype
    if isinstance(dtype, pd.CategoricalDtype):
        codes = series.cat.codes.to_numpy()
        categories, spec = _encode(pd.Series(dtype.categories), f"{where} (categories)")
        if spec["kind"] == "objects":  # distinct already: the values themselves, no codes
            categories = categories.dictionary.take(categories.indices)
        array = pa.DictionaryArray.from_arrays(pa.array(codes, mask=codes < 0), categories)
        return array, {"kind": "category", "ordered": bool(dtype.ordered), "codes": str(codes.dtype),
                       "categories": spec}
    if isinstance(dtype, pd.StringDtype):
        na = "nan" if dtype.na_value is np.nan else "na"
        return _arrow(series), {"kind": "string", "storage": dtype.storage, "na": na}
    if isinstance(dtype, pd.api.extensions.ExtensionDtype):
        if not hasattr(dtype, "__from_arrow__") or pd.api.types.pandas_dtype(str(dtype)) != dtype:
            raise Unsupported(f"{where}: dtype {dtype} cannot be read back from Arrow")
        return _arrow(series), {"kind": "extension", "dtype": str(dtype)}
    if dtype.kind == "O":
        return _objects(series.to_numpy(), where)
    if dtype.kind in "biufMm":
        return pa.array(series.to_numpy()), {"kind": "numpy", "dtype": dtype.str}
    raise Unsupported(f"{where}: dtype {dtype} is not kept")


def _arrow(series: pd.Series) -> pa.Array:
    array = pa.array(series.array)
    return array.combine_chunks() if isinstance(array, pa.ChunkedArray) else array


def _objects(values: np.ndarray, where: str) -> tuple[pa.Array, dict[str, Any]]:
    """An object column as its distinct values (a dictionary array) and, after them, one entry per kind of missing
    cell present, so that None stays None and NaN stays NaN."""
    missing = pd.isna(values)
    present, absent = values[~missing], values[missing]
    none = absent == None  # noqa: E711 - elementwise: the usual kind, found without a Python loop
    kinds = (["none"] if len(absent) else []) if none.all() else sorted({_missing_kind(v) for v in absent})
    if len(present) and all(isinstance(v, dict) for v in present[:1]):
        codes, texts = _dict_codes(present, where)
        values_kind, dictionary = "json", pa.array(texts, type=pa.string())
    else:
        types = set(map(type, present))
        if not types <= {str, dt.date, bool, int, float}:
            names = ", ".join(sorted(t.__name__ for t in types - {str, dt.date, bool, int, float}))
            raise Unsupported(f"{where}: values of type {names} are not kept")
        if len(types & {bool, int, float}) > 1:
            raise Unsupported(f"{where}: mixed numbers and booleans would be merged")  # 1 == 1.0 == True
        codes, uniques = pd.factorize(present)
        codes = codes.astype(np.int32)
        if types <= {str}:
            values_kind, dictionary = "str", pa.array(uniques, type=pa.string())
        elif types == {dt.date}:
            values_kind, dictionary = "date", pa.array(uniques, type=pa.date32())
        else:
            texts = [_json_text(v, where) for v in uniques]
            values_kind, dictionary = "json", pa.array(texts, type=pa.string())
    found = len(dictionary)
    all_codes = np.empty(len(values), dtype=np.int32)
    all_codes[~missing] = codes
    if kinds:
        lookup = {kind: found + i for i, kind in enumerate(kinds)}
        all_codes[missing] = [lookup[_missing_kind(v)] for v in absent] if len(kinds) > 1 else found
        dictionary = pa.concat_arrays([dictionary, pa.nulls(len(kinds), dictionary.type)])
    array = pa.DictionaryArray.from_arrays(pa.array(all_codes), dictionary)
    return array, {"kind": "objects", "values": values_kind, "missing": kinds}


def _missing_kind(value: Any) -> str:
    if value is None:
        return "none"
    if value is pd.NA:
        return "na"
    if value is pd.NaT:
        return "nat"
    if isinstance(value, float):
        return "nan"
    raise Unsupported(f"a missing value of type {type(value).__name__} is not kept")


def _dict_codes(present: np.ndarray, where: str) -> tuple[np.ndarray, list[str]]:
    """Dicts by identity first (rows read in bulk share a few objects), then by their JSON text."""
    ids = np.fromiter((id(d) for d in present), dtype=np.int64, count=len(present))
    _, first, inverse = np.unique(ids, return_index=True, return_inverse=True)
    texts = [_json_text(present[i], where) for i in first]
    text_codes, distinct = pd.factorize(np.asarray(texts, dtype=object))
    return text_codes.astype(np.int32)[inverse.ravel()], list(distinct)


def _json_text(value: Any, where: str) -> str:
    if isinstance(value, dict | str | bool | int | float):
        try:
            text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
        except (TypeError, ValueError):
            pass
        else:
            if _same(value, json.loads(text)):
                return text
    raise Unsupported(f"{where}: a {type(value).__name__} value would not read back the same from JSON")


def _same(a: Any, b: Any) -> bool:
    """Equal, with the same types and key order all the way down (JSON turns a tuple into a list, a NumPy number
    into a Python one; 1 == 1.0 == True)."""
    if type(a) is not type(b) or a != b:
        return False
    if isinstance(a, dict):
        return list(a) == list(b) and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return all(_same(x, y) for x, y in zip(a, b))
    return True


def _decode(array: pa.Array, spec: dict[str, Any]) -> Any:
    kind = spec["kind"]
    if kind == "numpy":
        return np.array(array.to_numpy(zero_copy_only=False), dtype=np.dtype(spec["dtype"]))  # a writable copy
    if kind == "string":
        dtype = pd.StringDtype(spec["storage"], na_value=np.nan if spec["na"] == "nan" else pd.NA)
        return dtype.__from_arrow__(array)  # type: ignore[attr-defined]
    if kind == "extension":
        return pd.api.types.pandas_dtype(spec["dtype"]).__from_arrow__(array)  # type: ignore[union-attr]
    if kind == "category":
        inner = spec["categories"]
        categories = pd.Index(_object_values(array.dictionary, inner["values"]) if inner["kind"] == "objects"
                              else _decode(array.dictionary, inner), copy=False)
        codes = array.indices.fill_null(-1).to_numpy(zero_copy_only=False).astype(spec["codes"])
        return pd.Categorical.from_codes(codes, dtype=pd.CategoricalDtype(categories, ordered=spec["ordered"]))
    if kind == "objects":
        found = len(array.dictionary) - len(spec["missing"])
        lookup = np.empty(len(array.dictionary), dtype=object)
        lookup[:found] = _object_values(array.dictionary.slice(0, found), spec["values"])
        for i, missing in enumerate(spec["missing"]):
            lookup[found + i] = _MISSING[missing]
        return lookup[array.indices.to_numpy(zero_copy_only=False)]
    raise ValueError(f"unknown column kind {kind!r}")


def _object_values(array: pa.Array, values: str) -> np.ndarray:
    """Distinct values as Python objects: text and dates as they are, JSON decoded (once per distinct value)."""
    out = np.empty(len(array), dtype=object)
    out[:] = [json.loads(text) for text in array.to_pylist()] if values == "json" else array.to_pylist()
    return out
