"""The public surface is deliberate: `__all__` lists exactly the public names, sorted."""

import sanctions


def test_all_is_sorted_and_complete() -> None:
    # dir() includes the names imported on first use (PEP 562 __dir__)
    public = {name for name in dir(sanctions) if not name.startswith("_")}
    modules = {name for name in public if type(getattr(sanctions, name)).__name__ == "module"}
    assert sanctions.__all__ == sorted(sanctions.__all__)
    assert set(sanctions.__all__) == public - modules


def test_every_exported_name_resolves() -> None:
    for name in sanctions.__all__:
        assert getattr(sanctions, name) is not None, name
