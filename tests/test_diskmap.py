"""DiskMap (issue 9): a mapping on disk whose memory does not grow with its size."""

from __future__ import annotations

import os

import pytest
from hypothesis import given
from hypothesis import strategies as st

from affiches.jobs.diskmap import DiskMap

values = st.recursive(st.none() | st.booleans() | st.integers(-10**9, 10**9) | st.text(max_size=20),
                      lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner,
                                                                                   max_size=3), max_leaves=8)


@given(st.lists(st.tuples(st.sampled_from(["set", "del"]), st.text(max_size=6), values), max_size=40))
def test_behaves_like_a_dict(operations: list[tuple[str, str, object]]) -> None:
    disk, model = DiskMap(), {}
    for op, key, value in operations:
        if op == "set":
            disk[key] = value
            model[key] = value
        elif key in model:
            del disk[key]
            del model[key]
        else:
            with pytest.raises(KeyError):
                del disk[key]
    assert len(disk) == len(model)
    assert list(disk) == sorted(model)
    assert dict(disk.items_sorted()) == model
    assert all(disk[k] == v and k in disk for k, v in model.items())
    disk.close()


def test_rank_order_tags_and_copies() -> None:
    disk = DiskMap()
    disk.put("b", {"ligne": 1}, rank=1)
    disk.put("a", {"ligne": 3}, rank=3, tag="échec")
    disk.put("c", {"ligne": 2}, rank=2, tag="échec")
    assert [v["ligne"] for v in disk.values_by_rank()] == [1, 2, 3]
    value = disk["b"]
    value["ligne"] = 99
    assert disk["b"] == {"ligne": 1}  # values are copies
    assert disk.delete_tagged("échec") == 2
    assert list(disk) == ["b"]
    disk.close()


def test_nothing_is_left_on_disk_and_nothing_named_in_the_current_folder(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.chdir(tmp_path)
    disk = DiskMap()
    for index in range(20_000):
        disk[f"dossier-{index:06d}"] = {"ligne": index, "fichiers": ["x" * 40]}
    assert len(disk) == 20_000
    assert os.listdir(tmp_path) == []
    disk.close()
