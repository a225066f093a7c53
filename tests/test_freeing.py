"""free_gradually empties what it is given and frees its contents (tuimail/freeing.py)."""

from __future__ import annotations

import gc
import weakref

from tuimail.freeing import free_gradually


class Item:
    def __init__(self, n: int) -> None:
        self.n = n
        self.parts = [str(n)] * 3


def test_a_list_is_emptied_from_its_end_and_its_items_freed() -> None:
    items = [Item(n) for n in range(2_500)]
    refs = [weakref.ref(item) for item in items[::100]]
    kept = items[7]  # somebody else's reference survives
    free_gradually(items, step=1_000)
    assert items == []
    gc.collect()
    assert [r() for r in refs if r() is not None] == []
    assert kept.n == 7


def test_a_dict_is_emptied_and_none_is_nothing() -> None:
    table = {n: Item(n) for n in range(2_345)}
    ref = weakref.ref(table[5])
    free_gradually(table, step=1_000)
    assert table == {}
    assert ref() is None
    free_gradually(None)
